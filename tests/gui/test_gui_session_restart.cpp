// The window keeps the user's work across restarts: a session given with --session is loaded at
// start and saved on exit; a broken session file is reported and left untouched.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/io/atomic_file.h"
#include "gui_runner.h"

namespace cl::testing {

namespace {
nlohmann::json read_json(const std::filesystem::path& path) {
    return nlohmann::json::parse(read_file_bytes(path.string()));
}
}  // namespace

TEST(GuiSessionRestart, ChoicesMadeInOneRunAreThereInTheNext) {
    ASSERT_TRUE(have_display());
    const auto session = temp_dir("gui_session_restart") / "session.json";
    std::filesystem::remove(session);
    // First run: switch to the Feature Maps view and turn on presenter mode, then quit.
    GuiRun first = run_gui("restart_first", "view feature-maps\nkey F5\nframes 3\n",
                           "--size 1400x900 --session " + session.string());
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
    ASSERT_TRUE(std::filesystem::exists(session)) << "no session written on exit";
    const nlohmann::json saved = read_json(session);
    EXPECT_EQ(saved.value("view", ""), "feature-maps");
    EXPECT_TRUE(saved.value("presenter", false));

    // Second run, no script: it opens where the first one ended (presenter = light theme).
    GuiRun second = run_gui("restart_second", "", "--size 1400x900 --session " + session.string());
    GuiRun fresh = run_gui("restart_fresh", "", "--size 1400x900");
    ASSERT_EQ(second.result.exit_code, 0) << second.result.err;
    ASSERT_EQ(fresh.result.exit_code, 0) << fresh.result.err;
    EXPECT_GT(mean_luminance(second.shot), mean_luminance(fresh.shot) + 60)
        << "the restarted window is not in presenter mode";
}

TEST(GuiSessionRestart, BrokenSessionIsReportedAndLeftAlone) {
    ASSERT_TRUE(have_display());
    const auto session = temp_dir("gui_session_broken") / "session.json";
    const std::string broken = "{\"convlens_session\": 1, \"view\": ";
    std::ofstream(session) << broken;
    GuiRun run = run_gui("restart_broken", "key F5\nframes 3\n",
                         "--size 1400x900 --session " + session.string());
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(read_file_bytes(session.string()), broken) << "the user's file was overwritten";
}

}  // namespace cl::testing
