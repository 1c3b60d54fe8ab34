// Atlas upload, colouring and LRU eviction (see texture_cache.h).
#include "gfx/texture_cache.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/error.h"

namespace cl {

ValueRange display_range_for(ValueRange raw, Colormap map) {
    if (map == Colormap::Diverging) {
        const float m = std::max(std::fabs(raw.lo), std::fabs(raw.hi));
        return {-m, m};
    }
    if (map == Colormap::Gray) return {std::min(0.0f, raw.lo), std::max(1.0f, raw.hi)};
    return raw;
}

namespace {
GLuint make_texture(GLint internal, int w, int h, GLenum format, GLenum type, const void* data,
                    GLint min_filter) {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, internal, w, h, 0, format, type, data);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, min_filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    return tex;
}
}  // namespace

TextureCache::TextureCache(size_t byte_budget) : budget_(byte_budget) {}

TextureCache::~TextureCache() {
    clear();
}

void TextureCache::clear() {
    for (auto& [key, entry] : entries_) release(entry);
    entries_.clear();
    bytes_ = 0;
}

void TextureCache::release(Entry& entry) {
    const GLuint names[3] = {entry.values, entry.ranges, entry.atlas.texture};
    glDeleteTextures(3, names);
    entry.values = entry.ranges = entry.atlas.texture = 0;
}

const Atlas& TextureCache::atlas(const std::string& key, const Tensor& maps,
                                 const ColourSettings& colour_settings) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        Entry entry;
        upload(entry, maps);
        it = entries_.emplace(key, std::move(entry)).first;
        bytes_ += it->second.bytes;
        ++uploads_;
        colour(it->second, colour_settings);
        it->second.last_frame = frame_;
        evict();
        return it->second.atlas;
    }
    if (!(it->second.atlas.colour == colour_settings)) colour(it->second, colour_settings);
    it->second.last_frame = frame_;
    return it->second.atlas;
}

void TextureCache::upload(Entry& entry, const Tensor& maps) {
    const Shape& s = maps.shape();
    Atlas& a = entry.atlas;
    AtlasGeometry& g = a.geometry;
    a.vector = s.h == 1 && s.w == 1 && s.c > 1;
    if (a.vector) {  // C units -> one near-square map, NaN where there is no unit
        g.channels = 1;
        g.map_w = int(std::ceil(std::sqrt(double(s.c))));
        g.map_h = (s.c + g.map_w - 1) / g.map_w;
        g.cols = g.rows = 1;
    } else {
        g.channels = s.c;
        g.map_w = s.w;
        g.map_h = s.h;
        g.cols = int(std::ceil(std::sqrt(double(s.c))));
        g.rows = (s.c + g.cols - 1) / g.cols;
    }
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    if (g.width() > max_size || g.height() > max_size)
        throw Error("a layer of " + s.chw() + " is too large for one texture (" +
                    std::to_string(g.width()) + "x" + std::to_string(g.height()) + ")");

    // [rows*H, cols*W] atlas; each map's rows copied into its tile
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float>& values = staging_;
    values.assign(size_t(g.width()) * g.height(), nan);
    a.ranges.assign(size_t(s.c), ValueRange{});
    const float* src = maps.data();
    if (a.vector) {
        std::copy(src, src + s.c, values.begin());
    } else {
        for (int c = 0; c < s.c; ++c) {
            const int x0 = (c % g.cols) * g.map_w, y0 = (c / g.cols) * g.map_h;
            for (int y = 0; y < s.h; ++y) {
                const float* row = src + (int64_t(c) * s.h + y) * s.w;
                std::copy(row, row + s.w, &values[size_t(y0 + y) * g.width() + x0]);
            }
        }
    }
    const int64_t per_map = a.vector ? 1 : int64_t(s.h) * s.w;
    for (int c = 0; c < s.c; ++c) {
        const float* p = src + c * per_map;
        const auto [lo, hi] = std::minmax_element(p, p + per_map);
        a.ranges[size_t(c)] = {*lo, *hi};
    }
    a.layer_range = a.ranges.empty() ? ValueRange{} : a.ranges[0];
    for (const ValueRange& r : a.ranges) {
        a.layer_range.lo = std::min(a.layer_range.lo, r.lo);
        a.layer_range.hi = std::max(a.layer_range.hi, r.hi);
    }
    entry.values =
        make_texture(GL_R32F, g.width(), g.height(), GL_RED, GL_FLOAT, values.data(), GL_NEAREST);
    // Minifying a big map into a small tile averages rather than dropping rows.
    a.texture = make_texture(GL_RGBA8, g.width(), g.height(), GL_RGBA, GL_UNSIGNED_BYTE, nullptr,
                             GL_LINEAR);
    entry.bytes = size_t(g.width()) * g.height() * 8 + size_t(g.channels) * 8;
}

void TextureCache::colour(Entry& entry, const ColourSettings& colour_settings) {
    Atlas& a = entry.atlas;
    // The shader reads one (lo, hi) per tile; a vector layer is one tile with the layer range.
    std::vector<float> lohi;
    const int tiles = a.geometry.channels;
    for (int c = 0; c < tiles; ++c) {
        const ValueRange raw =
            colour_settings.per_map && !a.vector ? a.ranges[size_t(c)] : a.layer_range;
        const ValueRange r = display_range_for(raw, colour_settings.map);
        lohi.push_back(r.lo);
        lohi.push_back(r.hi);
    }
    if (entry.ranges) glDeleteTextures(1, &entry.ranges);
    entry.ranges = make_texture(GL_RG32F, tiles, 1, GL_RG, GL_FLOAT, lohi.data(), GL_NEAREST);
    colorizer_.run(entry.values, entry.ranges, a.texture, a.geometry, colour_settings.map);
    a.colour = colour_settings;
    ++passes_;
}

void TextureCache::evict() {
    // Never free an atlas drawn this frame: ImGui's draw list still refers to it.
    while (bytes_ > budget_) {
        auto oldest = entries_.end();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->second.last_frame >= frame_) continue;
            if (oldest == entries_.end() || it->second.last_frame < oldest->second.last_frame)
                oldest = it;
        }
        if (oldest == entries_.end()) return;
        bytes_ -= oldest->second.bytes;
        release(oldest->second);
        entries_.erase(oldest);
    }
}

}  // namespace cl
