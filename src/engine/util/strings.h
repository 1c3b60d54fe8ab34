// Small string helpers shared by the engine, the CLI and the GUI (written once, not per file).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace cl {

inline bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// File extensions are matched without regard to case: "Photo.JPG" is a JPEG.
inline bool ends_with_nocase(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    return std::equal(suffix.begin(), suffix.end(), s.end() - suffix.size(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

}  // namespace cl
