// The Compare view: screenshots with two and four panes (one in presenter mode), the table the
// view exports equal to `convlens summary`, and latency that exists only once measured.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/views/compare/compare_measure.h"
#include "app/views/compare/compare_state.h"
#include "app/views/compare/compare_table.h"
#include "engine/paths.h"
#include "engine/zoo/trained_weights.h"
#include "engine/zoo/zoo.h"
#include "gui_runner.h"
#include "testing.h"

namespace cl::testing {

namespace {
// At --size 1400x900: the panes (under the two toolbar rows), the numbers table, the history.
const Rect k_panes{10, 120, 1390, 560};
const Rect k_numbers{10, 575, 720, 740};
const Rect k_history{740, 575, 1390, 880};
// The pane swatches' colours (Okabe-Ito blue, orange, bluish green, reddish purple).
const std::array<int, 3> k_series[] = {
    {{0, 115, 178}}, {{230, 158, 0}}, {{0, 158, 115}}, {{204, 120, 166}}};

int pixels_near(const Screenshot& s, Rect r, std::array<int, 3> c, int tol = 3) {
    int n = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const auto p = s.at(x, y);
            n += std::abs(p[0] - c[0]) <= tol && std::abs(p[1] - c[1]) <= tol &&
                 std::abs(p[2] - c[2]) <= tol;
        }
    return n;
}

// A session file that opens the Compare view with these panes (and extra top-level keys).
std::string session_with(const std::string& name, const nlohmann::json& compare,
                         const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json j = {{"convlens_session", 1}, {"view", "compare"}, {"compare", compare}};
    for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
    const auto path = temp_dir("gui_compare") / (name + ".json");
    std::ofstream(path) << j.dump(2);
    return "--size 1400x900 --session " + path.string();
}

std::string lenet_fashion() {
    return (std::filesystem::path(assets_dir()) / "lenet5-fashion.safetensors").string();
}
}  // namespace

TEST(GuiCompare, FourPanesInPresenterMode) {
    ASSERT_TRUE(have_display());
    const nlohmann::json compare = {{"models", {"lenet5", "lenet5", "tinyvgg", "alexnet"}},
                                    {"weights", {"", lenet_fashion(), "", ""}},
                                    {"mode", "resolution"},
                                    {"stage", 1}};
    GuiRun run = run_gui(
        "compare_four_presenter", "",
        session_with("four", compare, {{"presenter", true}, {"light_theme", true}, {"zoom", 1.6}}));
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    for (int i = 0; i < 4; ++i)
        EXPECT_GT(pixels_near(run.shot, k_panes, k_series[i]), 60) << "no swatch for pane " << i;
    EXPECT_GT(mean_luminance(run.shot), 150) << "presenter mode is the light theme";
    EXPECT_GT(distinct_colours(run.shot, k_panes), 300) << "no feature maps in the panes";
}

