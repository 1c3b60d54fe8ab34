// The shell around the views: presenter mode and zoom, errors shown in the window (never a
// crash), huge images, resizing, and the command-line contract of the GUI flags.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include "gui_runner.h"

namespace cl::testing {

namespace {
const Rect k_maps{860, 140, 1300, 810};
const char* k_lenet = "--size 1400x900 --view feature-maps --model lenet5";
const std::array<int, 3> k_error_red{178, 31, 31};    // the error banner
const std::array<int, 3> k_notice_blue{33, 92, 158};  // the notice banner
}  // namespace

TEST(GuiShell, PresenterModeIsLightAndLarger) {
    ASSERT_TRUE(have_display());
    GuiRun dark = run_gui("presenter_off", "", k_lenet);
    GuiRun light = run_gui("presenter_on", "key F5\nframes 3\n", k_lenet);
    ASSERT_EQ(dark.result.exit_code, 0) << dark.result.err;
    ASSERT_EQ(light.result.exit_code, 0) << light.result.err;
    EXPECT_LT(mean_luminance(dark.shot), 110);
    EXPECT_GT(mean_luminance(light.shot), 160);
    const Rect menu{0, 0, 400, 40};
    EXPECT_GT(contrast_pixels(light.shot, menu), 1.5 * contrast_pixels(dark.shot, menu))
        << "presenter text should be larger";
}

TEST(GuiShell, CtrlEqualEnlargesAndCtrlZeroResets) {
    ASSERT_TRUE(have_display());
    const Rect menu{0, 0, 400, 40};
    GuiRun normal = run_gui("zoom_normal", "", k_lenet);
    GuiRun big =
        run_gui("zoom_big", "key ctrl+equal\nkey ctrl+equal\nkey ctrl+equal\nframes 3\n", k_lenet);
    GuiRun reset =
        run_gui("zoom_reset", "key ctrl+equal\nkey ctrl+equal\nkey ctrl+0\nframes 3\n", k_lenet);
    ASSERT_EQ(big.result.exit_code, 0) << big.result.err;
    ASSERT_EQ(reset.result.exit_code, 0) << reset.result.err;
    const int n = contrast_pixels(normal.shot, menu);
    EXPECT_GT(contrast_pixels(big.shot, menu), 1.3 * n);
    EXPECT_NEAR(contrast_pixels(reset.shot, menu), n, 0.05 * n);
}

TEST(GuiShell, FailingModelShowsMessageAndKeepsThePreviousOne) {
    ASSERT_TRUE(have_display());
    const auto bad = temp_dir("gui_bad_model") / "broken.onnx";
    write_garbage(bad);
    GuiRun run = run_gui("bad_model",
                         "drop \"" + bad.string() + "\"\nframes 2\nwait-idle\nframes 3\n", k_lenet);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_GT(count_near(run.shot, {0, 0, 1400, 200}, k_error_red), 3000) << "no error banner";
    EXPECT_GT(distinct_colours(run.shot, {760, 160, 1380, 820}), 40) << "LeNet's maps should stay";
}

TEST(GuiShell, HugeImageIsDownscaledWithAMessage) {
    ASSERT_TRUE(have_display());
    const int w = 3000, h = 2200;
    std::vector<uint8_t> grey(size_t(w) * h, 255);
    for (int y = 400; y < 1800; ++y)
        for (int x = 1300; x < 1700; ++x) grey[size_t(y) * w + x] = 0;  // a thick "1"
    const auto png = temp_dir("gui_huge") / "huge.png";
    ASSERT_TRUE(stbi_write_png(png.c_str(), w, h, 1, grey.data(), w));
    GuiRun run = run_gui("huge", "", std::string(k_lenet) + " --input " + png.string());
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_GT(count_near(run.shot, {0, 0, 1400, 200}, k_notice_blue), 3000) << "no notice";
    EXPECT_GT(distinct_colours(run.shot, {760, 160, 1380, 820}), 30);
}

TEST(GuiShell, ResizeKeepsTheViewUsable) {
    ASSERT_TRUE(have_display());
    GuiRun run = run_gui("resize", "resize 900 640\nframes 5\n", k_lenet);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    ASSERT_EQ(run.shot.width, 900);
    ASSERT_EQ(run.shot.height, 640);
    EXPECT_GT(distinct_colours(run.shot, {450, 100, 900, 600}), 30);
}

TEST(GuiShell, ExportAndSaveSessionThroughTheFileMenu) {
    ASSERT_TRUE(have_display());
    const auto dir = temp_dir("gui_menus");
    const auto png = dir / "exported.png", json = dir / "session.json";
    // File > Export view as PNG..., type the path, Enter; then File > Save session...
    const std::string script =
        "click 22 11\nframes 2\nclick 80 86\nframes 3\nkey ctrl+a\n"
        "text \"" +
        png.string() +
        "\"\nkey Enter\nframes 6\n"
        "click 22 11\nframes 2\nclick 59 107\nframes 3\nkey ctrl+a\n"
        "text \"" +
        json.string() + "\"\nkey Enter\nframes 3\n";
    GuiRun run = run_gui("menus", script, k_lenet);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const Screenshot exported = load_png(png.string());
    ASSERT_FALSE(exported.empty()) << "File > Export wrote no PNG";
    EXPECT_EQ(exported.width, 1400);
    EXPECT_GT(colormap_pixels(exported, k_maps, Colormap::Diverging), 5000);
    EXPECT_NE(read_text(json).find("\"model\": \"lenet5\""), std::string::npos);
}

TEST(GuiCli, UnknownViewIsAOneLineError) {
    const CommandResult r = run_convlens("--screenshot /dev/null --view nonsense");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("unknown view 'nonsense'"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(GuiCli, BadScriptNamesFileAndLine) {
    const auto script = temp_dir("gui_bad_script") / "bad.script";
    std::ofstream(script) << "# fine\nmove 10 10\njump 3\n";
    const CommandResult r = run_convlens("--screenshot /dev/null --script " + script.string());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("bad.script:3: unknown command 'jump'"), std::string::npos) << r.err;
}

TEST(GuiCli, UnknownModelFailsInScreenshotMode) {
    ASSERT_TRUE(have_display());
    const auto out = temp_dir("gui_unknown_model") / "x.png";
    const CommandResult r = run_convlens("--screenshot " + out.string() + " --model nosuchnet");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("nosuchnet"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(GuiShell, CtrlNumberSwitchesToTheNthView) {
    ASSERT_TRUE(have_display());
    GuiRun by_key = run_gui("ctrl3", "key ctrl+3\nwait-idle\nmove 700 885\nframes 3\n");
    GuiRun by_flag =
        run_gui("ctrl3_flag", "move 700 885\nframes 3\n", "--size 1400x900 --view kernel-lab");
    GuiRun start = run_gui("ctrl3_start", "move 700 885\nframes 3\n");
    ASSERT_EQ(by_key.result.exit_code, 0) << by_key.result.err;
    const Rect window{0, 0, 1400, 900};
    EXPECT_LT(fraction_different(by_key.shot, by_flag.shot, window), 0.01)
        << "Ctrl+3 did not open the third view (the Kernel Lab)";
    EXPECT_GT(fraction_different(start.shot, by_flag.shot, window), 0.2);
}

}  // namespace cl::testing
