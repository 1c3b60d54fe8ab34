// GPU atlases of feature maps, UI thread only. One atlas per (result, layer): every channel tiled
// into one R32F texture (one upload per layer, not per map), coloured into an RGBA8 texture by
// the colorize pass. Least-recently-used atlases are freed under a byte budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/colormap.h"
#include "engine/render.h"
#include "engine/tensor.h"
#include "gfx/colorizer.h"

namespace cl {

struct ColourSettings {
    Colormap map = Colormap::Viridis;
    bool per_map = false;  // each map scaled to its own range instead of the layer's
    bool operator==(const ColourSettings& o) const { return map == o.map && per_map == o.per_map; }
};

// The display range a colour map wants for values in [lo, hi] (as engine/render.cpp's
// display_range: symmetric for diverging, at least 0..1 for grey).
ValueRange display_range_for(ValueRange raw, Colormap map);

struct Atlas {
    GLuint texture = 0;  // RGBA8, what ImGui::Image shows
    AtlasGeometry geometry;
    bool vector = false;             // a [C,1,1] layer shown as one map of its C units
    ValueRange layer_range;          // raw min/max over all maps
    std::vector<ValueRange> ranges;  // raw min/max of each map
    ColourSettings colour;           // what `texture` currently shows
};

class TextureCache {
public:
    explicit TextureCache(size_t byte_budget = size_t(512) << 20);
    ~TextureCache();
    TextureCache(const TextureCache&) = delete;
    TextureCache& operator=(const TextureCache&) = delete;

    void begin_frame() { ++frame_; }
    // key names the data (e.g. "17/conv1"); maps is [1,C,H,W]. Uploads on first use of a key,
    // re-colours when `colour` changed. Throws cl::Error when the layer cannot fit a texture.
    const Atlas& atlas(const std::string& key, const Tensor& maps, const ColourSettings& colour);
    GLuint colormap_lut() const { return colorizer_.lut(); }
    void clear();

    size_t bytes() const { return bytes_; }
    int64_t uploads() const { return uploads_; }
    int64_t colorize_passes() const { return passes_; }

private:
    struct Entry {
        Atlas atlas;
        GLuint values = 0, ranges = 0;
        size_t bytes = 0;
        uint64_t last_frame = 0;
    };
    void upload(Entry& entry, const Tensor& maps);
    void colour(Entry& entry, const ColourSettings& colour);
    void release(Entry& entry);
    void evict();

    Colorizer colorizer_;
    std::unordered_map<std::string, Entry> entries_;
    size_t budget_, bytes_ = 0;
    uint64_t frame_ = 1;
    int64_t uploads_ = 0, passes_ = 0;
    // The tiled atlas before upload, kept between uploads: a fresh 13 MB buffer per VGG layer
    // cost the UI thread its page faults (tens of ms per new layer).
    std::vector<float> staging_;
};

}  // namespace cl