// One run for two things (each run loads and times AlexNet): the screenshot of two panes, and
// the table exported through the view's own dialog, which must equal `convlens summary`.
TEST(GuiCompare, TwoPanesAndTheirExportedTable) {
    ASSERT_TRUE(have_display());
    const auto csv = temp_dir("gui_compare_export") / "table.csv";
    std::filesystem::remove(csv);
    // Export table... (toolbar), type the path, Enter; then dismiss the "Saved" notice so that
    // the layout is the usual one.
    const std::string script = "wait-idle\nclick 658 71\nframes 3\nkey ctrl+a\ntext \"" +
                               csv.string() + "\"\nkey Enter\nframes 4\nclick 1352 79\nframes 3\n";
    GuiRun run =
        run_gui("compare_two", script, session_with("two", {{"models", {"lenet5", "alexnet"}}}));
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    ASSERT_EQ(run.shot.width, 1400);
    EXPECT_GT(pixels_near(run.shot, k_panes, k_series[0]), 60) << "no swatch for pane 1";
    EXPECT_GT(pixels_near(run.shot, k_panes, k_series[1]), 60) << "no swatch for pane 2";
    EXPECT_LT(pixels_near(run.shot, k_panes, k_series[2]), 10) << "a third pane appeared";
    EXPECT_LT(pixels_near(run.shot, k_panes, k_series[3]), 10) << "a fourth pane appeared";
    EXPECT_GT(distinct_colours(run.shot, k_panes), 300) << "no feature maps in the panes";
    // AlexNet's relu1 at the default cursor: non-negative maps, a viridis bar over them.
    EXPECT_GT(colour_bar_length(run.shot, Colormap::Viridis), 200);
    EXPECT_GT(contrast_pixels(run.shot, k_numbers), 1500) << "the numbers table has no text";
    EXPECT_GT(contrast_pixels(run.shot, k_history), 1500) << "the history chart has no text";

    std::ifstream in(csv);
    ASSERT_TRUE(in) << "the view wrote no " << csv;
    std::string header, line;
    std::getline(in, header);
    EXPECT_EQ(header.rfind("model,input,depth,params,macs,", 0), 0u) << header;
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    ASSERT_EQ(lines.size(), 2u);
    for (const std::string& row : lines) {
        std::vector<std::string> f;
        std::stringstream ss(row);
        std::string field;
        while (std::getline(ss, field, ',')) f.push_back(field);
        ASSERT_GE(f.size(), 9u) << row;
        const CommandResult summary = run_convlens("summary " + f[0] + " --format json");
        ASSERT_EQ(summary.exit_code, 0) << summary.err;
        const nlohmann::json j = nlohmann::json::parse(summary.out);
        EXPECT_EQ(std::stoll(f[3]), j["total_params"].get<int64_t>()) << f[0];
        EXPECT_EQ(std::stoll(f[4]), j["total_macs"].get<int64_t>()) << f[0];
        // Measured in this run (the screenshot waits for it): a number of milliseconds.
        EXPECT_GT(std::stod(f[7]), 0.0) << f[0] << ": no latency in " << row;
        EXPECT_GE(std::stoi(f[8]), 5) << f[0];
    }
    // LeNet-5's shipped weights were trained by ConvLens: its accuracy was evaluated now.
    EXPECT_NE(lines[0].find("trained by ConvLens"), std::string::npos) << lines[0];
}

// The teacher's "click GoogLeNet to add it" step, here with AlexNet (quick to load and time):
// a click on its history bar adds it as a third pane; then the table exported as Markdown
// through the view's dialog has every pane's parameters and MACs exactly as `convlens summary`.
TEST(GuiCompare, HistoryBarAddsAPaneAndMarkdownExportMatchesSummary) {
    ASSERT_TRUE(have_display());
    const auto md = temp_dir("gui_compare_history") / "table.md";
    std::filesystem::remove(md);
    // At 1400x900 (dark theme) the 2012 AlexNet bar of the history chart spans x 972..1018,
    // y 671..745; the Export table... button is at (658, 71).
    const std::string script =
        "wait-idle\nclick 995 725\nframes 3\nwait-idle\nclick 658 71\n"
        "frames 3\nkey ctrl+a\ntext \"" +
        md.string() + "\"\nkey Enter\nframes 4\nclick 1352 79\nframes 3\n";
    const std::string args = session_with("history", {{"models", {"lenet5", "tinyvgg"}}});
    GuiRun run = run_gui("compare_history_click", script, args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_GT(pixels_near(run.shot, k_panes, k_series[2]), 60) << "no third pane's swatch";
    const std::string session = args.substr(args.find("--session ") + 10);
    const nlohmann::json saved = nlohmann::json::parse(read_text(session));
    EXPECT_EQ(saved["compare"]["models"], nlohmann::json({"lenet5", "tinyvgg", "alexnet"}))
        << saved["compare"].dump();

    const std::string text = read_text(md);
    ASSERT_FALSE(text.empty()) << "the view wrote no " << md;
    std::vector<std::string> models;
    std::stringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("| ", 0) != 0 || line.rfind("| model", 0) == 0 ||
            line.rfind("| ---", 0) == 0)
            continue;
        std::vector<std::string> f;  // "| a | b |" -> a, b
        for (size_t at = 2; at < line.size();) {
            const size_t end = line.find(" | ", at);
            f.push_back(
                line.substr(at, end == std::string::npos ? line.size() - at - 2 : end - at));
            if (end == std::string::npos) break;
            at = end + 3;
        }
        ASSERT_GE(f.size(), 5u) << line;
        auto number = [](std::string s) {
            s.erase(std::remove(s.begin(), s.end(), ','), s.end());
            return std::stoll(s);
        };
        const CommandResult summary = run_convlens("summary " + f[0] + " --format json");
        ASSERT_EQ(summary.exit_code, 0) << summary.err;
        const nlohmann::json j = nlohmann::json::parse(summary.out);
        EXPECT_EQ(number(f[3]), j["total_params"].get<int64_t>()) << line;
        EXPECT_EQ(number(f[4]), j["total_macs"].get<int64_t>()) << line;
        models.push_back(f[0]);
    }
    EXPECT_EQ(models, (std::vector<std::string>{"lenet5", "tinyvgg", "alexnet"})) << text;
}

