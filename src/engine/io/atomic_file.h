// Writing files so that a reader never sees half of one: write a temp file beside the target,
// flush, then rename over it. A failure removes the temp file and throws cl::Error.
#pragma once

#include <string>
#include <string_view>

namespace cl {

void write_file_atomic(const std::string& path, std::string_view bytes);
std::string read_file_bytes(const std::string& path);  // throws cl::Error naming the file

}  // namespace cl
