// Back buffer -> top-down RGB -> PNG.
#include "gfx/screenshot.h"

#include <cstdint>
#include <vector>

#include "engine/io/image.h"
#include "gfx/gl.h"

namespace cl {

void save_framebuffer_png(const std::string& path, int width, int height) {
    std::vector<uint8_t> rgb(size_t(width) * height * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, rgb.data());
    // GL's rows run bottom-up; PNG's top-down.
    const size_t stride = size_t(width) * 3;
    std::vector<uint8_t> row(stride);
    for (int y = 0; y < height / 2; ++y) {
        uint8_t* a = &rgb[size_t(y) * stride];
        uint8_t* b = &rgb[size_t(height - 1 - y) * stride];
        std::copy(a, a + stride, row.data());
        std::copy(b, b + stride, a);
        std::copy(row.begin(), row.end(), b);
    }
    png_write_rgb(path, width, height, rgb);
}

}  // namespace cl
