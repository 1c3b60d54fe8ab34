// Reads the back buffer of the current GL context into a PNG (screenshot mode, File > Export).
#pragma once

#include <string>

namespace cl {

// width x height framebuffer pixels, written atomically; throws cl::Error naming the file.
void save_framebuffer_png(const std::string& path, int width, int height);

}  // namespace cl
