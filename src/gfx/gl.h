// OpenGL 3.3 core declarations for ConvLens' own GL code (textures, the colorize pass). The
// ImGui backend keeps its own loader; libGL exports the core entry points on Linux.
#pragma once

#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <GL/glcorearb.h>
