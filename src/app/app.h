// The GUI's main loop: GLFW window + OpenGL 3.3 context + ImGui, the engine services, and the
// screenshot/script mode used by tests. Idles in glfwWaitEventsTimeout when nothing moves.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/engine_worker.h"
#include "app/fonts.h"
#include "app/script.h"
#include "app/shell.h"
#include "app/views/view.h"
#include "engine/services/engine_services.h"
#include "gfx/texture_cache.h"

struct GLFWwindow;

namespace cl {

struct AppOptions {
    std::string screenshot;  // capture here after the script and exit; "" = interactive
    std::string view;        // "" = the default view
    std::string script;
    std::string model, input, layer;
    int frames = 3;  // frames rendered after the script (and the worker) finished
    int width = 1400, height = 900;
    bool timing = false;  // print CPU/wall time per frame (screenshot mode)
    // Loaded at start and saved on exit. "" = none. app_main fills in the per-user default for
    // interactive runs; screenshot/script runs use a session only when given one.
    std::string session;
    double autosave_seconds = 60;  // the session is also written this often while it changes
};

class App {
public:
    explicit App(AppOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;
    int run();  // exit code; errors are one line on stderr

private:
    void init();  // throws cl::Error
    void shutdown();
    void wait_for_events();
    bool frame();     // false: leave the loop
    void autosave();  // every options_.autosave_seconds, when the session changed
    void take_snapshot();
    void handle_shortcuts(ShellRequests& requests);
    void toggle_fullscreen();
    bool screenshot_step(int fb_w, int fb_h);  // screenshot mode: true when finished

    static void on_drop(GLFWwindow* window, int count, const char** paths);
    static void on_activity(GLFWwindow* window);

    AppOptions options_;
    GLFWwindow* window_ = nullptr;
    bool imgui_ready_ = false;
    AppState state_;
    // Before the views: they keep references to it and are destroyed first.
    std::unique_ptr<EngineServices> services_;
    ViewList views_;
    Shell shell_;
    UiStyle style_;
    ScriptPlayer player_;
    std::unique_ptr<TextureCache> textures_;
    std::unique_ptr<EngineWorker> worker_;
    std::shared_ptr<const Snapshot> snapshot_;
    const Snapshot empty_snapshot_;
    uint64_t seen_generation_ = 0;
    Request submitted_;
    bool submitted_any_ = false, had_good_ = false;
    std::vector<std::string> drops_;
    int busy_frames_ = 3;
    int saved_x_ = 0, saved_y_ = 0, saved_w_ = 0, saved_h_ = 0;
    std::string export_png_;
    int export_countdown_ = 0;
    // screenshot mode
    int frames_after_ = 0;
    double started_ = 0;
    int exit_code_ = 0;
    std::vector<double> frame_cpu_ms_, frame_process_ms_, frame_wall_ms_;
    bool save_session_ = false;  // false when the session file could not be read
    double last_autosave_ms_ = 0;
    bool autosave_failed_ = false;
    std::string last_saved_session_;  // the text last written (or loaded), for autosave
};

int run_app(const AppOptions& options);

}  // namespace cl
