// A linked GLSL program from vertex + fragment source; compile/link errors become cl::Error
// with the driver's log. Created and destroyed on the UI thread only.
#pragma once

#include "gfx/gl.h"

namespace cl {

class GlProgram {
public:
    GlProgram(const char* vertex_source, const char* fragment_source, const char* name);
    ~GlProgram();
    GlProgram(const GlProgram&) = delete;
    GlProgram& operator=(const GlProgram&) = delete;

    GLuint id() const { return id_; }
    GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

private:
    GLuint id_ = 0;
};

}  // namespace cl
