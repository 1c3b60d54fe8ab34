// The frame every view lives in: menu bar (File, View, Help), the tab bar of views, the error
// and notice banners, file dialogs, help windows, and opening a path (menus or drag-and-drop).
#pragma once

#include <string>

#include "app/app_state.h"
#include "app/file_dialog.h"
#include "app/views/view.h"

namespace cl {

// What the shell asks of the main loop (it owns the window).
struct ShellRequests {
    bool quit = false;
    bool toggle_fullscreen = false;
    std::string export_png;  // capture the next frame into this file
};

class Shell {
public:
    // Draws everything; `computing`: a newer request than `snapshot` is in flight. The menu
    // bar lists the queue's running jobs with their progress and a cancel button each.
    ShellRequests draw(AppState& state, const ViewList& views, const Snapshot& snapshot,
                       TextureCache& textures, bool computing, JobQueue& jobs);
    // An image/.npy (input), .onnx (model), .safetensors (weights) or .json (session).
    void open_path(AppState& state, const std::string& path);
    void open_dialog(AppState& state, AppAction action);
    void toggle_view_help() { show_view_help_ = !show_view_help_; }

private:
    void draw_menu_bar(AppState& state, const ViewList& views, bool computing, JobQueue& jobs,
                       ShellRequests& out);
    void draw_jobs_menu(bool computing, JobQueue& jobs);
    void draw_banners(AppState& state);
    void draw_windows(AppState& state, const ViewList& views);

    FileDialog dialog_;
    bool show_shortcuts_ = false, show_about_ = false, show_view_help_ = false;
};

void set_presenter(AppState& state, bool on);

}  // namespace cl
