// The window keeps the user's work across restarts: a session given with --session is loaded at
// start and saved on exit; a broken session file is reported and moved aside, kept intact.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

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

TEST(GuiSessionRestart, BrokenSessionIsMovedAsideAndAFreshOneSaved) {
    ASSERT_TRUE(have_display());
    const auto dir = temp_dir("gui_session_broken");
    const auto session = dir / "session.json";
    const std::string broken = "{\"convlens_session\": 1, \"view\": ";
    std::ofstream(session) << broken;
    GuiRun run = run_gui("restart_broken", "key F5\nframes 3\n",
                         "--size 1400x900 --session " + session.string());
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    // The broken file is kept, byte for byte, under a new name beside the session.
    std::string aside;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().filename().string().rfind("session.json.corrupt-", 0) == 0)
            aside = entry.path().string();
    ASSERT_FALSE(aside.empty()) << "the broken session was not moved aside";
    EXPECT_EQ(read_file_bytes(aside), broken) << "the user's file was changed";
    // And this run's work (presenter mode) was saved in a fresh session.
    ASSERT_TRUE(std::filesystem::exists(session));
    EXPECT_TRUE(read_json(session).value("presenter", false));
}

// Autosave: a window killed without a chance to save (a crash, a pulled plug) loses at most
// the last autosave interval. An interactive window (no --screenshot: it stays open after its
// script) switches view; the session file must show the switch while the window is still open,
// and still parse after a SIGKILL.
TEST(GuiSessionRestart, AutosaveKeepsTheWorkOfAKilledWindow) {
    ASSERT_TRUE(have_display());
    const auto dir = temp_dir("gui_session_autosave");
    const auto session = dir / "session.json";
    const auto script = dir / "switch.script";
    const auto pid_file = dir / "pid";
    std::filesystem::remove(session);
    std::ofstream(script) << "view walkthrough\nframes 3\n";
    const std::string command = std::string(CONVLENS_BINARY) + " --size 1000x700 --script " +
                                script.string() + " --autosave 0.5 --session " + session.string() +
                                " > /dev/null 2>&1 & echo $! > " + pid_file.string();
    ASSERT_EQ(std::system(command.c_str()), 0);
    int pid = 0;
    std::ifstream(pid_file) >> pid;
    ASSERT_GT(pid, 0);
    bool saved = false;
    for (int i = 0; i < 600 && !saved; ++i) {  // up to 60 s on a busy machine
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!std::filesystem::exists(session)) continue;
        const nlohmann::json j =
            nlohmann::json::parse(read_file_bytes(session.string()), nullptr, false);
        saved = !j.is_discarded() && j.value("view", "") == "walkthrough";
    }
    const bool still_running = ::kill(pid, 0) == 0;
    ::kill(pid, SIGKILL);
    ASSERT_TRUE(saved) << "no autosave showed the view switch while the window ran";
    EXPECT_TRUE(still_running) << "the window had quit: its exit save, not an autosave, wrote it";
    const nlohmann::json after =
        nlohmann::json::parse(read_file_bytes(session.string()), nullptr, false);
    ASSERT_FALSE(after.is_discarded()) << "the killed window left a broken session";
    EXPECT_EQ(after.value("view", ""), "walkthrough");
}

}  // namespace cl::testing
