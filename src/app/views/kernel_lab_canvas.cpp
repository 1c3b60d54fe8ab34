// Kernel Lab view, right side (see kernel_lab.h): the padded input with the kernel window, the
// output map with its colour bar, the animation controls and one cell's arithmetic.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/ui.h"
#include "app/views/kernel_lab.h"
#include "app/widgets/colormap_legend.h"
#include "engine/colormap.h"
#include "engine/kernel_lab.h"
#include "engine/render.h"

namespace cl {

namespace {
const ImU32 k_window_colour = IM_COL32(255, 140, 0, 255);
const ImU32 k_window_fill = IM_COL32(255, 140, 0, 45);
const ImU32 k_padding_colour = IM_COL32(40, 55, 95, 255);
const ImU32 k_picked_colour = IM_COL32(40, 200, 90, 255);  // an input pixel and its outputs

ImU32 rgb(const std::array<uint8_t, 3>& c) {
    return IM_COL32(c[0], c[1], c[2], 255);
}

// The cell under the mouse of a rows x cols grid at `origin` with cells `s` wide; false if none.
bool hovered_cell(ImVec2 origin, float s, int rows, int cols, int* row, int* col) {
    if (!ImGui::IsItemHovered()) return false;
    const ImVec2 m = ImGui::GetIO().MousePos;
    *col = int(std::floor((m.x - origin.x) / s));
    *row = int(std::floor((m.y - origin.y) / s));
    return *row >= 0 && *row < rows && *col >= 0 && *col < cols;
}

void outline(ImDrawList* dl, ImVec2 origin, float s, int row, int col, int size, ImU32 fill) {
    const ImVec2 a(origin.x + col * s, origin.y + row * s);
    const ImVec2 b(a.x + size * s, a.y + size * s);
    if (fill) dl->AddRectFilled(a, b, fill);
    dl->AddRect(a, b, k_window_colour, 0.0f, 0, std::max(2.0f, ui_scaled(3)));
}

void grid_lines(ImDrawList* dl, ImVec2 origin, float s, int rows, int cols) {
    if (s < 8) return;
    const ImU32 c = IM_COL32(128, 128, 128, 50);
    for (int y = 0; y <= rows; ++y)
        dl->AddLine(ImVec2(origin.x, origin.y + y * s),
                    ImVec2(origin.x + cols * s, origin.y + y * s), c);
    for (int x = 0; x <= cols; ++x)
        dl->AddLine(ImVec2(origin.x + x * s, origin.y),
                    ImVec2(origin.x + x * s, origin.y + rows * s), c);
}
}  // namespace

void KernelLabView::draw_images(AppState& state, const TextureCache& textures, float height) {
    const KernelLabState& s = state.kernel_lab;
    const int pad = s.effective_pad();
    const int h = input_.shape().h, w = input_.shape().w;
    const int ph = h + 2 * pad, pw = w + 2 * pad;
    const int oh = output_.shape().h, ow = output_.shape().w, cells = oh * ow;
    cell_ = std::clamp(cell_, 0, std::max(0, cells - 1));

    draw_animation_controls(state);
    const float gap = ui_scaled(24);
    const float arithmetic_h = ui_scaled(190);
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float box =
        std::max(ui_scaled(60), std::min((avail_w - gap) / 2.0f, height - arithmetic_h - 5 * line));
    const float s_in = std::max(1.0f, std::floor(box / float(std::max(ph, pw))));
    const float s_out =
        s.same_scale ? s_in : std::max(1.0f, std::floor(box / float(std::max(oh, ow))));

    const float left_x = ImGui::GetCursorPosX(), right_x = left_x + box + gap;
    char title[96];
    std::snprintf(title, sizeof title, "Input %d\xC3\x97%d, zero padding %d", h, w, pad);
    ImGui::TextUnformatted(title);
    ImGui::SameLine(right_x);
    std::snprintf(title, sizeof title, "Output %d\xC3\x97%d%s", oh, ow,
                  s.relu ? " after ReLU" : "");
    ImGui::TextUnformatted(title);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int oy = cells > 0 ? cell_ / ow : 0, ox = cells > 0 ? cell_ % ow : 0;

    // Input, with the padding ring and the kernel window.
    const ImVec2 in0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##input", ImVec2(pw * s_in, ph * s_in));
    for (int y = 0; y < ph; ++y)
        for (int x = 0; x < pw; ++x) {
            const int iy = y - pad, ix = x - pad;
            const bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            const float v = inside ? std::clamp(input_.at(0, 0, iy, ix), 0.0f, 1.0f) : 0.0f;
            const ImVec2 a(in0.x + x * s_in, in0.y + y * s_in);
            dl->AddRectFilled(a, ImVec2(a.x + s_in, a.y + s_in),
                              inside ? rgb(colormap_rgb(Colormap::Gray, v)) : k_padding_colour);
        }
    grid_lines(dl, in0, s_in, ph, pw);
    if (cells > 0) outline(dl, in0, s_in, oy * s.stride, ox * s.stride, s.k, k_window_fill);
    int hy = 0, hx = 0;
    if (hovered_cell(in0, s_in, ph, pw, &hy, &hx)) {
        const int iy = hy - pad, ix = hx - pad;
        if (iy >= 0 && iy < h && ix >= 0 && ix < w)
            ImGui::SetTooltip(
                "input row %d, column %d\nvalue %.3f\nclick: the output cells it "
                "feeds",
                iy, ix, double(input_.at(0, 0, iy, ix)));
        else
            ImGui::SetTooltip("zero padding: value 0");
        if (ImGui::IsItemClicked()) picked_ = picked_ == hy * pw + hx ? -1 : hy * pw + hx;
    }
    if (picked_ >= ph * pw) picked_ = -1;
    if (picked_ >= 0) {
        const ImVec2 a(in0.x + (picked_ % pw) * s_in, in0.y + (picked_ / pw) * s_in);
        dl->AddRect(a, ImVec2(a.x + s_in, a.y + s_in), k_picked_colour, 0.0f, 0, ui_scaled(2));
    }

    // Output map in blue-white-red, cells after the current one blank while animating.
    ImGui::SameLine(right_x);
    const ImVec2 out0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##output", ImVec2(std::max(1, ow) * s_out, std::max(1, oh) * s_out));
    const ValueRange range = display_range(output_, Colormap::Diverging);
    const float span = range.hi - range.lo;
    const ImU32 blank = ImGui::GetColorU32(ImGuiCol_FrameBg);
    for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
            const float v = output_.at(0, 0, y, x);
            const float t = span > 0 ? (v - range.lo) / span : 0.5f;
            const bool hidden = animating_ && y * ow + x > cell_;
            const ImVec2 a(out0.x + x * s_out, out0.y + y * s_out);
            dl->AddRectFilled(a, ImVec2(a.x + s_out, a.y + s_out),
                              hidden ? blank : rgb(colormap_rgb(Colormap::Diverging, t)));
        }
    grid_lines(dl, out0, s_out, oh, ow);
    if (cells > 0) outline(dl, out0, s_out, oy, ox, 1, 0);
    // The output cells whose window covers the picked input pixel (padded coordinates).
    if (picked_ >= 0)
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                const int dy = picked_ / pw - y * s.stride, dx = picked_ % pw - x * s.stride;
                if (dy < 0 || dy >= s.k || dx < 0 || dx >= s.k) continue;
                const ImVec2 a(out0.x + x * s_out, out0.y + y * s_out);
                dl->AddRect(a, ImVec2(a.x + s_out, a.y + s_out), k_picked_colour, 0.0f, 0,
                            ui_scaled(2));
            }
    if (hovered_cell(out0, s_out, oh, ow, &hy, &hx)) {
        ImGui::SetTooltip("output row %d, column %d\nvalue %.3f\nclick: show its arithmetic", hy,
                          hx, double(output_.at(0, 0, hy, hx)));
        if (ImGui::IsItemClicked()) {
            cell_ = hy * ow + hx;
            playing_ = false;
        }
    }
    ImGui::SetCursorPosX(right_x);
    colormap_legend(textures, Colormap::Diverging, range, right_x + std::max(box, ow * s_out),
                    "blue: negative, white: 0, red: positive");
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() +
                         std::max(0.0f, ph * s_in - std::max(1, oh) * s_out - line));
    ImGui::Separator();
    draw_arithmetic(state);
}

