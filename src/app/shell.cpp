// Menus, banners, dialogs and help windows (see shell.h).
#include "app/shell.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "app/ui.h"
#include "engine/error.h"
#include "engine/util/strings.h"

namespace cl {

namespace {
const char* k_title_input = "Open an image or .npy input";
const char* k_title_model = "Open a model (.onnx) or weights (.safetensors)";
const char* k_title_export = "Export the view as PNG";
const char* k_title_save = "Save session";
const char* k_title_load = "Load session";

const char* k_shortcuts[][2] = {
    {"Left / Right (Up / Down)", "step through what the view steps through (layers)"},
    {"Home / End", "first / last step"},
    {"Ctrl+= / Ctrl+- / Ctrl+0", "larger / smaller / normal text and controls"},
    {"Ctrl+1 ... Ctrl+9", "the views, in the order of the tabs"},
    {"F5", "presenter mode (large, high-contrast light theme)"},
    {"F11", "full screen"},
    {"F1", "help for this view"},
    {"Ctrl+O", "open an image"},
    {"Esc", "back from an enlarged map"},
    {"Ctrl+Q", "quit"},
    {"Drag and drop", "an image, .npy, .onnx, .safetensors or session .json onto the window"},
};

// A coloured strip under the menu bar: the message wrapped to the window, Dismiss on the right.
void banner(const char* text, ImVec4 colour, std::string& owner) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float button_w = ImGui::CalcTextSize("Dismiss").x + 2 * style.FramePadding.x;
    const float text_w = std::max(ui_scaled(100), ImGui::GetContentRegionAvail().x - button_w -
                                                      2 * style.WindowPadding.x - ui_scaled(16));
    const float text_h = ImGui::CalcTextSize(text, nullptr, false, text_w).y;
    const float h = std::max(text_h, ImGui::GetFrameHeight()) + 2 * style.WindowPadding.y;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, colour);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    ImGui::BeginChild(text, ImVec2(0, h), false, ImGuiWindowFlags_NoScrollbar);
    ImGui::SetCursorPos(ImVec2(style.WindowPadding.x, style.WindowPadding.y));
    ImGui::PushTextWrapPos(style.WindowPadding.x + text_w);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::SetCursorPos(
        ImVec2(ImGui::GetWindowWidth() - button_w - style.WindowPadding.x, style.WindowPadding.y));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 0.25f));
    if (ImGui::Button("Dismiss")) owner.clear();
    ImGui::PopStyleColor();
    ImGui::EndChild();
    ImGui::PopStyleColor(2);
}
}  // namespace

void set_presenter(AppState& state, bool on) {
    state.presenter = on;
    state.light_theme = on;
    state.zoom = on ? std::max(state.zoom, 1.6f) : 1.0f;
}

void Shell::open_path(AppState& state, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        state.error = path + ": no such file";
        return;
    }
    if (ends_with_nocase(path, ".onnx")) {
        state.request.model = path;
        state.request.weights.clear();
        state.feature_maps.layer.clear();
    } else if (ends_with_nocase(path, ".safetensors")) {
        state.request.weights = path;
    } else if (ends_with_nocase(path, ".json")) {
        try {
            session_load(path, state);
        } catch (const std::exception& e) {
            state.error = e.what();
        }
    } else if (ends_with_nocase(path, ".png") || ends_with_nocase(path, ".jpg") ||
               ends_with_nocase(path, ".jpeg") || ends_with_nocase(path, ".bmp") ||
               ends_with_nocase(path, ".npy")) {
        state.request.input_path = path;
    } else {
        state.error = path + ": not an image, .npy, .onnx, .safetensors or session .json";
        return;
    }
    state.feature_maps.enlarged = -1;
}

void Shell::open_dialog(AppState& state, AppAction action) {
    if (action == AppAction::OpenImage)
        dialog_.open(k_title_input, {".png", ".jpg", ".jpeg", ".bmp", ".npy"}, false,
                     state.request.input_path);
    if (action == AppAction::OpenModel)
        dialog_.open(k_title_model, {".onnx", ".safetensors"}, false);
}

ShellRequests Shell::draw(AppState& state, const ViewList& views, const Snapshot& snapshot,
                          TextureCache& textures, bool computing, JobQueue& jobs) {
    ShellRequests out;
    if (state.action != AppAction::None) {
        open_dialog(state, state.action);
        state.action = AppAction::None;
    }
    draw_menu_bar(state, views, computing, jobs, out);

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("##main", nullptr, flags);
    View* current = find_view(views, state.view);
    if (!current) current = views.front().get();
    if (views.size() > 1 && ImGui::BeginTabBar("views")) {
        for (const auto& v : views) {
            const ImGuiTabItemFlags f = v.get() == current ? ImGuiTabItemFlags_SetSelected : 0;
            if (ImGui::BeginTabItem(v->title(), nullptr, f)) ImGui::EndTabItem();
            if (ImGui::IsItemClicked()) state.view = v->id();
        }
        ImGui::EndTabBar();
    }
    draw_banners(state);
    current->draw(state, snapshot, textures);
    ImGui::End();

    draw_windows(state, views);
    std::string chosen;
    if (dialog_.draw(chosen)) {
        const std::string& t = dialog_.title();
        try {
            if (t == k_title_export)
                out.export_png = chosen;
            else if (t == k_title_save)
                session_save(chosen, state);
            else if (t == k_title_load)
                session_load(chosen, state);
            else
                open_path(state, chosen);
        } catch (const std::exception& e) {
            state.error = e.what();
        }
    }
    return out;
}

