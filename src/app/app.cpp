// Main loop (see app.h). Order per frame: events -> (fonts/theme rebuild between frames) ->
// ImGui new frame (+ scripted input) -> newest snapshot -> shell and view -> render -> capture
// -> swap -> submit the request if the user changed it.
#include "app/app.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "engine/error.h"
#include "engine/util/stats.h"
#include "gfx/gl.h"
#include "gfx/screenshot.h"

namespace cl {

namespace {
const double k_screenshot_timeout_s = 300.0;

double cpu_ms(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

double wall_ms() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// "412 MB now, 530 MB peak", from /proc/self/status (Linux); "" elsewhere.
std::string resident_memory_text() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return "";
    char line[256];
    long rss_kb = -1, peak_kb = -1;
    while (std::fgets(line, sizeof line, f)) {
        std::sscanf(line, "VmRSS: %ld kB", &rss_kb);
        std::sscanf(line, "VmHWM: %ld kB", &peak_kb);
    }
    std::fclose(f);
    return std::to_string(rss_kb / 1024) + " MB now, " + std::to_string(peak_kb / 1024) +
           " MB peak";
}

std::string glfw_error_text() {
    const char* text = nullptr;
    glfwGetError(&text);
    return text ? text : "unknown GLFW error";
}

}  // namespace

App::App(AppOptions options)
    : options_(std::move(options)),
      services_(std::make_unique<EngineServices>([] { glfwPostEmptyEvent(); })),
      views_(make_views(*services_)) {}

App::~App() {
    shutdown();
}

void App::on_drop(GLFWwindow* window, int count, const char** paths) {
    App* app = static_cast<App*>(glfwGetWindowUserPointer(window));
    for (int i = 0; i < count; ++i) app->drops_.emplace_back(paths[i]);
    app->busy_frames_ = 3;
}

void App::on_activity(GLFWwindow* window) {
    static_cast<App*>(glfwGetWindowUserPointer(window))->busy_frames_ = 3;
}

void App::init() {
    if (!options_.session.empty()) {
        save_session_ = true;
        if (std::filesystem::exists(options_.session)) {
            try {
                session_load(options_.session, state_);
                last_saved_session_ = session_text(state_);
            } catch (const std::exception& e) {
                // Keep the defaults; the file is renamed aside for repair (never overwritten),
                // so that this run's work can still be saved.
                state_.error = session_set_aside(options_.session, e.what(), &save_session_);
            }
        }
    }
    if (!options_.view.empty()) {
        if (!find_view(views_, options_.view))
            throw Error("unknown view '" + options_.view + "' (views: " + view_ids(views_) + ")");
        state_.view = options_.view;
    }
    if (!options_.script.empty()) {
        player_ = ScriptPlayer(script_load(options_.script));
        for (const ScriptCommand& c : player_.commands())
            if (c.kind == ScriptCommand::Kind::View && !find_view(views_, c.text))
                throw Error(options_.script + ":" + std::to_string(c.line) + ": unknown view '" +
                            c.text + "' (views: " + view_ids(views_) + ")");
    }
    if (!options_.model.empty()) state_.request.model = options_.model;
    if (!options_.input.empty()) state_.request.input_path = options_.input;
    if (!options_.layer.empty()) state_.feature_maps.layer = options_.layer;
    if (std::getenv("DISPLAY") == nullptr && std::getenv("WAYLAND_DISPLAY") == nullptr)
        throw Error("no display: DISPLAY is not set (run under X11, or xvfb-run for screenshots)");
    if (!glfwInit()) throw Error("cannot initialise GLFW: " + glfw_error_text());

    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    window_ = glfwCreateWindow(options_.width, options_.height, "ConvLens", nullptr, nullptr);
    if (!window_) throw Error("cannot open an OpenGL 3.3 window: " + glfw_error_text());
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(options_.screenshot.empty() ? 1 : 0);
    glfwSetWindowUserPointer(window_, this);
    // Installed before ImGui's, which chains to them: any input wakes the idle loop.
    glfwSetDropCallback(window_, on_drop);
    glfwSetCursorPosCallback(window_, [](GLFWwindow* w, double, double) { on_activity(w); });
    glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int, int, int) { on_activity(w); });
    glfwSetScrollCallback(window_, [](GLFWwindow* w, double, double) { on_activity(w); });
    glfwSetKeyCallback(window_, [](GLFWwindow* w, int, int, int, int) { on_activity(w); });
    glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned int) { on_activity(w); });
    glfwSetWindowSizeCallback(window_, [](GLFWwindow* w, int, int) { on_activity(w); });
    glfwSetWindowRefreshCallback(window_, [](GLFWwindow* w) { on_activity(w); });
    glfwSetWindowFocusCallback(window_, [](GLFWwindow* w, int) { on_activity(w); });

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // sessions are explicit JSON files
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    ImGui_ImplOpenGL3_CreateDeviceObjects();
    imgui_ready_ = true;

    textures_ = std::make_unique<TextureCache>();
    worker_ = std::make_unique<EngineWorker>(*services_, "main");
    started_ = wall_ms();
}

