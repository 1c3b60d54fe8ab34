// Everything the user has chosen, UI thread only: plain structs per view, saved and restored as
// session JSON. Views read and write it; the worker never sees it (it gets a Request).
#pragma once

#include <string>

#include "app/engine_worker.h"
#include "app/views/compare/compare_state.h"
#include "app/views/kernel_lab/kernel_lab_state.h"
#include "app/views/walkthrough/walkthrough_state.h"
#include "app/widgets/draw_pad.h"

namespace cl {

// Something a view asks the shell to do (dialogs belong to the shell).
enum class AppAction { None, OpenImage, OpenModel };

enum class ColormapChoice { Auto, Gray, Viridis, Diverging };

struct FeatureMapsState {
    std::string layer;  // node name; "" = the first conv layer
    ColormapChoice colormap = ColormapChoice::Auto;
    bool per_map = false;    // normalise each map on its own
    bool pixel_grid = true;  // lines between magnified pixels
    bool show_filters = true;
    int filter_input = 0;  // which input channel of the filters to show
    int enlarged = -1;     // channel shown large, -1 = the grid
};

struct AppState {
    Request request;  // model, weights, input: what the worker should compute
    std::string view = "draw";
    float zoom = 1.0f;  // presenter zoom on top of the monitor's content scale
    bool light_theme = false;
    bool presenter = false;
    FeatureMapsState feature_maps;
    DrawState draw;
    KernelLabState kernel_lab;
    WalkthroughState walkthrough;
    CompareState compare;

    // Transient (not saved): what the window tells the user.
    std::string error;   // shown in a dismissible banner
    std::string notice;  // shown under the menu bar until dismissed
    AppAction action = AppAction::None;
};

// Session JSON. save writes atomically; load throws cl::Error naming the file and keeps `state`
// unchanged on failure.
void session_save(const std::string& path, const AppState& state);
// The JSON that session_save writes, and the atomic write of such a text (autosave compares
// the text with the last one written, so an unchanged session is not rewritten every minute).
std::string session_text(const AppState& state);
void session_write(const std::string& path, const std::string& text);
void session_load(const std::string& path, AppState& state);
// A session file that could not be loaded (`why`) is renamed to PATH.corrupt-YYYYmmdd-HHMMSS,
// kept for repair, so that the window can start with defaults and save a fresh one. Returns the
// line for the window; `moved` tells whether the file is out of the way (false: it could not
// be renamed, and must not be overwritten).
std::string session_set_aside(const std::string& path, const std::string& why, bool* moved);

// Where the window keeps the session between runs: $XDG_CONFIG_HOME/convlens/session.json, else
// ~/.config/convlens/session.json; "" when neither variable is set.
std::string default_session_path();
const char* default_session_path_text();  // the rule above, for --help

}  // namespace cl