void Shell::draw_menu_bar(AppState& state, const ViewList& views, bool computing, JobQueue& jobs,
                          ShellRequests& out) {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open image\xE2\x80\xA6", "Ctrl+O"))
            open_dialog(state, AppAction::OpenImage);
        if (ImGui::MenuItem("Open model\xE2\x80\xA6")) open_dialog(state, AppAction::OpenModel);
        ImGui::Separator();
        if (ImGui::MenuItem("Export view as PNG\xE2\x80\xA6"))
            dialog_.open(k_title_export, {".png"}, true, "convlens-view.png");
        if (ImGui::MenuItem("Save session\xE2\x80\xA6"))
            dialog_.open(k_title_save, {".json"}, true, "convlens-session.json");
        if (ImGui::MenuItem("Load session\xE2\x80\xA6"))
            dialog_.open(k_title_load, {".json"}, false);
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) out.quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        for (const auto& v : views)
            if (ImGui::MenuItem(v->title(), nullptr, state.view == v->id())) state.view = v->id();
        ImGui::Separator();
        if (ImGui::MenuItem("Presenter mode", "F5", state.presenter))
            set_presenter(state, !state.presenter);
        ImGui::MenuItem("Light theme", nullptr, &state.light_theme);
        if (ImGui::MenuItem("Larger", "Ctrl+=")) state.zoom = std::min(4.0f, state.zoom * 1.15f);
        if (ImGui::MenuItem("Smaller", "Ctrl+-")) state.zoom = std::max(0.5f, state.zoom / 1.15f);
        if (ImGui::MenuItem("Normal size", "Ctrl+0")) state.zoom = 1.0f;
        if (ImGui::MenuItem("Full screen", "F11")) out.toggle_fullscreen = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("This view", "F1")) show_view_help_ = true;
        if (ImGui::MenuItem("Keyboard shortcuts")) show_shortcuts_ = true;
        if (ImGui::MenuItem("About ConvLens")) show_about_ = true;
        ImGui::EndMenu();
    }
    draw_jobs_menu(computing, jobs);
    ImGui::EndMainMenuBar();
}

void Shell::draw_jobs_menu(bool computing, JobQueue& jobs) {
    const std::vector<std::shared_ptr<JobState>> active = jobs.active();
    if (!computing && active.empty()) return;
    const std::string badge =
        active.size() > 1 ? "computing\xE2\x80\xA6 (" + std::to_string(active.size()) + " jobs)"
                          : std::string("computing\xE2\x80\xA6");
    const float w = ImGui::CalcTextSize(badge.c_str()).x + ui_scaled(24);
    ImGui::SameLine(ImGui::GetWindowWidth() - w);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.6f, 0.1f, 1.0f));
    const bool open = ImGui::BeginMenu(badge.c_str());
    ImGui::PopStyleColor();
    if (!open) return;
    // What runs now, as in ImHex's task list: a bar where the job reports its progress.
    for (const std::shared_ptr<JobState>& job : active) {
        ImGui::PushID(int(job->id()));
        const JobProgress p = job->progress();
        ImGui::TextUnformatted(job->name().c_str());
        ImGui::SameLine();
        text_dim(job->status() == JobStatus::Queued ? "(waiting)" : p.text.c_str());
        if (p.fraction >= 0)
            ImGui::ProgressBar(float(p.fraction), ImVec2(ui_scaled(220), 0));
        else
            ImGui::ProgressBar(0.0f, ImVec2(ui_scaled(220), 0), "working\xE2\x80\xA6");
        ImGui::SameLine();
        if (ImGui::SmallButton("Cancel")) job->cancel();
        ImGui::PopID();
    }
    if (active.empty()) text_dim("finishing\xE2\x80\xA6");
    ImGui::EndMenu();
}

void Shell::draw_banners(AppState& state) {
    if (!state.error.empty())
        banner(state.error.c_str(), ImVec4(0.70f, 0.12f, 0.12f, 1.0f), state.error);
    if (!state.notice.empty())
        banner(state.notice.c_str(), ImVec4(0.13f, 0.36f, 0.62f, 1.0f), state.notice);
}

void Shell::draw_windows(AppState& state, const ViewList& views) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 centre(vp->WorkPos.x + vp->WorkSize.x * 0.5f,
                        vp->WorkPos.y + vp->WorkSize.y * 0.5f);
    if (show_view_help_) {
        View* v = find_view(views, state.view);
        ImGui::SetNextWindowPos(centre, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        ImGui::SetNextWindowSize(ui_scaled(560, 0), ImGuiCond_Appearing);
        const std::string title = std::string("Help: ") + (v ? v->title() : "") + "###viewhelp";
        if (ImGui::Begin(title.c_str(), &show_view_help_, ImGuiWindowFlags_NoSavedSettings) && v)
            ImGui::TextWrapped("%s", v->help());
        ImGui::End();
    }
    if (show_shortcuts_) {
        ImGui::SetNextWindowPos(centre, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        if (ImGui::Begin("Keyboard shortcuts", &show_shortcuts_,
                         ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings) &&
            ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
            for (const auto& row : k_shortcuts) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row[0]);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row[1]);
            }
            ImGui::EndTable();
        }
        ImGui::End();
    }
    if (show_about_) {
        ImGui::SetNextWindowPos(centre, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        if (ImGui::Begin("About ConvLens", &show_about_,
                         ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
            ImGui::TextUnformatted("ConvLens 0.1.0: see how a convolutional neural network works.");
            ImGui::TextUnformatted("Dear ImGui " IMGUI_VERSION ", GLFW, OpenGL 3.3, Eigen.");
        }
        ImGui::End();
    }
}

}  // namespace cl
