// Writing files so that a reader never sees half of one: write a temp file beside the target,
// flush, then rename over it. A failure removes the temp file and throws cl::Error.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace cl {

// Writes `bytes` to `path` so that `path` holds either its old contents or all of the new ones,
// even if the program is killed or the machine loses power mid-way: temp file beside the target,
// fsync, rename over the target, fsync of the folder.
void write_file_atomic(const std::string& path, std::string_view bytes);
// The same, with the contents produced in pieces: `produce` calls its argument once per piece.
// If `produce` throws, the temp file is removed, the target is untouched and the exception
// goes on to the caller.
using ByteSink = std::function<void(std::string_view piece)>;
void write_file_atomic(const std::string& path,
                       const std::function<void(const ByteSink&)>& produce);
std::string read_file_bytes(const std::string& path);  // throws cl::Error naming the file

}  // namespace cl
