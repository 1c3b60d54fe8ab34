// Fonts, theme and scale (DPI x presenter zoom) for Dear ImGui 1.86, which has no FontScaleDpi:
// when the scale or theme changes, between frames, the TTF is rebuilt at round(15 * scale), the
// style is reset, themed and ScaleAllSizes(scale)'d.
#pragma once

struct GLFWwindow;

namespace cl {

class UiStyle {
public:
    // Rebuilds when glfwGetWindowContentScale x zoom or the theme changed. Returns true when it
    // did.
    bool update(GLFWwindow* window, float zoom, bool light);
    float scale() const { return scale_; }

private:
    float scale_ = 0.0f;
    bool light_ = false;
};

}  // namespace cl