void KernelLabView::draw_animation_controls(AppState& state) {
    const KernelLabState& s = state.kernel_lab;
    const int cells = output_.shape().h * output_.shape().w;
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) {
        if (!playing_ && (!animating_ || cell_ >= cells - 1)) cell_ = 0;
        playing_ = !playing_;
        animating_ = true;
    }
    if (ImGui::Button("|<")) cell_ = 0, animating_ = true, playing_ = false;
    ImGui::SameLine();
    if (ImGui::Button("<")) step(state, Snapshot{}, -1);
    ImGui::SameLine();
    if (ImGui::Button(playing_ ? "Pause" : "Play", ui_scaled(70, 0))) {
        if (!playing_ && (!animating_ || cell_ >= cells - 1)) cell_ = 0;
        playing_ = !playing_;
        animating_ = true;
    }
    ImGui::SameLine();
    if (ImGui::Button(">")) step(state, Snapshot{}, 1);
    ImGui::SameLine();
    if (ImGui::Button("Show all")) animating_ = playing_ = false;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ui_scaled(170));
    ImGui::SliderFloat("##speed", &speed_, 1.0f, 100.0f, "%.0f cells/s",
                       ImGuiSliderFlags_Logarithmic);
    const int ow = std::max(1, output_.shape().w);
    char where[96];
    std::snprintf(where, sizeof where, "cell %d of %d (row %d, column %d)", cell_ + 1, cells,
                  cell_ / ow, cell_ % ow);
    same_line_if_fits(ImGui::CalcTextSize(where).x);
    ImGui::TextUnformatted(where);
    (void)s;
    if (!playing_) {
        play_clock_ = 0;
        return;
    }
    play_clock_ += double(io.DeltaTime) * speed_;
    while (play_clock_ >= 1.0) {
        play_clock_ -= 1.0;
        if (++cell_ >= cells - 1) {
            cell_ = cells - 1;
            playing_ = false;
            break;
        }
    }
    glfwPostEmptyEvent();  // keep frames coming while the window moves
}

