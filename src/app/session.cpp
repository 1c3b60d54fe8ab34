// Session files: the user's choices as JSON (nlohmann-json), written atomically; a file that
// cannot be read is moved aside, never overwritten.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "app/app_state.h"
#include "engine/error.h"
#include "engine/io/atomic_file.h"

namespace cl {

NLOHMANN_JSON_SERIALIZE_ENUM(ColormapChoice, {{ColormapChoice::Auto, "auto"},
                                              {ColormapChoice::Gray, "gray"},
                                              {ColormapChoice::Viridis, "viridis"},
                                              {ColormapChoice::Diverging, "diverging"}})

std::string session_text(const AppState& s) {
    const FeatureMapsState& fm = s.feature_maps;
    nlohmann::json j = {
        {"convlens_session", 1},
        {"model", s.request.model},
        {"weights", s.request.weights},
        {"input", s.request.input_path},
        {"view", s.view},
        {"zoom", s.zoom},
        {"light_theme", s.light_theme},
        {"presenter", s.presenter},
        {"feature_maps",
         {{"layer", fm.layer},
          {"colormap", fm.colormap},
          {"per_map", fm.per_map},
          {"pixel_grid", fm.pixel_grid},
          {"show_filters", fm.show_filters},
          {"filter_input", fm.filter_input}}},
        {"draw", s.draw},
        {"kernel_lab", s.kernel_lab},
        {"walkthrough", s.walkthrough},
        {"compare", s.compare},
    };
    return j.dump(2) + "\n";
}

void session_write(const std::string& path, const std::string& text) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;  // a failure shows up as the write's own error, which names the file
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    write_file_atomic(path, text);
}

void session_save(const std::string& path, const AppState& s) {
    session_write(path, session_text(s));
}

void session_load(const std::string& path, AppState& state) {
    AppState s = state;
    try {
        const nlohmann::json j = nlohmann::json::parse(read_file_bytes(path));
        if (!j.is_object() || !j.contains("convlens_session"))
            throw Error("not a ConvLens session (no \"convlens_session\" key)");
        s.request.model = j.value("model", s.request.model);
        s.request.weights = j.value("weights", s.request.weights);
        s.request.input_path = j.value("input", s.request.input_path);
        s.view = j.value("view", s.view);
        s.zoom = j.value("zoom", s.zoom);
        s.light_theme = j.value("light_theme", s.light_theme);
        s.presenter = j.value("presenter", s.presenter);
        if (j.contains("feature_maps")) {
            const nlohmann::json& f = j.at("feature_maps");
            FeatureMapsState& fm = s.feature_maps;
            fm.layer = f.value("layer", fm.layer);
            fm.colormap = f.value("colormap", fm.colormap);
            fm.per_map = f.value("per_map", fm.per_map);
            fm.pixel_grid = f.value("pixel_grid", fm.pixel_grid);
            fm.show_filters = f.value("show_filters", fm.show_filters);
            fm.filter_input = f.value("filter_input", fm.filter_input);
            fm.enlarged = -1;
        }
        // Each view's part reads itself (its *_state.cpp), keeping what is missing.
        if (j.contains("draw")) j.at("draw").get_to(s.draw);
        if (j.contains("kernel_lab")) j.at("kernel_lab").get_to(s.kernel_lab);
        if (j.contains("walkthrough")) j.at("walkthrough").get_to(s.walkthrough);
        if (j.contains("compare")) j.at("compare").get_to(s.compare);
    } catch (const Error& e) {
        const std::string what = e.what();
        throw Error(what.rfind(path, 0) == 0 ? what : path + ": " + what);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error(path + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
    } catch (const std::exception& e) {
        // nlohmann's messages start with "[json.exception.type_error.302] ": keep the words.
        std::string what = e.what();
        const size_t bracket = what.rfind("] ", 40);
        if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos)
            what = what.substr(bracket + 2);
        throw Error(path + ": " + what);
    }
    if (!(s.zoom >= 0.5f && s.zoom <= 4.0f)) s.zoom = 1.0f;
    state = s;
}

std::string session_set_aside(const std::string& path, const std::string& why, bool* moved) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &local);
    std::string aside = path + ".corrupt-" + stamp;
    for (int i = 2; std::filesystem::exists(aside); ++i)  // two failures in one second
        aside = path + ".corrupt-" + stamp + "-" + std::to_string(i);
    // rename() on one file system is atomic: the session is at one name or the other, never lost.
    *moved = std::rename(path.c_str(), aside.c_str()) == 0;
    if (!*moved)
        return why + " (not loaded, and it could not be moved aside: " + std::strerror(errno) +
               "; it will not be overwritten)";
    return why + " (moved aside to " + std::filesystem::path(aside).filename().string() +
           "; starting with the defaults)";
}

std::string default_session_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg) return std::string(xdg) + "/convlens/session.json";
    const char* home = std::getenv("HOME");
    if (home && *home) return std::string(home) + "/.config/convlens/session.json";
    return "";
}

const char* default_session_path_text() {
    return "$XDG_CONFIG_HOME/convlens/session.json or ~/.config/convlens/session.json";
}

}  // namespace cl
