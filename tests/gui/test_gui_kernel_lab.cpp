// The Kernel Lab view driven like a person under Xvfb: the horizontal-edge detector on a digit
// gives a signed, non-uniform map; stepping and clicking move the kernel window; the edited
// kernel survives a session save and load.
#include <gtest/gtest.h>

#include "app/app_state.h"
#include "gui_runner.h"

namespace cl::testing {

namespace {
// At --size 1400x900: the padded input, the output map, the arithmetic line under them.
const Rect k_input{444, 118, 893, 566};
const Rect k_output{926, 118, 1341, 533};
const Rect k_arithmetic{444, 630, 1380, 660};
const char* k_lab = "--size 1400x900 --view kernel-lab";
}  // namespace

TEST(GuiKernelLab, HorizontalEdgeOnADigitGivesASignedMap) {
    ASSERT_TRUE(have_display());
    GuiRun run = run_gui("kernel_lab", "", k_lab);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    ASSERT_EQ(run.shot.width, 1400);
    EXPECT_GT(distinct_colours(run.shot, k_input), 5) << "no digit where the input belongs";
    // Strong where the strokes are horizontal, white elsewhere: clearly red and blue cells, but
    // far from all of the map.
    const int coloured = colormap_pixels(run.shot, k_output, Colormap::Diverging, 0.25f);
    const int area = (k_output.x1 - k_output.x0) * (k_output.y1 - k_output.y0);
    EXPECT_GT(coloured, area / 50) << "the edge map is (nearly) uniform";
    EXPECT_LT(coloured, area / 2);
    EXPECT_GT(colour_bar_length(run.shot, Colormap::Diverging), 200);
    EXPECT_GT(contrast_pixels(run.shot, k_arithmetic), 300) << "the arithmetic is not written out";
}

TEST(GuiKernelLab, SteppingHidesTheCellsNotYetComputed) {
    ASSERT_TRUE(have_display());
    GuiRun full = run_gui("kernel_lab_full", "", k_lab);
    std::string script;
    for (int i = 0; i < 30; ++i) script += "key PageDown\n";  // 300 of 676 cells
    script += "move 700 885\nframes 2\n";
    GuiRun mid = run_gui("kernel_lab_mid", script, k_lab);
    ASSERT_EQ(full.result.exit_code, 0) << full.result.err;
    ASSERT_EQ(mid.result.exit_code, 0) << mid.result.err;
    const Rect top{k_output.x0, k_output.y0, k_output.x1, k_output.y0 + 150};
    const Rect bottom{k_output.x0, k_output.y1 - 150, k_output.x1, k_output.y1};
    EXPECT_LT(fraction_different(full.shot, mid.shot, top), 0.05) << "computed rows stay";
    EXPECT_GT(fraction_different(full.shot, mid.shot, bottom), 0.5) << "later rows are blank";
    EXPECT_GT(fraction_different(full.shot, mid.shot, k_input), 0.005) << "the window moved";
}

TEST(GuiKernelLab, ClickingAnOutputCellShowsItsArithmetic) {
    ASSERT_TRUE(have_display());
    GuiRun before = run_gui("kernel_lab_click_before", "", k_lab);
    GuiRun after =
        run_gui("kernel_lab_click_after", "click 1093 173\nmove 700 885\nframes 2\n", k_lab);
    ASSERT_EQ(after.result.exit_code, 0) << after.result.err;
    EXPECT_GT(fraction_different(before.shot, after.shot, k_arithmetic), 0.02)
        << "the arithmetic did not change to the clicked cell";
    EXPECT_GT(fraction_different(before.shot, after.shot, k_input), 0.005) << "window not moved";
}

TEST(GuiKernelLab, EditedKernelSurvivesASession) {
    const auto path = temp_dir("gui_kernel_lab_session") / "s.json";
    AppState a;
    a.kernel_lab.k = 2;
    a.kernel_lab.kernel = {1.5f, -2, 0.25f, 3};
    a.kernel_lab.bias = -0.5f;
    a.kernel_lab.stride = 3;
    a.kernel_lab.same_pad = true;
    a.kernel_lab.relu = true;
    a.kernel_lab.source = KernelLabSource::Mnist;
    a.kernel_lab.mnist_index = 42;
    session_save(path.string(), a);
    AppState b;
    session_load(path.string(), b);
    EXPECT_EQ(b.kernel_lab.k, 2);
    EXPECT_EQ(b.kernel_lab.kernel, a.kernel_lab.kernel);
    EXPECT_FLOAT_EQ(b.kernel_lab.bias, -0.5f);
    EXPECT_EQ(b.kernel_lab.stride, 3);
    EXPECT_TRUE(b.kernel_lab.same_pad);
    EXPECT_TRUE(b.kernel_lab.relu);
    EXPECT_EQ(b.kernel_lab.source, KernelLabSource::Mnist);
    EXPECT_EQ(b.kernel_lab.mnist_index, 42);
}

}  // namespace cl::testing
