// A path-entry dialog with a directory listing, in ImGui (no native dialog library): type or
// click a path, folders to descend, files filtered by extension.
#pragma once

#include <string>
#include <vector>

namespace cl {

class FileDialog {
public:
    // title also identifies the purpose; extensions like {".png", ".jpg"}; saving: the file may
    // not exist yet.
    void open(const std::string& title, const std::vector<std::string>& extensions, bool saving,
              const std::string& start_path = "");
    // Draws the modal while open. Returns true once, with `chosen` set, when the user accepts.
    bool draw(std::string& chosen);
    const std::string& title() const { return title_; }

private:
    void list(const std::string& dir);
    bool accept(std::string& chosen);

    std::string title_, dir_, error_;
    std::vector<std::string> extensions_;
    std::vector<std::pair<std::string, bool>> entries_;  // name, is folder
    char path_[1024] = {0};
    bool saving_ = false, open_requested_ = false;
};

}  // namespace cl