void App::shutdown() {
    worker_.reset();
    services_->jobs.cancel_all();  // every job stops between nodes; the queue joins at exit
    textures_.reset();             // GL names freed on this thread, with the context current
    if (imgui_ready_) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
        imgui_ready_ = false;
    }
    if (window_) {
        glfwDestroyWindow(window_);
        window_ = nullptr;
        glfwTerminate();
    }
}

int App::run() {
    try {
        init();
        last_autosave_ms_ = wall_ms();
        while (!glfwWindowShouldClose(window_)) {
            wait_for_events();
            if (!frame()) break;
            autosave();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "convlens: %s\n", e.what());
        exit_code_ = 1;
        save_session_ = save_session_ && window_ != nullptr;  // init failed: nothing changed
    }
    if (save_session_) {
        try {
            session_save(options_.session, state_);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "convlens: session not saved: %s\n", e.what());
        }
    }
    shutdown();
    return exit_code_;
}

void App::autosave() {
    if (!save_session_ || autosave_failed_ || options_.autosave_seconds <= 0) return;
    const double now = wall_ms();
    if (now - last_autosave_ms_ < options_.autosave_seconds * 1000.0) return;
    last_autosave_ms_ = now;
    // A few kilobytes of JSON: building and comparing it costs microseconds on the UI thread.
    const std::string text = session_text(state_);
    if (text == last_saved_session_) return;
    try {
        session_write(options_.session, text);
        last_saved_session_ = text;
    } catch (const std::exception& e) {
        state_.error = std::string("session not saved: ") + e.what();
        autosave_failed_ = true;  // said once; quitting tries again
    }
}

void App::wait_for_events() {
    if (!options_.screenshot.empty() || busy_frames_ > 0 || export_countdown_ > 0) {
        glfwPollEvents();
        busy_frames_ = std::max(0, busy_frames_ - 1);
        return;
    }
    // Nothing moves: sleep until input or the worker's glfwPostEmptyEvent (a slow tick while
    // it computes, for the badge).
    const View* view = find_view(views_, state_.view);
    glfwWaitEventsTimeout(worker_->idle() && !(view && view->busy()) ? 5.0 : 0.25);
}

void App::take_snapshot() {
    std::shared_ptr<const Snapshot> latest = worker_->latest();
    if (!latest || latest->generation == seen_generation_) return;
    seen_generation_ = latest->generation;
    busy_frames_ = 3;
    if (!latest->error.empty()) {
        if (!had_good_ && !options_.screenshot.empty())
            throw Error(latest->error);  // screenshot mode: the first model/input failed
        state_.error = latest->error;
        // The previous model and input stay: the menus show what is on screen. With nothing
        // good yet (a bad --model), fall back to the default model.
        if (latest->ok()) {
            state_.request = latest->request;
            submitted_ = state_.request;
        } else {
            state_.request = Request{};
        }
    } else {
        had_good_ = true;
        if (!latest->notice.empty()) state_.notice = latest->notice;
    }
    snapshot_ = latest;
}

void App::toggle_fullscreen() {
    if (glfwGetWindowMonitor(window_)) {
        glfwSetWindowMonitor(window_, nullptr, saved_x_, saved_y_, saved_w_, saved_h_, 0);
        return;
    }
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (!mode) return;
    glfwGetWindowPos(window_, &saved_x_, &saved_y_);
    glfwGetWindowSize(window_, &saved_w_, &saved_h_);
    glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
}

void App::handle_shortcuts(ShellRequests& requests) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    const bool ctrl = io.KeyCtrl;
    if (ctrl && (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)))
        state_.zoom = std::min(4.0f, state_.zoom * 1.15f);
    if (ctrl && (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)))
        state_.zoom = std::max(0.5f, state_.zoom / 1.15f);
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_0)) state_.zoom = 1.0f;
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_O)) shell_.open_dialog(state_, AppAction::OpenImage);
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_Q)) requests.quit = true;
    // Ctrl+1 .. Ctrl+9: the views in tab order, so a demo can move between them from the keyboard.
    for (int i = 0; ctrl && i < 9 && i < int(views_.size()); ++i)
        if (ImGui::IsKeyPressed(GLFW_KEY_1 + i, false)) state_.view = views_[size_t(i)]->id();
    if (ImGui::IsKeyPressed(GLFW_KEY_F11, false)) requests.toggle_fullscreen = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_F5, false)) set_presenter(state_, !state_.presenter);
    if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) shell_.toggle_view_help();
    if (ctrl || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
    View* view = find_view(views_, state_.view);
    const Snapshot& snap = snapshot_ ? *snapshot_ : empty_snapshot_;
    if (!view) return;
    int delta = 0;
    if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT) || ImGui::IsKeyPressed(GLFW_KEY_DOWN)) delta = 1;
    if (ImGui::IsKeyPressed(GLFW_KEY_LEFT) || ImGui::IsKeyPressed(GLFW_KEY_UP)) delta = -1;
    if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN)) delta = 10;
    if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP)) delta = -10;
    if (ImGui::IsKeyPressed(GLFW_KEY_HOME, false)) delta = INT_MIN / 2;
    if (ImGui::IsKeyPressed(GLFW_KEY_END, false)) delta = INT_MAX / 2;
    if (delta != 0) view->step(state_, snap, delta);
}

