// Small helpers shared by the subcommands.
#pragma once

#include <cctype>
#include <cstdio>
#include <string>

#include "engine/io/model_input.h"

namespace cl {

inline bool has_extension(const std::string& path, const std::string& ext) {
    if (path.size() < ext.size()) return false;
    for (size_t i = 0; i < ext.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + i])) != ext[i])
            return false;
    return true;
}

// --input as the model's input, through the path the GUI uses too; a notice (a huge image
// downscaled) goes to stderr, the results stay alone on stdout.
inline Tensor read_model_input(const std::string& path, Shape input_shape) {
    ModelInput in = input_from_file(path, input_shape);
    if (!in.notice.empty()) std::fprintf(stderr, "convlens: %s\n", in.notice.c_str());
    return in.tensor;
}

}  // namespace cl
