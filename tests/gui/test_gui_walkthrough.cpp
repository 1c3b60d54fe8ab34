// The Walkthrough view driven like a teacher in front of the class: for each classical network,
// Right through every layer, Home, then Right to a layer worth showing, and a screenshot of it
// (table row, maps, kernels, the module diagram). The saved session says where the keys ended.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "engine/explain/layer_notes.h"
#include "engine/zoo/zoo.h"
#include "gui_runner.h"

namespace cl::testing {

namespace {
// At --size 1400x900, dark theme: the layer card (left), the maps / diagram panel (right), the
// table (bottom), the diagram band at the top of the right panel.
const Rect k_card{10, 160, 470, 680};
const Rect k_right{490, 160, 1390, 680};
const Rect k_table{10, 730, 1390, 890};
const Rect k_diagram{490, 190, 1390, 440};

struct Arch {
    const char* model;
    const char* layer;       // where the screenshot is taken
    bool conv;               // the layer has kernels: blue-white-red maps on screen
    std::array<int, 3> box;  // a colour the module diagram draws with, or {-1} for none
};

void PrintTo(const Arch& a, std::ostream* os) {
    *os << a.model;
}

std::vector<std::string> layer_names(const std::string& model) {
    const CommandResult r = run_convlens("summary " + model + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> names;
    if (r.exit_code != 0) return names;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    for (const auto& l : j["layers"]) names.push_back(l["name"].get<std::string>());
    return names;
}

// A session that opens the Walkthrough on `model`, stepping every layer (not main layers only).
std::string write_session(const std::string& name, const std::string& model, bool main_only) {
    const auto path = std::filesystem::path(CONVLENS_TEST_TMP) / "gui" / (name + ".session.json");
    std::filesystem::create_directories(path.parent_path());
    const nlohmann::json j = {{"convlens_session", 1},
                              {"model", model},
                              {"view", "walkthrough"},
                              {"walkthrough", {{"main_only", main_only}}}};
    std::ofstream(path) << j.dump();
    return path.string();
}

std::string saved_layer(const std::string& session, const std::string& model) {
    const nlohmann::json j = nlohmann::json::parse(read_text(session));
    return j["walkthrough"]["layers"].value(model, std::string("(none)"));
}
}  // namespace

class GuiWalkthrough : public ::testing::TestWithParam<Arch> {};

TEST_P(GuiWalkthrough, EveryLayerByArrowKeysThenAStepOnScreen) {
    ASSERT_TRUE(have_display());
    const Arch a = GetParam();
    const std::vector<std::string> names = layer_names(a.model);
    ASSERT_GT(names.size(), 2u);
    const auto target = std::find(names.begin(), names.end(), a.layer);
    ASSERT_NE(target, names.end());
    std::string script;
    for (size_t i = 0; i + 1 < names.size(); ++i) script += "key Right\n";
    script += "key Right\nkey Home\n";  // one press past the end is harmless
    for (auto it = names.begin(); it != target; ++it) script += "key Right\n";
    script += "wait-idle\nmove 700 5\nframes 2\n";
    const std::string name = std::string("walkthrough_") + a.model;
    const std::string session = write_session(name, a.model, false);
    GuiRun run = run_gui(name, script, "--size 1400x900 --session " + session);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    ASSERT_EQ(run.shot.width, 1400);
    // Every Right moved exactly one layer: Home and k presses land on layer k.
    EXPECT_EQ(saved_layer(session, a.model), a.layer);

    EXPECT_GT(contrast_pixels(run.shot, k_table), 1500) << "the table has no text";
    EXPECT_GT(contrast_pixels(run.shot, k_card), 1500) << "the layer card has no text";
    EXPECT_GT(distinct_colours(run.shot, k_right), 60) << "no maps on the right";
    if (a.conv) {
        EXPECT_GT(colormap_pixels(run.shot, k_right, Colormap::Diverging), 3000)
            << "no blue-white-red kernels or maps";
    }
    if (a.box[0] >= 0) {
        EXPECT_GT(count_near(run.shot, k_diagram, a.box, 12), 400) << "no module diagram";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Classics, GuiWalkthrough,
    ::testing::Values(Arch{"lenet5", "conv1", true, {-1, 0, 0}},
                      Arch{"alexnet", "conv1", true, {-1, 0, 0}},
                      Arch{"vgg16", "conv1_2", true, {-1, 0, 0}},
                      // the depth-concat box's purple outline; the conv boxes' blue outline
                      Arch{"googlenet", "inception3a/5x5", true, {170, 95, 200}},
                      Arch{"resnet18", "layer2.0.add", false, {66, 133, 214}}),
    [](const ::testing::TestParamInfo<Arch>& info) { return std::string(info.param.model); });

// An imported network gets the same pictures: torchvision's resnet18 (random weights) exported
// to ONNX by the ONNX tests' own PyTorch script, every node stepped by the Right key, then the
// first projection block's add with its residual diagram.
TEST(GuiWalkthrough, ImportedOnnxResNetStepsAndDrawsTheResidualBlock) {
    ASSERT_TRUE(have_display());
    const auto dir = std::filesystem::path(CONVLENS_TEST_TMP) / "gui" / "walkthrough_onnx";
    std::filesystem::create_directories(dir);
    const auto log = dir / "export.log";
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/onnx_export_models.py " + dir.string() + " resnet18 >" +
                                log.string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << read_text(log);
    const std::string model = (dir / "resnet18.onnx").string();

    const CommandResult r = run_convlens("summary " + model + " --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> names;
    std::vector<std::string> adds;  // the Add nodes: layer1.0, layer1.1, layer2.0 (projection)
    const nlohmann::json summary = nlohmann::json::parse(r.out);
    for (const auto& l : summary["layers"]) {
        names.push_back(l["name"].get<std::string>());
        if (l["op"] == "Add") adds.push_back(names.back());
    }
    ASSERT_EQ(adds.size(), 8u) << "resnet18 has eight residual blocks";
    const auto target = std::find(names.begin(), names.end(), adds[2]);
    std::string script;
    for (size_t i = 0; i < names.size(); ++i) script += "key Right\n";
    script += "key Home\n";
    for (auto it = names.begin(); it != target; ++it) script += "key Right\n";
    script += "wait-idle\nmove 700 5\nframes 2\n";
    const std::string session = write_session("walkthrough_onnx", model, false);
    GuiRun run = run_gui("walkthrough_onnx", script, "--size 1400x900 --session " + session);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(saved_layer(session, model), adds[2]) << "a key did not move exactly one layer";
    EXPECT_GT(contrast_pixels(run.shot, k_card), 1500) << "the layer card has no text";
    EXPECT_GT(count_near(run.shot, k_diagram, {66, 133, 214}, 12), 400) << "no residual diagram";
    EXPECT_GT(colormap_pixels(run.shot, k_right, Colormap::Diverging), 3000)
        << "no x, F(x), F(x) + x maps";
}

// Presenter mode (large text, 1400x900): the card of a 3x3 convolution stacked on another (the
// longest card: note, stacked-3x3 comparison, random-weights tag) shows everything without a
// scrollbar. TinyVGG's conv_1_2, as VGG16's conv1_2 but quick to compute.
TEST(GuiWalkthrough, PresenterModeCardNeedsNoScrolling) {
    ASSERT_TRUE(have_display());
    const auto path =
        std::filesystem::path(CONVLENS_TEST_TMP) / "gui" / "walkthrough_presenter.session.json";
    const nlohmann::json j = {{"convlens_session", 1},
                              {"model", "tinyvgg"},
                              {"view", "walkthrough"},
                              {"presenter", true},
                              {"light_theme", true},
                              {"zoom", 1.6},
                              {"walkthrough", {{"layers", {{"tinyvgg", "conv_1_2"}}}}}};
    std::ofstream(path) << j.dump();
    GuiRun run = run_gui("walkthrough_presenter", "wait-idle\nmove 700 5\nframes 2\n",
                         "--size 1400x900 --session " + path.string());
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    // The light theme's scrollbar grab (190, 190, 190) anywhere in the card's part of the window
    // (wherever the card ends): about 700 pixels of text edges without one, 6,000 or more with.
    EXPECT_LT(count_near(run.shot, Rect{10, 250, 705, 810}, {190, 190, 190}, 2), 2500)
        << "the layer card needs a scrollbar";
    EXPECT_GT(contrast_pixels(run.shot, Rect{20, 700, 640, 800}), 1500)
        << "nothing at the bottom of the card";
    EXPECT_GT(colormap_pixels(run.shot, Rect{710, 250, 1390, 800}, Colormap::Diverging), 3000)
        << "no kernels or maps beside the card";
}

TEST(GuiWalkthrough, HomeEndAndMainLayersOnly) {
    ASSERT_TRUE(have_display());
    const std::vector<std::string> names = layer_names("lenet5");
    ASSERT_FALSE(names.empty());
    const std::string end = write_session("walkthrough_end", "lenet5", true);
    GuiRun at_end =
        run_gui("walkthrough_end", "key End\nwait-idle\n", "--size 1400x900 --session " + end);
    ASSERT_EQ(at_end.result.exit_code, 0) << at_end.result.err;
    EXPECT_EQ(saved_layer(end, "lenet5"), names.back());
    // The softmax's ten probabilities as labelled bars in the Out panel (the right half of the
    // maps), the answer's in full red; a grid of probabilities would be viridis, not red.
    EXPECT_GT(count_near(at_end.shot, Rect{910, 160, 1390, 680}, {214, 96, 77}, 6), 1000)
        << "no answer bar";
    // Main layers only: the lecture's rows, here read from the engine's own list (the zoo test
    // checks that list by hand); three steps from Home and one back lands on the second.
    ZooOptions o;
    o.initialize = false;
    const Graph g = zoo_build("lenet5", o);
    const std::vector<int> steps = walkthrough_steps(g, true);
    ASSERT_GT(steps.size(), 3u);
    ASSERT_NE(steps[2], 2) << "lenet5 has no element-wise layer to skip";
    const std::string main = write_session("walkthrough_main", "lenet5", true);
    GuiRun stepped = run_gui("walkthrough_main",
                             "key End\nkey Home\nkey Right\nkey Right\nkey Right\nkey Left\n"
                             "wait-idle\n",
                             "--size 1400x900 --session " + main);
    ASSERT_EQ(stepped.result.exit_code, 0) << stepped.result.err;
    EXPECT_EQ(saved_layer(main, "lenet5"), g.node(steps[2]).name);
}

// Both export buttons through the file dialog (type the path, Enter), as a user would.
TEST(GuiWalkthrough, ExportsTheTableAsCsvAndMarkdown) {
    ASSERT_TRUE(have_display());
    const auto dir = std::filesystem::path(CONVLENS_TEST_TMP) / "gui";
    std::filesystem::create_directories(dir);
    const auto csv = dir / "walkthrough-table.csv", md = dir / "walkthrough-table.md";
    std::filesystem::remove(csv);
    std::filesystem::remove(md);
    // At 1400x900 the buttons open the table panel: Export CSV at x 65, Markdown at x 190.
    const std::string script = "wait-idle\nclick 65 712\nframes 3\ntext \"" + csv.string() +
                               "\"\nkey Enter\nframes 3\nclick 190 712\nframes 3\ntext \"" +
                               md.string() + "\"\nkey Enter\nframes 3\n";
    GuiRun run =
        run_gui("walkthrough_export", script, "--size 1400x900 --view walkthrough --model lenet5");
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const std::string csv_text = read_text(csv), md_text = read_text(md);
    EXPECT_EQ(csv_text.rfind("name,op,input_c,", 0), 0u) << csv_text.substr(0, 200);
    EXPECT_NE(csv_text.find("\nconv1,Conv2d,1,28,28,6,28,28,5,1,2,1,6,150,6,156,117600,"),
              std::string::npos)
        << csv_text.substr(0, 400);
    EXPECT_NE(md_text.find("| conv1 | Conv2d | 28x28x1 | 28x28x6 | 1 | 2 | 5x5 | 1 | 6 | 156 | "
                           "117,600 |"),
              std::string::npos)
        << md_text.substr(0, 400);
}

}  // namespace cl::testing
