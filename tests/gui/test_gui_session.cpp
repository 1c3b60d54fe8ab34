// Session JSON (no display needed): what is saved comes back, and a bad file leaves the state
// as it was with a message naming the file.
#include <gtest/gtest.h>

#include <fstream>

#include "app/app_state.h"
#include "engine/error.h"
#include "testing.h"

namespace cl {

TEST(GuiSession, SaveThenLoadRestoresTheChoices) {
    const auto path = testing::temp_dir("gui_session") / "s.json";
    AppState a;
    a.request.model = "vgg16";
    a.request.input_path = "cat.png";
    a.zoom = 1.75f;
    a.light_theme = true;
    a.feature_maps.layer = "conv5_3";
    a.feature_maps.colormap = ColormapChoice::Diverging;
    a.feature_maps.per_map = true;
    a.feature_maps.filter_input = 7;
    session_save(path.string(), a);

    AppState b;
    session_load(path.string(), b);
    EXPECT_EQ(b.request.model, "vgg16");
    EXPECT_EQ(b.request.input_path, "cat.png");
    EXPECT_FLOAT_EQ(b.zoom, 1.75f);
    EXPECT_TRUE(b.light_theme);
    EXPECT_EQ(b.feature_maps.layer, "conv5_3");
    EXPECT_EQ(b.feature_maps.colormap, ColormapChoice::Diverging);
    EXPECT_TRUE(b.feature_maps.per_map);
    EXPECT_EQ(b.feature_maps.filter_input, 7);
}

TEST(GuiSession, BadFileKeepsTheStateAndNamesTheFile) {
    const auto dir = testing::temp_dir("gui_session_bad");
    const auto path = dir / "broken.json";
    std::ofstream(path) << "{\"convlens_session\": 1, \"zoom\": \"big\"";
    AppState s;
    s.request.model = "alexnet";
    try {
        session_load(path.string(), s);
        FAIL() << "broken JSON was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos) << e.what();
    }
    EXPECT_EQ(s.request.model, "alexnet");
    std::ofstream(dir / "other.json") << "{\"layers\": []}";
    EXPECT_THROW(session_load((dir / "other.json").string(), s), Error);
}

}  // namespace cl
