// A colour bar with its numeric range (and 0 marked on diverging maps), drawn from the same
// lookup texture the colorize pass uses, so the legend is exactly the colours on screen.
#pragma once

#include "engine/colormap.h"
#include "engine/render.h"
#include "gfx/texture_cache.h"

namespace cl {

void colormap_legend(const TextureCache& textures, Colormap map, ValueRange range, float width,
                     const char* caption);

}  // namespace cl
