// GLSL compile + link with readable errors.
#include "gfx/gl_program.h"

#include <string>

#include "engine/error.h"

namespace cl {

namespace {
GLuint compile(GLenum type, const char* source, const std::string& what) {
    GLuint shader = glCreateShader(type);
    glShaderSource(shader, 1, &source, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048] = {0};
        glGetShaderInfoLog(shader, sizeof(log) - 1, nullptr, log);
        glDeleteShader(shader);
        throw Error(what + ": shader does not compile: " + log);
    }
    return shader;
}
}  // namespace

GlProgram::GlProgram(const char* vertex_source, const char* fragment_source, const char* name) {
    const std::string what(name);
    GLuint vs = compile(GL_VERTEX_SHADER, vertex_source, what + ".vert");
    GLuint fs = 0;
    try {
        fs = compile(GL_FRAGMENT_SHADER, fragment_source, what + ".frag");
    } catch (...) {
        glDeleteShader(vs);
        throw;
    }
    id_ = glCreateProgram();
    glAttachShader(id_, vs);
    glAttachShader(id_, fs);
    glLinkProgram(id_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(id_, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[2048] = {0};
        glGetProgramInfoLog(id_, sizeof(log) - 1, nullptr, log);
        glDeleteProgram(id_);
        id_ = 0;
        throw Error(what + ": shader program does not link: " + log);
    }
}

GlProgram::~GlProgram() {
    if (id_) glDeleteProgram(id_);
}

}  // namespace cl
