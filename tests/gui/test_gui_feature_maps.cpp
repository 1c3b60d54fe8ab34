// The Feature Maps view driven like a person: screenshots under Xvfb, checked for content
// (maps, colour bars, text) and for the visible effect of keys and clicks.
#include <gtest/gtest.h>

#include "gui_runner.h"

namespace cl::testing {

namespace {
// At --size 1400x900 with LeNet-5's conv1, under the menu bar and the views' tab bar: the maps
// panel (right of the filters), the sidebar, the menu bar.
const Rect k_maps{860, 168, 1300, 838};
const Rect k_sidebar{10, 148, 360, 448};
const Rect k_menu{0, 0, 200, 22};
const char* k_lenet = "--size 1400x900 --view feature-maps --model lenet5";
}  // namespace

TEST(GuiFeatureMaps, DefaultShowsMapsColourBarAndText) {
    ASSERT_TRUE(have_display());
    GuiRun run = run_gui("default", "", k_lenet);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    ASSERT_EQ(run.shot.width, 1400);
    ASSERT_EQ(run.shot.height, 900);
    EXPECT_GT(distinct_colours(run.shot, {0, 0, 1400, 900}), 200) << "blank window";
    EXPECT_GT(distinct_colours(run.shot, k_maps), 40) << "no feature maps where they belong";
    EXPECT_GT(colormap_pixels(run.shot, k_maps, Colormap::Diverging), 5000)
        << "the maps are not coloured blue-white-red";
    // conv1 has signed outputs: a blue-white-red bar, long and in order.
    EXPECT_GT(colour_bar_length(run.shot, Colormap::Diverging), 200);
    EXPECT_GT(contrast_pixels(run.shot, k_menu), 60) << "menu bar text missing";
    EXPECT_GT(contrast_pixels(run.shot, k_sidebar), 800) << "layer list text missing";
}

TEST(GuiFeatureMaps, RightArrowStepsToTheNextLayer) {
    ASSERT_TRUE(have_display());
    GuiRun before = run_gui("step_before", "", k_lenet);
    GuiRun after = run_gui("step_after", "key Right\nframes 2\n", k_lenet);
    ASSERT_EQ(before.result.exit_code, 0) << before.result.err;
    ASSERT_EQ(after.result.exit_code, 0) << after.result.err;
    // conv1 -> relu1: the maps change and, being non-negative now, get the viridis bar.
    EXPECT_GT(fraction_different(before.shot, after.shot, k_maps), 0.2);
    EXPECT_LT(colour_bar_length(before.shot, Colormap::Viridis), 50);
    EXPECT_GT(colour_bar_length(after.shot, Colormap::Viridis), 200);
}

TEST(GuiFeatureMaps, ClickEnlargesAMapAndEscapeReturns) {
    ASSERT_TRUE(have_display());
    GuiRun grid = run_gui("click_before", "", k_lenet);
    GuiRun big =
        run_gui("click_after", "click 1193 273\nframes 2\nmove 700 885\nframes 2\n", k_lenet);
    GuiRun back = run_gui(
        "click_back", "click 1193 273\nframes 2\nkey Escape\nmove 700 885\nframes 2\n", k_lenet);
    ASSERT_EQ(grid.result.exit_code, 0) << grid.result.err;
    ASSERT_EQ(big.result.exit_code, 0) << big.result.err;
    ASSERT_EQ(back.result.exit_code, 0) << back.result.err;
    const double run_grid = median_run(grid.shot, k_maps), run_big = median_run(big.shot, k_maps);
    EXPECT_GT(run_big, 2 * run_grid) << "the clicked map should be shown much larger";
    EXPECT_LT(fraction_different(grid.shot, back.shot, k_maps), 0.02);
}

TEST(GuiFeatureMaps, PerMapCheckboxRescalesEachMap) {
    ASSERT_TRUE(have_display());
    GuiRun shared = run_gui("per_map_off", "", k_lenet);
    GuiRun per_map = run_gui("per_map_on", "click 646 100\nmove 700 885\nframes 2\n", k_lenet);
    ASSERT_EQ(per_map.result.exit_code, 0) << per_map.result.err;
    // Weak maps get stretched to the full colour range: many map pixels change colour.
    EXPECT_GT(fraction_different(shared.shot, per_map.shot, k_maps), 0.05);
}

TEST(GuiFeatureMaps, RgbModelShowsItsInputAndLayers) {
    ASSERT_TRUE(have_display());
    GuiRun run = run_gui("tinyvgg", "key Home\nframes 2\n",
                         "--size 1400x900 --model tinyvgg --view feature-maps");
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_GT(distinct_colours(run.shot, {760, 158, 1380, 848}), 15);  // grey: few colours
    EXPECT_GT(colour_bar_length(run.shot, Colormap::Gray), 200) << "the input is shown in grey";
}

TEST(GuiFeatureMaps, AFaintEnlargedMapSaysHowToStretchIt) {
    ASSERT_TRUE(have_display());
    // LeNet-5 conv1 on the sample 0: map 5 is pale in the layer's range, map 1 strongly red.
    // Only the pale one, enlarged, gets the hint "tick Per map to stretch it" by the title.
    GuiRun faint =
        run_gui("enlarged_faint", "click 1193 730\nframes 2\nmove 700 885\nframes 2\n", k_lenet);
    GuiRun strong =
        run_gui("enlarged_strong", "click 1193 273\nframes 2\nmove 700 885\nframes 2\n", k_lenet);
    ASSERT_EQ(faint.result.exit_code, 0) << faint.result.err;
    ASSERT_EQ(strong.result.exit_code, 0) << strong.result.err;
    const Rect beside_title{760, 112, 1390, 132};
    EXPECT_GT(contrast_pixels(faint.shot, beside_title, 40), 100) << "no hint";
    EXPECT_LT(contrast_pixels(strong.shot, beside_title, 40), 10);
}

}  // namespace cl::testing
