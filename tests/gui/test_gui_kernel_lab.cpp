// The Kernel Lab view driven like a person under Xvfb: the horizontal-edge detector on a digit
// gives a signed, non-uniform map; stepping and clicking move the kernel window; the edited
// kernel survives a session save and load.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/app_state.h"
#include "gui_runner.h"

namespace cl::testing {

namespace {
// At --size 1400x900: the padded input, the output map, the arithmetic line under them.
const Rect k_input{444, 118, 893, 566};
const Rect k_output{926, 118, 1341, 533};
const Rect k_arithmetic{444, 585, 1380, 625};
const char* k_lab = "--size 1400x900 --view kernel-lab";
// A LeNet conv2 filter: the six pool1 maps, the 10x10 output, the line of per-channel sums.
const Rect k_conv2_maps{444, 118, 960, 460};
const Rect k_conv2_output{990, 120, 1375, 505};
const Rect k_conv2_sums{444, 596, 1380, 612};
// Two kernels: the strip of their output maps under the images.
const Rect k_stack{444, 600, 630, 692};
// The Draw & Classify view's layer strip (another view: only compared with itself).
const Rect k_draw_layers{0, 560, 1400, 900};
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
    // The lab opens on the cell with the strongest response (the top edge of the 3); a click on
    // the output's top-left corner shows that cell's all-zero window instead.
    ASSERT_TRUE(have_display());
    GuiRun before = run_gui("kernel_lab_click_before", "", k_lab);
    GuiRun after =
        run_gui("kernel_lab_click_after", "click 935 128\nmove 700 885\nframes 2\n", k_lab);
    ASSERT_EQ(after.result.exit_code, 0) << after.result.err;
    EXPECT_GT(fraction_different(before.shot, after.shot, k_arithmetic), 0.02)
        << "the arithmetic did not change to the clicked cell";
    EXPECT_GT(fraction_different(before.shot, after.shot, k_input), 0.005) << "window not moved";
}

TEST(GuiKernelLab, LeNetConv2FilterShowsSixMapsAndTheirSum) {
    ASSERT_TRUE(have_display());
    GuiRun plain = run_gui("kernel_lab_plain", "", k_lab);
    std::string script;
    for (int i = 0; i < 7; ++i) script += "key l\n";  // conv1 filters 0-5, then conv2 filter 0
    script += "key PageDown\nkey Right\nmove 700 885\nframes 2\n";
    GuiRun conv2 = run_gui("kernel_lab_conv2", script, k_lab);
    ASSERT_EQ(conv2.result.exit_code, 0) << conv2.result.err;
    // Six 14x14 pool1 maps tile the input area instead of one 28x28 digit.
    EXPECT_GT(fraction_different(plain.shot, conv2.shot, k_conv2_maps), 0.3);
    EXPECT_GT(distinct_colours(conv2.shot, k_conv2_maps), 20) << "no pool1 maps";
    // The 10x10 output: the first rows computed (signed values), the rest blank.
    EXPECT_GT(colormap_pixels(conv2.shot, k_conv2_output, Colormap::Diverging, 0.2f), 500);
    EXPECT_GT(contrast_pixels(conv2.shot, k_conv2_sums), 300) << "no per-channel sums written";
}

TEST(GuiKernelLab, SeveralKernelsMakeAStackOfMaps) {
    ASSERT_TRUE(have_display());
    GuiRun one = run_gui("kernel_lab_one", "", k_lab);
    GuiRun two = run_gui("kernel_lab_stack",
                         "key a\nkey p\nkey p\nkey p\nkey p\nmove 700 885\nframes 2\n", k_lab);
    ASSERT_EQ(two.result.exit_code, 0) << two.result.err;
    const int area = (k_stack.x1 - k_stack.x0) * (k_stack.y1 - k_stack.y0);
    EXPECT_GT(colormap_pixels(two.shot, k_stack, Colormap::Diverging, 0.25f), area / 40)
        << "no strip of output maps";
    EXPECT_LT(colormap_pixels(one.shot, k_stack, Colormap::Diverging, 0.25f), area / 200);
}

TEST(GuiKernelLab, KernelSurgeryChangesTheDrawViewAndResetRestoresIt) {
    ASSERT_TRUE(have_display());
    const std::string show_draw = "wait-idle\nview draw\nwait-idle\nmove 700 885\nframes 3\n";
    GuiRun trained = run_gui("kernel_lab_trained", show_draw, k_lab);
    GuiRun modified = run_gui("kernel_lab_surgery", "key f\nkey f\nkey u\n" + show_draw, k_lab);
    GuiRun reset =
        run_gui("kernel_lab_reset", "key u\nwait-idle\nkey shift+u\n" + show_draw, k_lab);
    ASSERT_EQ(modified.result.exit_code, 0) << modified.result.err;
    ASSERT_EQ(reset.result.exit_code, 0) << reset.result.err;
    const Rect window{0, 60, 1400, 900};
    EXPECT_GT(fraction_different(trained.shot, modified.shot, k_draw_layers), 0.01)
        << "conv1 filter 2 replaced, but the network's maps did not change";
    EXPECT_LT(fraction_different(trained.shot, reset.shot, window), 0.001)
        << "reset did not restore the trained network";
}

TEST(GuiKernelLab, APhotoIsShrunkAndConvolved) {
    ASSERT_TRUE(have_display());
    const auto dir = temp_dir("gui_kernel_lab_photo");
    AppState a;
    a.kernel_lab.source = KernelLabSource::File;
    a.kernel_lab.image_path = std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/photo-cat.jpg";
    session_save((dir / "s.json").string(), a);
    GuiRun digit = run_gui("kernel_lab_digit", "", k_lab);
    GuiRun photo = run_gui("kernel_lab_photo", "",
                           std::string(k_lab) + " --session " + (dir / "s.json").string());
    ASSERT_EQ(photo.result.exit_code, 0) << photo.result.err;
    // Grey all over where the digit was mostly black, and edges all over the map.
    EXPECT_GT(fraction_different(digit.shot, photo.shot, k_input), 0.5) << "no photo";
    EXPECT_GT(distinct_colours(photo.shot, k_input), 20);
    const int area = (k_output.x1 - k_output.x0) * (k_output.y1 - k_output.y0);
    EXPECT_GT(colormap_pixels(photo.shot, k_output, Colormap::Diverging, 0.25f), area / 100);
}

TEST(GuiKernelLab, AColourPhotoGivesThreeChannelsAndTheirSums) {
    ASSERT_TRUE(have_display());
    const auto dir = temp_dir("gui_kernel_lab_rgb");
    AppState a;
    a.kernel_lab.source = KernelLabSource::File;
    a.kernel_lab.image_path =
        std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/photo-rocket.jpg";
    session_save((dir / "grey.json").string(), a);
    a.kernel_lab.rgb = true;
    session_save((dir / "rgb.json").string(), a);
    GuiRun grey = run_gui("kernel_lab_grey_photo", "",
                          std::string(k_lab) + " --session " + (dir / "grey.json").string());
    GuiRun rgb = run_gui("kernel_lab_rgb_photo", "",
                         std::string(k_lab) + " --session " + (dir / "rgb.json").string());
    ASSERT_EQ(rgb.result.exit_code, 0) << rgb.result.err;
    // Red, green and blue tiles where the grey photo was one grey image.
    EXPECT_GT(count_near(rgb.shot, k_input, {200, 0, 0}, 60), 50) << "no red channel";
    EXPECT_GT(count_near(rgb.shot, k_input, {0, 200, 0}, 60), 50) << "no green channel";
    EXPECT_EQ(count_near(grey.shot, k_input, {200, 0, 0}, 60), 0);
    // Three partial sums written out instead of nine products.
    EXPECT_GT(fraction_different(grey.shot, rgb.shot, k_arithmetic), 0.02);
}

TEST(GuiKernelLab, EditedKernelSurvivesASession) {
    const auto path = temp_dir("gui_kernel_lab_session") / "s.json";
    AppState a;
    LabKernel edited;
    edited.k = 2;
    edited.values = {1.5f, -2, 0.25f, 3};
    edited.bias = -0.5f;
    edited.name = "";
    LabKernel learned;
    learned.k = 1;
    learned.channels = 6;
    learned.values = {1, 2, 3, 4, 5, 6};
    learned.name = "LeNet conv2 filter 3";
    a.kernel_lab.kernels = {edited, learned};
    a.kernel_lab.selected = 1;
    a.kernel_lab.stride = 3;
    a.kernel_lab.same_pad = true;
    a.kernel_lab.relu = true;
    a.kernel_lab.source = KernelLabSource::Fashion;
    a.kernel_lab.mnist_index = 42;
    a.kernel_lab.fashion_index = 17;
    a.kernel_lab.image_path = "photo.png";
    a.kernel_lab.surgery_filter = 4;
    session_save(path.string(), a);
    AppState b;
    session_load(path.string(), b);
    ASSERT_EQ(b.kernel_lab.kernels.size(), 2u);
    EXPECT_EQ(b.kernel_lab.kernels[0], edited);
    EXPECT_EQ(b.kernel_lab.kernels[1], learned);
    EXPECT_EQ(b.kernel_lab.selected, 1);
    EXPECT_EQ(b.kernel_lab.stride, 3);
    EXPECT_TRUE(b.kernel_lab.same_pad);
    EXPECT_TRUE(b.kernel_lab.relu);
    EXPECT_EQ(b.kernel_lab.source, KernelLabSource::Fashion);
    EXPECT_EQ(b.kernel_lab.mnist_index, 42);
    EXPECT_EQ(b.kernel_lab.fashion_index, 17);
    EXPECT_EQ(b.kernel_lab.image_path, "photo.png");
    EXPECT_EQ(b.kernel_lab.surgery_filter, 4);
}

TEST(GuiKernelLab, SessionsWithOneKernelStillLoad) {
    // The format before the kernel stack: the kernel at the top level, "mnist": true.
    const nlohmann::json old = {{"k", 2},      {"kernel", {1, 2, 3, 4}}, {"bias", 0.5},
                                {"stride", 2}, {"mnist", true},          {"mnist_index", 9}};
    KernelLabState s;
    from_json(old, s);
    ASSERT_EQ(s.kernels.size(), 1u);
    EXPECT_EQ(s.kernels[0].k, 2);
    EXPECT_EQ(s.kernels[0].values, (std::vector<float>{1, 2, 3, 4}));
    EXPECT_FLOAT_EQ(s.kernels[0].bias, 0.5f);
    EXPECT_EQ(s.stride, 2);
    EXPECT_EQ(s.source, KernelLabSource::Mnist);
    EXPECT_EQ(s.mnist_index, 9);
    // A malformed kernel keeps what was there.
    KernelLabState t;
    from_json(nlohmann::json{{"kernels", {{{"k", 3}, {"kernel", {1, 2}}}}}}, t);
    EXPECT_EQ(t.kernels.size(), 1u);
    EXPECT_EQ(t.kernels[0].k, 3);
}

TEST(GuiKernelLab, ProductsTableOfA5x5KernelIsLargeWithSeveralKernels) {
    ASSERT_TRUE(have_display());
    // Three kernels, the first LeNet's 5x5 conv1 filter 0: the tables of the arithmetic take
    // the width they need (about 50 px a cell) instead of 22 px cells; their coloured kernel
    // cells fill much of the bottom of the canvas.
    GuiRun run = run_gui("kernel_lab_table5",
                         "wait-idle\nkey a\nkey p\nkey a\nkey p\nkey 1\nkey l\nwait-idle\n"
                         "move 700 885\nframes 3\n",
                         k_lab);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const Rect bottom{440, 640, 1390, 890};
    EXPECT_GT(colormap_pixels(run.shot, bottom, Colormap::Diverging, 0.1f), 20000)
        << "the kernel's table is small";
}

TEST(GuiKernelLab, NegativeWeightsAreWrittenInTheirCells) {
    ASSERT_TRUE(have_display());
    // Presenter mode, the horizontal edge: its top row of -1 is dark blue in the kernel table,
    // and "-1.0" is written in white inside (it was left blank when it did not fit).
    GuiRun run =
        run_gui("kernel_lab_negative", "key F5\nwait-idle\nmove 700 885\nframes 3\n", k_lab);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const auto b = colormap_rgb(Colormap::Diverging, 0.0f);
    const std::array<int, 3> blue{b[0], b[1], b[2]};
    Rect box{1400, 900, 0, 0};
    const Rect table{560, 560, 1400, 900};  // under the images: the arithmetic
    for (int y = table.y0; y < table.y1; ++y)
        for (int x = table.x0; x < table.x1; ++x)
            if (count_near(run.shot, Rect{x, y, x + 1, y + 1}, blue, 12)) {
                box = Rect{std::min(box.x0, x), std::min(box.y0, y), std::max(box.x1, x + 1),
                           std::max(box.y1, y + 1)};
            }
    ASSERT_GT(box.x1 - box.x0, 60) << "no dark blue row of -1 in the kernel table";
    int white = 0;
    for (int y = box.y0; y < box.y1; ++y)
        for (int x = box.x0; x < box.x1; ++x) white += luminance(run.shot.at(x, y)) > 200;
    EXPECT_GT(white, 40) << "the -1 cells hold no number";
}

}  // namespace cl::testing