// Presenter mode at 1400x900: the numbers and the history are a tab away, not below the fold.
TEST(GuiCompare, PresenterModeTabsReachNumbersAndHistory) {
    ASSERT_TRUE(have_display());
    const nlohmann::json compare = {{"models", {"lenet5", "tinyvgg"}}};
    const nlohmann::json presenter = {{"presenter", true}, {"light_theme", true}, {"zoom", 1.6}};
    // The tab bar under the toolbar: Maps at x 48, Numbers at x 150, ImageNet history at x 315.
    GuiRun numbers = run_gui("compare_presenter_numbers", "wait-idle\nclick 150 201\nframes 3\n",
                             session_with("tab_numbers", compare, presenter));
    ASSERT_EQ(numbers.result.exit_code, 0) << numbers.result.err;
    GuiRun history = run_gui("compare_presenter_history", "wait-idle\nclick 315 201\nframes 3\n",
                             session_with("tab_history", compare, presenter));
    ASSERT_EQ(history.result.exit_code, 0) << history.result.err;
    // The numbers tab: a table of text at the top; the history tab: the human line's red dashes
    // across the chart; neither shows the panes' swatches.
    const Rect body{10, 225, 1390, 890};
    EXPECT_GT(contrast_pixels(numbers.shot, Rect{10, 225, 1390, 500}), 3000) << "no numbers";
    EXPECT_LT(pixels_near(numbers.shot, body, k_series[0]), 60) << "the panes, not the numbers";
    EXPECT_GT(pixels_near(history.shot, body, {220, 60, 60}, 12), 300) << "no human line";
    EXPECT_LT(count_near(numbers.shot, body, {220, 60, 60}, 12), 50) << "history on numbers tab";
}

// A drawing made in Draw & Classify feeds every pane, converted to each model's input: TinyVGG's
// 3x64x64 input at the cursor's start is the black pad with a white stroke, not the photo.
TEST(GuiCompare, DrawingFeedsEveryPane) {
    ASSERT_TRUE(have_display());
    const std::string script =
        "drag 150 250 260 420 12\nframes 3\nview compare\nframes 2\nwait-idle\n";
    const nlohmann::json compare = {{"models", {"lenet5", "tinyvgg"}}, {"cursor", 0.0}};
    GuiRun run =
        run_gui("compare_drawing", script,
                session_with("drawing", compare, {{"view", "draw"}, {"light_theme", true}}));
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    const Rect right_maps{720, 210, 1380, 440};
    int black = 0, total = 0;
    for (int y = right_maps.y0; y < right_maps.y1; ++y)
        for (int x = right_maps.x0; x < right_maps.x1; ++x, ++total)
            black += luminance(run.shot.at(x, y)) < 12;
    EXPECT_GT(black, total / 4) << "TinyVGG's input is not the (mostly black) drawing";
}

