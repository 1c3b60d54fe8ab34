// DejaVu Sans at the current scale, and the two themes: dark, and high-contrast light for
// projectors in bright rooms.
#include "app/fonts.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cmath>
#include <filesystem>

namespace cl {

namespace {
// Latin-1, Greek (σ, Σ), dashes, bullet and ellipsis, arrows, the maths of the formulas
// (∑ − ≤ ≥ ⌈ ⌉ ⌊ ⌋) and the triangles of play/step buttons; DejaVu Sans has them all.
const ImWchar k_glyphs[] = {0x0020, 0x00FF, 0x0391, 0x03C9, 0x2013, 0x2014, 0x2022,
                            0x2022, 0x2026, 0x2026, 0x2190, 0x2193, 0x2211, 0x2212,
                            0x2264, 0x2265, 0x2308, 0x230B, 0x25A0, 0x25CF, 0};

void apply_dark(ImGuiStyle& style) {
    ImGui::StyleColorsDark(&style);
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.10f, 0.10f, 0.11f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0.12f, 0.12f, 0.13f, 1.0f);
    c[ImGuiCol_Text] = ImVec4(0.95f, 0.95f, 0.95f, 1.0f);
    c[ImGuiCol_TextDisabled] = ImVec4(0.62f, 0.62f, 0.66f, 1.0f);
}

void apply_light(ImGuiStyle& style) {
    ImGui::StyleColorsLight(&style);
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = ImVec4(0.0f, 0.0f, 0.0f, 1.0f);
    c[ImGuiCol_TextDisabled] = ImVec4(0.25f, 0.25f, 0.28f, 1.0f);
    c[ImGuiCol_WindowBg] = ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0.96f, 0.96f, 0.96f, 1.0f);
    c[ImGuiCol_Border] = ImVec4(0.0f, 0.0f, 0.0f, 0.55f);
    c[ImGuiCol_FrameBg] = ImVec4(0.90f, 0.90f, 0.92f, 1.0f);
    c[ImGuiCol_Header] = ImVec4(0.10f, 0.35f, 0.80f, 0.35f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.10f, 0.35f, 0.80f, 0.55f);
    c[ImGuiCol_Button] = ImVec4(0.10f, 0.35f, 0.80f, 0.25f);
    style.FrameBorderSize = 1.0f;
    style.WindowBorderSize = 1.0f;
}
}  // namespace

bool UiStyle::update(GLFWwindow* window, float zoom, bool light) {
    float sx = 1.0f, sy = 1.0f;
    glfwGetWindowContentScale(window, &sx, &sy);
    const float scale = std::max(0.5f, std::max(sx, sy) * zoom);
    if (std::fabs(scale - scale_) < 1e-3f && light == light_) return false;
    scale_ = scale;
    light_ = light;

    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const float size = std::round(15.0f * scale);
    ImFont* font = nullptr;
    if (std::filesystem::exists(CONVLENS_FONT_PATH))
        font = io.Fonts->AddFontFromFileTTF(CONVLENS_FONT_PATH, size, nullptr, k_glyphs);
    if (!font) {  // fonts-dejavu-core missing: ImGui's own (small, but readable) font
        ImFontConfig config;
        config.SizePixels = size;
        io.Fonts->AddFontDefault(&config);
    }
    io.Fonts->Build();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();

    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    if (light)
        apply_light(style);
    else
        apply_dark(style);
    style.WindowRounding = 0.0f;
    style.FrameRounding = 3.0f;
    style.FramePadding = ImVec2(6.0f, 4.0f);
    style.ItemSpacing = ImVec2(8.0f, 6.0f);
    style.ScaleAllSizes(scale);
    return true;
}

}  // namespace cl
