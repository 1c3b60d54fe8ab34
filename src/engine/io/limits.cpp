// The one size query every reader checks its header against (see limits.h).
#include "engine/io/limits.h"

#include <filesystem>
#include <system_error>

#include "engine/error.h"

namespace cl {

uint64_t file_size_checked(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) throw Error(path + ": no such file");
    if (std::filesystem::is_directory(status)) throw Error(path + ": is a folder, not a file");
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) throw Error(path + ": cannot read its size");
    return size;
}

}  // namespace cl
