// The ImGui file dialog (see file_dialog.h).
#include "app/file_dialog.h"

#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "app/ui.h"

namespace fs = std::filesystem;

namespace cl {

namespace {
bool has_extension(const std::string& name, const std::vector<std::string>& extensions) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    for (const std::string& e : extensions)
        if (lower.size() >= e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0)
            return true;
    return extensions.empty();
}
}  // namespace

void FileDialog::open(const std::string& title, const std::vector<std::string>& extensions,
                      bool saving, const std::string& start_path) {
    title_ = title;
    extensions_ = extensions;
    saving_ = saving;
    error_.clear();
    std::error_code ec;
    fs::path start = start_path.empty() ? fs::current_path(ec) : fs::path(start_path);
    std::string dir = fs::is_directory(start, ec) ? start.string() : start.parent_path().string();
    if (dir.empty()) dir = fs::current_path(ec).string();
    std::snprintf(
        path_, sizeof path_, "%s",
        fs::is_directory(start, ec) ? (start / "").string().c_str() : start.string().c_str());
    list(dir);
    open_requested_ = true;
}

void FileDialog::list(const std::string& dir) {
    dir_ = dir;
    entries_.clear();
    std::error_code ec;
    for (const auto& e :
         fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        const bool folder = e.is_directory(ec);
        if (folder || has_extension(name, extensions_)) entries_.emplace_back(name, folder);
    }
    if (ec) error_ = dir + ": " + ec.message();
    std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second : a.first < b.first;
    });
}

bool FileDialog::accept(std::string& chosen) {
    std::error_code ec;
    const fs::path p(path_);
    if (fs::is_directory(p, ec)) {
        list(p.string());
        return false;
    }
    if (!saving_ && !fs::exists(p, ec)) {
        error_ = std::string(path_) + ": no such file";
        return false;
    }
    if (saving_ && !p.parent_path().empty() && !fs::is_directory(p.parent_path(), ec)) {
        error_ = p.parent_path().string() + ": no such folder";
        return false;
    }
    chosen = path_;
    ImGui::CloseCurrentPopup();
    return true;
}

bool FileDialog::draw(std::string& chosen) {
    if (open_requested_) {
        ImGui::OpenPopup(title_.c_str());
        open_requested_ = false;
    }
    ImGui::SetNextWindowSize(ui_scaled(720, 480), ImGuiCond_Appearing);
    bool accepted = false;
    if (!ImGui::BeginPopupModal(title_.c_str(), nullptr)) return false;
    if (ImGui::Button("Up")) list(fs::path(dir_).parent_path().string());
    ImGui::SameLine();
    ImGui::TextUnformatted(dir_.c_str());
    const float footer =
        ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetTextLineHeightWithSpacing();
    ImGui::BeginChild("entries", ImVec2(0, -footer), true);
    std::string enter;
    for (const auto& [name, folder] : entries_) {
        const std::string label = folder ? name + "/" : name;
        if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
            const std::string full = (fs::path(dir_) / name).string();
            if (folder) {
                enter = full;
            } else {
                std::snprintf(path_, sizeof path_, "%s", full.c_str());
                if (ImGui::IsMouseDoubleClicked(0)) accepted = accept(chosen);
            }
        }
    }
    ImGui::EndChild();
    if (!enter.empty()) {
        list(enter);
        std::snprintf(path_, sizeof path_, "%s", (fs::path(enter) / "").string().c_str());
    }
    ImGui::SetNextItemWidth(-1);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    if (ImGui::InputText("##path", path_, sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue))
        accepted = accepted || accept(chosen);
    if (!error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.2f, 0.2f, 1.0f));
        ImGui::TextUnformatted(error_.c_str());
        ImGui::PopStyleColor();
    } else {
        ImGui::NewLine();
    }
    if (!accepted && ImGui::Button(saving_ ? "Save" : "Open", ui_scaled(100, 0)))
        accepted = accept(chosen);
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ui_scaled(100, 0)) ||
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
        ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return accepted;
}

}  // namespace cl
