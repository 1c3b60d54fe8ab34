// Kernel Lab helpers shared by the canvas (kernel_lab_canvas.cpp) and the arithmetic
// (kernel_lab_arithmetic.cpp): cell colours and the numbers written into cells.
#pragma once

#include <imgui.h>

#include <array>
#include <cstdint>
#include <string>

namespace cl {

inline ImU32 cell_rgb(const std::array<uint8_t, 3>& c) {
    return IM_COL32(c[0], c[1], c[2], 255);
}

inline bool cell_is_dark(const std::array<uint8_t, 3>& c) {
    return c[0] * 2 + c[1] * 7 + c[2] < 1200;
}

// A value as a cell shows it with `format` ("%.2f", "%.1f"), never "-0.00".
std::string cell_text(float v, const char* format);

// A value centred in a cell `s` wide at `a` when it fits ("0.53", else "0.5"); nothing when it
// does not. With `font_size` (a table's common size): "%.1f" at that size.
void cell_number(ImDrawList* dl, ImVec2 a, float s, float v, bool dark, float font_size = 0);

// A sum for printing with %.2f: tiny negative values would read "-0.00".
double shown(float v);

}  // namespace cl