void KernelLabView::draw_arithmetic(const AppState& state) {
    const KernelLabState& s = state.kernel_lab;
    const int ow = output_.shape().w;
    if (ow <= 0 || !output_error_.empty()) return;
    const int oy = cell_ / ow, ox = cell_ % ow;
    const CellArithmetic c =
        cell_arithmetic(input_, s.kernel, s.k, s.stride, s.effective_pad(), s.bias, oy, ox);
    ImGui::TextWrapped(
        "Output row %d, column %d: the %d\xC3\x97%d window at padded row %d, "
        "column %d. Each weight \xC3\x97 the pixel under it, summed%s:",
        oy, ox, s.k, s.k, c.row, c.col, s.bias != 0.0f ? ", plus the bias" : "");
    ImGui::BeginChild("arithmetic", ImVec2(0, 0), false);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(c.text.c_str());
    if (s.relu)
        ImGui::Text("ReLU: max(0, %.2f) = %.2f", double(c.value), double(std::max(0.0f, c.value)));
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    draw_products_table(c, s.kernel, s.k);
    ImGui::EndChild();
}

// patch (x) kernel = products, as three k x k tables of numbers large enough for a projector.
void KernelLabView::draw_products_table(const CellArithmetic& c, const std::vector<float>& kernel,
                                        int k) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sign_w = ui_scaled(36);
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float cs =
        std::clamp(std::min((avail.y - line) / float(k), (avail.x - 2 * sign_w) / float(3 * k)),
                   ui_scaled(16), ui_scaled(52));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    float max_abs = 1e-6f;
    for (float v : c.products) max_abs = std::max(max_abs, std::fabs(v));
    for (float v : kernel) max_abs = std::max(max_abs, std::fabs(v));
    const ImU32 border = ImGui::GetColorU32(ImGuiCol_Border);
    auto table = [&](const std::vector<float>& values, bool grey) {
        for (int i = 0; i < k * k; ++i) {
            const float v = values[size_t(i)] + 0.0f;  // -0 (from -1 x 0) shows as 0.00
            const ImVec2 a(p.x + (i % k) * cs, p.y + (i / k) * cs);
            const auto col = grey ? colormap_rgb(Colormap::Gray, std::clamp(v, 0.0f, 1.0f))
                                  : colormap_rgb(Colormap::Diverging, 0.5f + 0.5f * v / max_abs);
            dl->AddRectFilled(a, ImVec2(a.x + cs, a.y + cs), rgb(col));
            dl->AddRect(a, ImVec2(a.x + cs, a.y + cs), border);
            char text[16];
            std::snprintf(text, sizeof text, "%.2f", double(v));
            ImVec2 size = ImGui::CalcTextSize(text);
            if (size.x > cs - ui_scaled(3)) {  // fewer decimals before no numbers at all
                std::snprintf(text, sizeof text, "%.1f", double(v));
                size = ImGui::CalcTextSize(text);
            }
            if (size.x > cs - ui_scaled(3)) continue;
            const bool dark = col[0] * 2 + col[1] * 7 + col[2] < 1200;
            dl->AddText(ImVec2(a.x + (cs - size.x) / 2, a.y + (cs - size.y) / 2),
                        dark ? IM_COL32(255, 255, 255, 255) : IM_COL32(0, 0, 0, 255), text);
        }
        p.x += k * cs;
    };
    auto sign = [&](const char* text) {
        const ImVec2 size = ImGui::CalcTextSize(text);
        dl->AddText(ImVec2(p.x + (sign_w - size.x) / 2, p.y + (k * cs - size.y) / 2),
                    ImGui::GetColorU32(ImGuiCol_Text), text);
        p.x += sign_w;
    };
    table(c.patch, true);
    sign("\xC3\x97");
    table(kernel, false);
    sign("=");
    table(c.products, false);
    ImGui::Dummy(ImVec2(avail.x, k * cs));
    ImGui::Text("sum of the products %.2f  + bias %.2f  = %.2f", double(c.sum), double(c.bias),
                double(c.value));
}

}  // namespace cl
