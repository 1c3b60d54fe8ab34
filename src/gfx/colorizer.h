// The colorize pass: an R32F atlas of raw values -> an RGBA8 texture through a colour map, in
// one draw into an FBO. Changing the colour map or the normalisation re-runs this pass only;
// the values are never uploaded again.
#pragma once

#include <memory>

#include "engine/colormap.h"
#include "gfx/gl.h"
#include "gfx/gl_program.h"

namespace cl {

struct AtlasGeometry {
    int channels = 0;          // maps in the atlas
    int map_w = 0, map_h = 0;  // one map
    int cols = 0, rows = 0;    // tiling
    int width() const { return cols * map_w; }
    int height() const { return rows * map_h; }
};

class Colorizer {
public:
    Colorizer();  // compiles shaders/colormap.{vert,frag}; throws cl::Error
    ~Colorizer();
    Colorizer(const Colorizer&) = delete;
    Colorizer& operator=(const Colorizer&) = delete;

    // values: R32F atlas; ranges: RG32F channels x 1 (lo, hi); target: RGBA8 of the atlas size.
    void run(GLuint values, GLuint ranges, GLuint target, const AtlasGeometry& geometry,
             Colormap map);

    // 256 x 3 RGBA8, one row per Colormap (in enum order), for colour bars.
    GLuint lut() const { return lut_; }
    static float lut_v(Colormap map) { return (float(int(map)) + 0.5f) / 3.0f; }

private:
    std::unique_ptr<GlProgram> program_;
    GLuint vao_ = 0, fbo_ = 0, lut_ = 0;
};

}  // namespace cl