bool App::screenshot_step(int fb_w, int fb_h) {
    if (wall_ms() - started_ > k_screenshot_timeout_s * 1e3)
        throw Error("screenshot: timed out after " + std::to_string(int(k_screenshot_timeout_s)) +
                    " s waiting for the script or the engine");
    const View* view = find_view(views_, state_.view);
    const bool settled = player_.done() && worker_->idle() && !(view && view->busy()) &&
                         snapshot_ && snapshot_->generation == worker_->newest_generation();
    if (!settled) return false;
    if (++frames_after_ < options_.frames) return false;
    save_framebuffer_png(options_.screenshot, fb_w, fb_h);
    return true;
}

bool App::frame() {
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window_, &fb_w, &fb_h);
    if (fb_w <= 0 || fb_h <= 0) return true;  // minimised: nothing to draw into

    for (const std::string& path : drops_) shell_.open_path(state_, path);
    drops_.clear();
    if (style_.update(window_, state_.zoom, state_.light_theme)) busy_frames_ = 3;

    const double cpu0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID), wall0 = wall_ms();
    const double process0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (!options_.screenshot.empty() || !options_.script.empty()) {
        ScriptHost host;
        host.ready = snapshot_ != nullptr;
        host.window = window_;
        const View* view = find_view(views_, state_.view);
        host.worker_idle = worker_->idle() && !(view && view->busy());
        host.view = &state_.view;
        host.drops = &drops_;
        player_.play_frame(host);
    }
    ImGui::NewFrame();
    textures_->begin_frame();
    take_snapshot();

    ShellRequests requests;
    handle_shortcuts(requests);
    const bool computing = !worker_->idle();
    ShellRequests drawn = shell_.draw(state_, views_, snapshot_ ? *snapshot_ : empty_snapshot_,
                                      *textures_, computing, services_->jobs);
    requests.quit |= drawn.quit;
    requests.toggle_fullscreen |= drawn.toggle_fullscreen;
    if (!drawn.export_png.empty()) {
        export_png_ = drawn.export_png;
        export_countdown_ = 3;  // let the dialog close before capturing
    }

    ImGui::Render();
    glViewport(0, 0, fb_w, fb_h);
    const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (options_.timing) {
        glFinish();
        frame_cpu_ms_.push_back(cpu_ms(CLOCK_THREAD_CPUTIME_ID) - cpu0);
        frame_process_ms_.push_back(cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - process0);
        frame_wall_ms_.push_back(wall_ms() - wall0);
    }

    if (export_countdown_ > 0 && --export_countdown_ == 0) {
        try {
            save_framebuffer_png(export_png_, fb_w, fb_h);
            state_.notice = "Saved " + export_png_;
        } catch (const std::exception& e) {
            state_.error = e.what();
        }
    }
    bool finished = false;
    if (!options_.screenshot.empty()) {
        const size_t before = frame_cpu_ms_.size();
        finished = screenshot_step(fb_w, fb_h);
        if (finished && options_.timing && before > 0) {
            // The frames after the script finished are the steady state of the view.
            const size_t n = std::min<size_t>(size_t(options_.frames), before);
            std::vector<double> cpu(frame_cpu_ms_.end() - n, frame_cpu_ms_.end());
            std::vector<double> process(frame_process_ms_.end() - n, frame_process_ms_.end());
            std::vector<double> wall(frame_wall_ms_.end() - n, frame_wall_ms_.end());
            std::printf(
                "frames %zu, median per frame: ui thread cpu %.3f ms, process cpu %.3f ms, "
                "wall %.3f ms (with glFinish)\n",
                n, median(cpu), median(process), median(wall));
            // Every frame of the run, the script's included: does the UI thread ever stall?
            std::printf(
                "all %zu frames: ui thread cpu worst %.2f ms, p99 %.2f ms; wall worst %.2f ms, "
                "p99 %.2f ms; resident memory %s\n",
                frame_cpu_ms_.size(), *std::max_element(frame_cpu_ms_.begin(), frame_cpu_ms_.end()),
                percentile(frame_cpu_ms_, 0.99),
                *std::max_element(frame_wall_ms_.begin(), frame_wall_ms_.end()),
                percentile(frame_wall_ms_, 0.99), resident_memory_text().c_str());
        }
    }
    glfwSwapBuffers(window_);

    if (!submitted_any_ || state_.request != submitted_) {
        submitted_ = state_.request;
        submitted_any_ = true;
        worker_->submit(state_.request);
    }
    if (requests.toggle_fullscreen) toggle_fullscreen();
    if (requests.quit) glfwSetWindowShouldClose(window_, GLFW_TRUE);
    return !finished;
}

int run_app(const AppOptions& options) {
    App app(options);
    return app.run();
}

}  // namespace cl
