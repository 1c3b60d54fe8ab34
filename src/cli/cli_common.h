// Small helpers shared by the subcommands.
#pragma once

#include <string>

namespace cl {

inline bool has_extension(const std::string& path, const std::string& ext) {
    if (path.size() < ext.size()) return false;
    for (size_t i = 0; i < ext.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + i])) != ext[i])
            return false;
    return true;
}

}  // namespace cl
