// The colorize pass (see colorizer.h) and its lookup table, built from the engine's colour maps.
#include "gfx/colorizer.h"

#include <cstdint>
#include <vector>

#include "gfx/shaders_embedded.h"

namespace cl {

Colorizer::Colorizer() {
    program_ =
        std::make_unique<GlProgram>(shaders::k_colormap_vert, shaders::k_colormap_frag, "colormap");
    glGenVertexArrays(1, &vao_);
    glGenFramebuffers(1, &fbo_);

    const Colormap maps[3] = {Colormap::Gray, Colormap::Viridis, Colormap::Diverging};
    std::vector<uint8_t> rgba(256 * 3 * 4);  // [3 rows, 256 entries, RGBA]
    for (int row = 0; row < 3; ++row) {
        for (int i = 0; i < 256; ++i) {
            const auto c = colormap_rgb(maps[row], float(i) / 255.0f);
            uint8_t* px = &rgba[size_t(row * 256 + i) * 4];
            px[0] = c[0];
            px[1] = c[1];
            px[2] = c[2];
            px[3] = 255;
        }
    }
    glGenTextures(1, &lut_);
    glBindTexture(GL_TEXTURE_2D, lut_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 256, 3, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
}

Colorizer::~Colorizer() {
    glDeleteTextures(1, &lut_);
    glDeleteFramebuffers(1, &fbo_);
    glDeleteVertexArrays(1, &vao_);
}

void Colorizer::run(GLuint values, GLuint ranges, GLuint target, const AtlasGeometry& geometry,
                    Colormap map) {
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, target, 0);
    glViewport(0, 0, geometry.width(), geometry.height());
    // ImGui's renderer restores its own state; this pass must not be clipped or blended.
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);

    const GLuint program = program_->id();
    glUseProgram(program);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, values);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, ranges);
    glActiveTexture(GL_TEXTURE2);
    glBindTexture(GL_TEXTURE_2D, lut_);
    glUniform1i(program_->uniform("u_values"), 0);
    glUniform1i(program_->uniform("u_ranges"), 1);
    glUniform1i(program_->uniform("u_lut"), 2);
    glUniform1i(program_->uniform("u_map_w"), geometry.map_w);
    glUniform1i(program_->uniform("u_map_h"), geometry.map_h);
    glUniform1i(program_->uniform("u_cols"), geometry.cols);
    glUniform1i(program_->uniform("u_channels"), geometry.channels);
    glUniform1i(program_->uniform("u_lut_row"), int(map));
    glBindVertexArray(vao_);
    glDrawArrays(GL_TRIANGLES, 0, 3);

    glBindVertexArray(0);
    glActiveTexture(GL_TEXTURE2);
    glBindTexture(GL_TEXTURE_2D, 0);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

}  // namespace cl
