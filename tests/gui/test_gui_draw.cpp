// Draw & Classify driven like a student: strokes drawn with the scripted mouse under Xvfb, and
// the screenshot read for the predicted class (the orange bar), the layer strip and the
// receptive-field frame.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "engine/io/idx.h"
#include "gui_runner.h"

namespace cl::testing {

namespace {
// At --size 1400x900 (the default view, LeNet-5): the pad, the probability chart, the 28x28
// input preview and the layer strip.
const Rect k_chart{700, 60, 1400, 540};
const Rect k_preview{469, 203, 665, 399};
const Rect k_strip{10, 640, 1390, 880};
const char* k_args = "--size 1400x900 --model lenet5";
const std::array<int, 3> k_track{44, 56, 78};
const std::array<int, 3> k_top_bar{255, 165, 0};
const std::array<int, 3> k_field{255, 210, 0};

bool near(const std::array<int, 3>& a, const std::array<int, 3>& b, int tol) {
    return std::abs(a[0] - b[0]) <= tol && std::abs(a[1] - b[1]) <= tol &&
           std::abs(a[2] - b[2]) <= tol;
}

// The class whose bar is orange: the chart's rows are the bands of rows full of bar-track or
// bar colour; -1 unless there are exactly ten.
int predicted_class(const Screenshot& s) {
    std::vector<std::pair<int, int>> bands;  // first row, orange pixels
    bool in_band = false;
    for (int y = k_chart.y0; y < k_chart.y1; ++y) {
        int bar = 0, orange = 0;
        for (int x = k_chart.x0; x < k_chart.x1; ++x) {
            const auto c = s.at(x, y);
            const bool top = near(c, k_top_bar, 6);
            orange += top;
            bar += top || near(c, k_track, 4) || near(c, {70, 130, 200}, 4);
        }
        const bool row = bar > 200;
        if (row && !in_band) bands.push_back({y, 0});
        if (row) bands.back().second += orange;
        in_band = row;
    }
    if (bands.size() != 10) return -1;
    int best = 0;
    for (int k = 1; k < 10; ++k)
        if (bands[size_t(k)].second > bands[size_t(best)].second) best = k;
    return bands[size_t(best)].second > 0 ? best : -1;
}

// The leftmost column of bar track in the chart: where the class labels end.
int first_bar_x(const Screenshot& s) {
    for (int x = k_chart.x0; x < k_chart.x1; ++x)
        for (int y = k_chart.y0; y < k_chart.y1; y += 2)
            if (near(s.at(x, y), k_track, 4)) return x;
    return -1;
}

// A closed loop of mouse moves with the button held: a "0".
std::string circle_script(int cx, int cy, int rx, int ry) {
    std::string s =
        "wait-idle\nmove " + std::to_string(cx) + " " + std::to_string(cy - ry) + "\ndown\n";
    for (int i = 1; i <= 36; ++i) {
        const double a = 2 * M_PI * i / 36;
        s += "move " + std::to_string(int(cx + rx * std::sin(a))) + " " +
             std::to_string(int(cy - ry * std::cos(a))) + "\n";
    }
    return s + "up\nwait-idle\nmove 700 885\nframes 3\n";
}
}  // namespace

TEST(GuiDraw, DrawnOneIsClassifiedAsOne) {
    ASSERT_TRUE(have_display());
    GuiRun run = run_gui("draw_one",
                         "wait-idle\ndrag 230 140 250 470 30\nwait-idle\nmove 700 885\n"
                         "frames 3\n",
                         k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(predicted_class(run.shot), 1);
    EXPECT_GT(distinct_colours(run.shot, k_strip), 60) << "the layer maps look uniform";
    EXPECT_GT(count_near(run.shot, k_preview, {255, 255, 255}, 60), 40)
        << "the network's 28x28 input shows no stroke";
}

TEST(GuiDraw, ClassificationUpdatesWhileTheButtonIsStillDown) {
    ASSERT_TRUE(have_display());
    std::string script = "wait-idle\nmove 230 140\ndown\n";
    for (int i = 1; i <= 20; ++i)
        script += "move " + std::to_string(230 + i) + " " + std::to_string(140 + 16 * i) + "\n";
    GuiRun run = run_gui("draw_live", script + "wait-idle\nframes 3\n", k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(predicted_class(run.shot), 1) << "no live update before the button is released";
}

TEST(GuiDraw, DrawnZeroIsClassifiedAsZero) {
    ASSERT_TRUE(have_display());
    GuiRun run = run_gui("draw_zero", circle_script(225, 300, 105, 150), k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(predicted_class(run.shot), 0);
    EXPECT_GT(distinct_colours(run.shot, k_strip), 60) << "the layer maps look uniform";
}

TEST(GuiDraw, UndoRemovesTheLastStroke) {
    ASSERT_TRUE(have_display());
    // A "1", then a bar across it; undo takes the bar away again.
    const std::string one = "wait-idle\ndrag 230 140 250 470 30\nwait-idle\n";
    const std::string bar = "drag 60 300 420 300 20\nwait-idle\n";
    GuiRun plain = run_gui("draw_undo_a", one + "move 700 885\nframes 3\n", k_args);
    GuiRun undone = run_gui(
        "draw_undo_b", one + bar + "click 662 129\nwait-idle\nmove 700 885\nframes 3\n", k_args);
    GuiRun keyed = run_gui("draw_undo_c",
                           one + bar + "key ctrl+z\nwait-idle\nmove 700 885\nframes 3\n", k_args);
    ASSERT_EQ(undone.result.exit_code, 0) << undone.result.err;
    ASSERT_EQ(keyed.result.exit_code, 0) << keyed.result.err;
    EXPECT_EQ(predicted_class(undone.shot), 1);
    EXPECT_LT(fraction_different(plain.shot, undone.shot, k_preview), 0.01);
    EXPECT_LT(fraction_different(plain.shot, keyed.shot, k_preview), 0.01) << "Ctrl+Z";
}

TEST(GuiDraw, HoveringAUnitFramesItsReceptiveField) {
    ASSERT_TRUE(have_display());
    GuiRun run = run_gui("draw_field", "wait-idle\nmove 828 663\nframes 3\n", k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    // pool2's unit sees 16x16 of the 28x28 input: a yellow frame about 16/28 of the preview.
    EXPECT_GT(count_near(run.shot, k_preview, k_field, 30), 200);
}

TEST(GuiDraw, ClickingALayerOpensItInFeatureMaps) {
    ASSERT_TRUE(have_display());
    // conv2's button in the strip; Feature Maps reaches conv2 with three Right steps from conv1.
    GuiRun clicked = run_gui("draw_open_conv2",
                             "wait-idle\nclick 552 605\nmove 700 885\n"
                             "frames 3\n",
                             k_args);
    GuiRun direct =
        run_gui("draw_direct_conv2", "key Right\nkey Right\nkey Right\nmove 700 885\nframes 3\n",
                std::string(k_args) + " --view feature-maps");
    ASSERT_EQ(clicked.result.exit_code, 0) << clicked.result.err;
    ASSERT_EQ(direct.result.exit_code, 0) << direct.result.err;
    const Rect whole{0, 60, 1400, 900};
    EXPECT_LT(fraction_different(clicked.shot, direct.shot, whole), 0.01);
    GuiRun draw = run_gui("draw_default", "", k_args);
    EXPECT_GT(fraction_different(draw.shot, direct.shot, whole), 0.2);
}

TEST(GuiDraw, KernelSurgeryChangesThePredictionAndResets) {
    ASSERT_TRUE(have_display());
    // A "1", then every conv1 filter switched off (the buttons under conv1's maps): nothing
    // reaches the later layers and the "1" is lost; the red badge resets the network.
    std::string script = "wait-idle\ndrag 230 140 250 470 30\nwait-idle\n";
    for (const char* at : {"26 849", "55 849", "84 849", "113 849", "26 870", "55 870"})
        script += std::string("click ") + at + "\nwait-idle\n";
    const std::string shoot = "move 700 885\nframes 3\n";
    GuiRun plain = run_gui("draw_surgery_a",
                           "wait-idle\ndrag 230 140 250 470 30\nwait-idle\n" + shoot, k_args);
    GuiRun cut = run_gui("draw_surgery_b", script + shoot, k_args);
    GuiRun reset = run_gui("draw_surgery_c", script + "click 900 159\nwait-idle\n" + shoot, k_args);
    ASSERT_EQ(cut.result.exit_code, 0) << cut.result.err;
    ASSERT_EQ(reset.result.exit_code, 0) << reset.result.err;
    EXPECT_NE(predicted_class(cut.shot), 1);
    EXPECT_GT(count_near(cut.shot, k_chart, {191, 31, 31}, 12), 1000) << "no 'modified' badge";
    EXPECT_EQ(predicted_class(reset.shot), 1);
    EXPECT_LT(count_near(reset.shot, k_chart, {191, 31, 31}, 12), 50);
    EXPECT_LT(fraction_different(plain.shot, reset.shot, k_strip), 0.01);
}

TEST(GuiDraw, LoadMnistDigitNeverCrashes) {
    ASSERT_TRUE(have_display());
    // Without data/mnist the shipped sample digits are used instead.
    GuiRun run = run_gui("draw_mnist",
                         "wait-idle\nclick 643 158\nwait-idle\nmove 700 885\n"
                         "frames 3\n",
                         k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_GE(predicted_class(run.shot), 0);
    EXPECT_GT(count_near(run.shot, k_preview, {255, 255, 255}, 60), 40);
}

TEST(GuiDraw, HoveringAConvUnitFramesTheUnitsThatFeedIt) {
    ASSERT_TRUE(have_display());
    // A conv2 unit reads a 5x5 window in every one of pool1's six maps: cyan frames in the
    // pool1 column, none before the mouse is there.
    const Rect pool1{320, 640, 470, 880};
    const std::array<int, 3> cyan{0, 230, 255};
    GuiRun hover = run_gui("draw_feeders", "wait-idle\nmove 552 694\nframes 3\n", k_args);
    GuiRun plain = run_gui("draw_feeders_none", "wait-idle\nmove 700 885\nframes 3\n", k_args);
    ASSERT_EQ(hover.result.exit_code, 0) << hover.result.err;
    EXPECT_GT(count_near(hover.shot, pool1, cyan, 10), 300);
    EXPECT_LT(count_near(plain.shot, pool1, cyan, 10), 5);
    EXPECT_GT(count_near(hover.shot, k_preview, k_field, 30), 100) << "no receptive field";
}

TEST(GuiDraw, FashionModelShowsClothesAndTheirNames) {
    ASSERT_TRUE(have_display());
    if (!std::filesystem::exists(fashion_mnist_data_dir()))
        GTEST_SKIP() << "Fashion-MNIST is not installed";
    // The model menu, then its second entry: the Fashion LeNet loads Fashion-MNIST test image 0
    // (an ankle boot, class 9) into the pad, and the bars are labelled with class names.
    GuiRun run = run_gui("draw_fashion",
                         "wait-idle\nclick 582 71\nframes 2\nclick 555 118\nwait-idle\n"
                         "move 700 885\nframes 3\n",
                         k_args);
    GuiRun digits = run_gui("draw_digits", "wait-idle\nmove 700 885\nframes 3\n", k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(predicted_class(run.shot), 9);
    EXPECT_GT(count_near(run.shot, k_preview, {255, 255, 255}, 120), 20);
    // "T-shirt/top" needs a wider label column than "0".."9".
    EXPECT_GT(first_bar_x(run.shot), first_bar_x(digits.shot) + 30);
}

TEST(GuiDraw, PresenterModeKeepsTheSurgeryButtonsOnScreen) {
    ASSERT_TRUE(have_display());
    // F5 at 1400x900: the strip drops the ReLU columns and conv1's filter buttons stay visible
    // without scrolling; the first one switches filter 0 off.
    GuiRun run =
        run_gui("draw_presenter_surgery",
                "key F5\nwait-idle\nclick 39 821\nwait-idle\nmove 700 885\nframes 3\n", k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_GT(count_near(run.shot, k_chart, {191, 31, 31}, 12), 1000) << "no 'modified' badge";
}

TEST(GuiDraw, AModelThatIsNotFor28x28GetsAMessageAndAWayBack) {
    ASSERT_TRUE(have_display());
    // TinyVGG reads 3x64x64: no chart and no strip, a message with buttons; the first one
    // brings LeNet-5 back and with it the bars.
    const char* args = "--size 1400x900 --model tinyvgg";
    GuiRun message = run_gui("draw_tinyvgg", "wait-idle\nmove 700 885\nframes 3\n", args);
    GuiRun back = run_gui("draw_tinyvgg_back",
                          "wait-idle\nclick 90 125\nwait-idle\nmove 700 885\nframes 3\n", args);
    ASSERT_EQ(message.result.exit_code, 0) << message.result.err;
    ASSERT_EQ(back.result.exit_code, 0) << back.result.err;
    EXPECT_EQ(predicted_class(message.shot), -1);
    EXPECT_LT(distinct_colours(message.shot, k_strip), 10);
    EXPECT_GE(predicted_class(back.shot), 0);
}

TEST(GuiDraw, ArrowKeysStepThroughTheTestSet) {
    ASSERT_TRUE(have_display());
    if (!std::filesystem::exists(mnist_data_dir())) GTEST_SKIP() << "MNIST is not installed";
    // Right loads test image 1, three steps image 3: the network names their labels.
    const Dataset mnist = dataset_load("mnist", "test");
    GuiRun one = run_gui("draw_key_right",
                         "wait-idle\nkey Right\nwait-idle\nmove 700 885\n"
                         "frames 3\n",
                         k_args);
    GuiRun three = run_gui("draw_key_right3",
                           "wait-idle\nkey Right\nkey Right\nkey Right\nwait-idle\n"
                           "move 700 885\nframes 3\n",
                           k_args);
    ASSERT_EQ(one.result.exit_code, 0) << one.result.err;
    ASSERT_EQ(three.result.exit_code, 0) << three.result.err;
    EXPECT_EQ(predicted_class(one.shot), int(mnist.labels[1]));
    EXPECT_EQ(predicted_class(three.shot), int(mnist.labels[3]));
    EXPECT_NE(mnist.labels[1], mnist.labels[3]) << "pick two images with different labels";
}

TEST(GuiDraw, AFilterFromTheKernelLabIsMarkedAndReset) {
    ASSERT_TRUE(have_display());
    // The Kernel Lab's "use as conv1 filter" (key U) replaces filter 0: here its button turns
    // purple and the badge says so; the badge puts the trained filter back.
    const std::string replace =
        "wait-idle\nview kernel-lab\nwait-idle\nkey u\nframes 2\nview draw\nwait-idle\n";
    const std::string shoot = "move 700 885\nframes 3\n";
    const Rect conv1_buttons{10, 820, 160, 885};
    const std::array<int, 3> purple{140, 64, 204};
    GuiRun replaced = run_gui("draw_replaced", replace + shoot, k_args);
    GuiRun reset =
        run_gui("draw_replaced_reset", replace + "click 900 159\nwait-idle\n" + shoot, k_args);
    ASSERT_EQ(replaced.result.exit_code, 0) << replaced.result.err;
    ASSERT_EQ(reset.result.exit_code, 0) << reset.result.err;
    EXPECT_GT(count_near(replaced.shot, k_chart, {191, 31, 31}, 12), 1000) << "no badge";
    EXPECT_GT(count_near(replaced.shot, conv1_buttons, purple, 8), 50) << "no purple button";
    EXPECT_LT(count_near(reset.shot, k_chart, {191, 31, 31}, 12), 50);
    EXPECT_LT(count_near(reset.shot, conv1_buttons, purple, 8), 5);
}

TEST(GuiDraw, TheBrushSliderHoldsNoText) {
    ASSERT_TRUE(have_display());
    // "brush" and "3.4 px" are written beside the slider: inside, the text ran under the grab.
    GuiRun run = run_gui("draw_brush", "wait-idle\nmove 700 885\nframes 3\n", k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const std::array<int, 3> frame{34, 52, 79};  // the dark theme's slider background
    const Rect tools{455, 85, 705, 115};
    Rect box{tools.x1, tools.y1, tools.x0, tools.y0};
    for (int y = tools.y0; y < tools.y1; ++y)
        for (int x = tools.x0; x < tools.x1; ++x)
            if (near(run.shot.at(x, y), frame, 4))
                box = Rect{std::min(box.x0, x), std::min(box.y0, y), std::max(box.x1, x + 1),
                           std::max(box.y1, y + 1)};
    ASSERT_GT(box.x1 - box.x0, 100) << "no slider";
    int text = 0;
    for (int y = box.y0; y < box.y1; ++y)
        for (int x = box.x0; x < box.x1; ++x) text += luminance(run.shot.at(x, y)) > 150;
    EXPECT_LT(text, 5) << "text inside the slider";
    EXPECT_GT(contrast_pixels(run.shot, Rect{box.x1, box.y0, tools.x1, box.y1}, 60), 20)
        << "no value beside the slider";
}

TEST(GuiDraw, PresenterModeShowsTheNetworkInputLarge) {
    ASSERT_TRUE(have_display());
    // F5 at 1400x900: under the tools "What the network sees" was 112 px; it now has a column
    // of its own, about 280 px, between the tools and the bars. Its black background is the
    // measure (the pad is left of x = 420).
    GuiRun run =
        run_gui("draw_presenter_input", "key F5\nwait-idle\nmove 700 885\nframes 3\n", k_args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_GT(count_near(run.shot, Rect{420, 90, 1000, 540}, {0, 0, 0}, 8), 240 * 240 / 2);
}

}  // namespace cl::testing
