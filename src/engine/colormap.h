// Colour maps shared by the CLI's PNG output and (as GLSL twins in shaders/) the GUI:
// grey for inputs, viridis for non-negative maps, blue-white-red centred on 0 for signed maps.
#pragma once

#include <array>
#include <cstdint>

namespace cl {

enum class Colormap { Gray, Viridis, Diverging };

// t in [0,1] (diverging: 0.5 is zero). Returns RGB bytes.
std::array<uint8_t, 3> colormap_rgb(Colormap map, float t);
const char* colormap_name(Colormap map);

}  // namespace cl