TEST(GuiCompare, StateRoundTripsAndRejectsBadPaneCounts) {
    CompareState a;
    a.models = {"lenet5", "googlenet", "vgg19", "resnet34"};
    a.weights = {"w.safetensors", "", "", ""};
    a.input = "draw";
    a.mode = DepthMode::Resolution;
    a.cursor = 0.5f;
    a.stage = 3;
    a.maps = 16;
    nlohmann::json j;
    to_json(j, a);
    CompareState b;
    from_json(j, b);
    EXPECT_EQ(b.models, a.models);
    EXPECT_EQ(b.weights, a.weights);
    EXPECT_EQ(b.input, "draw");
    EXPECT_EQ(b.mode, DepthMode::Resolution);
    EXPECT_FLOAT_EQ(b.cursor, 0.5f);
    EXPECT_EQ(b.stage, 3);
    EXPECT_EQ(b.maps, 16);
    CompareState c;
    from_json(nlohmann::json{{"models", {"lenet5"}}, {"cursor", 7.0}, {"maps", 5}}, c);
    EXPECT_EQ(c.models, CompareState().models) << "one pane is not a comparison";
    EXPECT_FLOAT_EQ(c.cursor, 1.0f);
    EXPECT_EQ(c.maps, CompareState().maps);
}

TEST(GuiCompare, TableHasNoLatencyUntilMeasured) {
    Graph g = zoo_build("lenet5");
    const CompareRow row = compare_row("lenet5", g, summarize(g));
    EXPECT_FALSE(row.latency_ms.has_value());
    const std::string csv = compare_csv({row});
    EXPECT_NE(csv.find(",,,,"), std::string::npos) << "latency/accuracy fields not empty: " << csv;
    EXPECT_NE(compare_markdown({row}).find("not measured"), std::string::npos);
    // A session cannot bring figures back: the state has no place for them.
    CompareState s;
    from_json(nlohmann::json{{"models", {"lenet5", "alexnet"}}, {"latency", {12.5, 40.0}}}, s);
    nlohmann::json saved;
    to_json(saved, s);
    EXPECT_FALSE(saved.contains("latency"));
    EXPECT_EQ(saved.dump().find("12.5"), std::string::npos);
}

TEST(GuiCompare, MeasurerTimesOnlyWhileQuietAndReportsTheMedian) {
    auto graph = std::make_shared<const Graph>(zoo_build("lenet5"));
    EngineServices services;
    Measurer meter(services);
    meter.set_quiet(false);  // a pane is computing: no timed pass may start
    const uint64_t id = meter.latency(graph, Tensor::zeros({1, 1, 28, 28}), 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(meter.result(id).has_value()) << "measured while another computation ran";
    EXPECT_TRUE(meter.busy());
    meter.set_quiet(true);
    for (int i = 0; i < 500 && meter.busy(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::optional<Measurement> m = meter.result(id);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->error, "");
    EXPECT_EQ(m->runs, 5);
    EXPECT_GT(m->min_ms, 0.0);
    EXPECT_LE(m->min_ms, m->median_ms);
    EXPECT_LE(m->median_ms, m->max_ms);

    const uint64_t dropped = meter.latency(graph, Tensor::zeros({1, 1, 28, 28}), 5);
    meter.cancel(dropped);
    for (int i = 0; i < 500 && meter.busy(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_FALSE(meter.result(dropped).has_value()) << "a cancelled measurement was reported";
}

TEST(GuiCompare, TrainedWeightsOnlyForConvLensWeights) {
    const std::filesystem::path assets(assets_dir());
    const TrainedWeights* mnist =
        trained_weights_for((assets / "lenet5-mnist.safetensors").string());
    ASSERT_NE(mnist, nullptr);
    EXPECT_STREQ(mnist->dataset, "mnist");
    EXPECT_NE(std::string(mnist->command).find("convlens train lenet5 --data mnist"),
              std::string::npos);
    ASSERT_NE(trained_weights_for(lenet_fashion()), nullptr);
    // Same name, not made by ConvLens: not claimed.
    const auto other = temp_dir("gui_compare_trained") / "lenet5-mnist.safetensors";
    std::ofstream(other, std::ios::binary) << std::string(8, '\0');
    EXPECT_EQ(trained_weights_for(other.string()), nullptr);
    EXPECT_EQ(trained_weights_for(""), nullptr);
}

}  // namespace cl::testing
