// Kernel Lab view, right side (see kernel_lab.h): the padded input with the kernel window (one
// tile per channel for a LeNet conv2 filter), the output map with its colour bar, the stack of
// all kernels' maps, the animation controls and one cell's arithmetic.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/ui.h"
#include "app/views/kernel_lab/kernel_lab.h"
#include "app/views/kernel_lab/kernel_lab_cells.h"
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

// Output colours: the diverging map over the map's display range.
std::array<uint8_t, 3> output_colour(float v, const ValueRange& range) {
    const float span = range.hi - range.lo;
    return colormap_rgb(Colormap::Diverging, span > 0 ? (v - range.lo) / span : 0.5f);
}

// Which part of the padded input is drawn: all of it, or (zoomed) a few cells around the window.
struct InputView {
    int r0 = 0, c0 = 0, rows = 0, cols = 0;
};
InputView input_view(int ph, int pw, int k, int wy, int wx, bool zoom) {
    if (!zoom) return {0, 0, ph, pw};
    const int n = std::max(k + 4, 8);
    InputView v;
    v.rows = std::min(ph, n);
    v.cols = std::min(pw, n);
    v.r0 = std::clamp(wy - (v.rows - k) / 2, 0, ph - v.rows);
    v.c0 = std::clamp(wx - (v.cols - k) / 2, 0, pw - v.cols);
    return v;
}
}  // namespace

void KernelLabView::draw_images(AppState& state, const TextureCache& textures, float height) {
    const KernelLabState& s = state.kernel_lab;
    const LabKernel& kl = s.kernel();
    const Tensor& in = lab_input(kl);
    shown_channel_ = std::clamp(shown_channel_, 0, in.shape().c - 1);
    const int pad = s.effective_pad(), k = kl.k;
    const int channels = in.shape().c, h = in.shape().h, w = in.shape().w;
    const int ph = h + 2 * pad, pw = w + 2 * pad;
    const bool ok = output_error_.empty();
    const int oh = ok ? output_.shape().h : 0, ow = ok ? output_.shape().w : 0, cells = oh * ow;
    cell_ = std::clamp(cell_, 0, std::max(0, cells - 1));
    const int oy = cells > 0 ? cell_ / ow : 0, ox = cells > 0 ? cell_ % ow : 0;

    const float top = ImGui::GetCursorPosY();
    draw_animation_controls(state);
    const float gap = ui_scaled(24);
    const float line = ImGui::GetTextLineHeightWithSpacing();
    // Below the images: the arithmetic (three lines of text, the k x k tables, the sum) and,
    // with several kernels, the strip of their maps; above them their titles, under the output
    // its colour bar.
    // The products table's cells as large as its width allows (up to 36 px a cell, so that
    // "-0.29" fits), its k rows taking at most a third of the height.
    const float table_w = ImGui::GetContentRegionAvail().x - 2 * ui_scaled(36);
    const float table_cell = std::min(table_w / float(3 * k), ui_scaled(36));
    // Text lines: the heading, the written-out sum (k*k terms, wrapped), the ReLU, the total.
    const float term_w = ImGui::CalcTextSize(
                             "(-0.000\xC3\x97"
                             "0.00) + ")
                             .x;
    const float text_lines =
        2 + float(channels > 1) + float(s.relu) +
        std::min(2.0f, std::ceil(float(k * k) * term_w /
                                 std::max(ImGui::GetContentRegionAvail().x, 1.0f)));
    const float arithmetic_h =
        text_lines * line + std::max(std::min(float(k) * table_cell, height / 3 - 4 * line),
                                     float(std::min(k, 5)) * ui_scaled(22));
    const bool stacked = s.kernels.size() > 1;
    const float stack_h = stacked ? ui_scaled(90) + line : 0.0f;
    const float used = ImGui::GetCursorPosY() - top;
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float tall = height - used - arithmetic_h - 4 * line;
    float box = std::max(ui_scaled(60), std::min((avail_w - gap) / 2.0f, tall - stack_h));
    // When the height limits the images (presenter mode), the maps of the stack go to the right
    // of the output instead of under it.
    const float side_box =
        std::max(ui_scaled(60), std::min((avail_w - 2 * gap - ui_scaled(80)) / 2.0f, tall));
    const bool stack_beside = stacked && side_box > box;
    if (stack_beside) box = side_box;

    // Input tiles: one per channel, 3 to a row when there are several.
    const InputView view = input_view(ph, pw, k, oy * s.stride, ox * s.stride, s.zoom_window);
    const int tiles_x = channels == 1 ? 1 : channels <= 4 ? 2 : 3;
    const int tiles_y = (channels + tiles_x - 1) / tiles_x;
    const float tile_gap = channels == 1 ? 0.0f : ui_scaled(8);
    // Several maps side by side are wider than tall: they may take more of the width.
    const float in_w_budget =
        channels > 1 && !stack_beside ? std::max(box, 0.6f * (avail_w - gap)) : box;
    const float s_in = std::max(
        1.0f,
        std::floor(std::min((in_w_budget - (tiles_x - 1) * tile_gap) / float(tiles_x * view.cols),
                            (box - (tiles_y - 1) * tile_gap) / float(tiles_y * view.rows))));
    const float in_w = std::max(box, tiles_x * view.cols * s_in + (tiles_x - 1) * tile_gap);
    box = std::min(box, avail_w - in_w - gap);  // what is left for the output
    const bool aligned = s.same_scale && !s.zoom_window && channels == 1;
    const float s_out =
        aligned ? s_in : std::max(1.0f, std::floor(box / float(std::max(1, std::max(oh, ow)))));

    const float left_x = ImGui::GetCursorPosX(), right_x = left_x + in_w + gap;
    char title[128];
    if (!uses_pool1(kl))
        std::snprintf(title, sizeof title, "Input %s%d\xC3\x97%d, zero padding %d%s",
                      channels == 3 ? "R G B " : "", h, w, pad, s.zoom_window ? " (zoomed)" : "");
    else
        std::snprintf(title, sizeof title, "LeNet pool1: %d maps %d\xC3\x97%d, padding %d",
                      channels, h, w, pad);
    if (ImGui::CalcTextSize(title).x > in_w + gap / 2)  // presenter mode: the short form
        std::snprintf(title, sizeof title, "%s%d\xC3\x97%d, pad %d", channels > 1 ? "pool1 " : "",
                      h, w, pad);
    ImGui::TextUnformatted(title);
    ImGui::SameLine(right_x);
    std::snprintf(title, sizeof title, "Output %d\xC3\x97%d%s (kernel %d)", oh, ow,
                  s.relu ? " after ReLU" : "", s.selected + 1);
    if (ImGui::CalcTextSize(title).x > ImGui::GetContentRegionAvail().x)
        std::snprintf(title, sizeof title, "Output %d\xC3\x97%d", oh, ow);
    ImGui::TextUnformatted(title);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    float in_max = 1.0f;  // grey scale of the input: 0..1 images, 0..max for pool1 maps
    for (int64_t i = 0; i < in.numel(); ++i) in_max = std::max(in_max, in[i]);
    const bool numbers = s.cell_values && s_in >= ImGui::CalcTextSize("0.0").x + ui_scaled(4);

    const ImVec2 area0 = ImGui::GetCursorScreenPos();
    const float tile_w = view.cols * s_in, tile_h = view.rows * s_in;
    for (int ch = 0; ch < channels; ++ch) {
        const ImVec2 t0(area0.x + (ch % tiles_x) * (tile_w + tile_gap),
                        area0.y + (ch / tiles_x) * (tile_h + tile_gap));
        dl->PushClipRect(t0, ImVec2(t0.x + tile_w, t0.y + tile_h), true);
        for (int vy = 0; vy < view.rows; ++vy)
            for (int vx = 0; vx < view.cols; ++vx) {
                const int iy = view.r0 + vy - pad, ix = view.c0 + vx - pad;
                const bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                const float v = inside ? in.at(0, ch, iy, ix) : 0.0f;
                auto colour = colormap_rgb(Colormap::Gray, std::clamp(v / in_max, 0.0f, 1.0f));
                if (channels == 3 && !uses_pool1(kl))  // each colour channel in its colour
                    for (int c = 0; c < 3; ++c)
                        if (c != ch) colour[size_t(c)] = 0;
                const ImVec2 a(t0.x + vx * s_in, t0.y + vy * s_in);
                dl->AddRectFilled(a, ImVec2(a.x + s_in, a.y + s_in),
                                  inside ? cell_rgb(colour) : k_padding_colour);
                if (numbers) cell_number(dl, a, s_in, v, !inside || cell_is_dark(colour));
            }
        grid_lines(dl, t0, s_in, view.rows, view.cols);
        const ImVec2 shifted(t0.x - view.c0 * s_in, t0.y - view.r0 * s_in);
        if (cells > 0) outline(dl, shifted, s_in, oy * s.stride, ox * s.stride, k, k_window_fill);
        if (picked_ >= 0 && picked_ < ph * pw) {
            const ImVec2 a(shifted.x + (picked_ % pw) * s_in, shifted.y + (picked_ / pw) * s_in);
            dl->AddRect(a, ImVec2(a.x + s_in, a.y + s_in), k_picked_colour, 0.0f, 0, ui_scaled(2));
        }
        if (channels > 1) {
            char label[32];
            if (channels == 3 && !uses_pool1(kl))
                std::snprintf(label, sizeof label, "%c (ch%d)", "RGB"[ch], ch);
            else
                std::snprintf(label, sizeof label, "ch%d", ch);
            dl->AddText(ImVec2(t0.x + ui_scaled(3), t0.y + ui_scaled(1)),
                        ch == shown_channel_ ? k_window_colour : IM_COL32(230, 230, 230, 255),
                        label);
        }
        dl->PopClipRect();
        int hy = 0, hx = 0;
        ImGui::SetCursorScreenPos(t0);
        ImGui::PushID(ch);
        ImGui::InvisibleButton("##hover", ImVec2(tile_w, tile_h));
        ImGui::PopID();
        if (hovered_cell(t0, s_in, view.rows, view.cols, &hy, &hx)) {
            const int py = view.r0 + hy, px = view.c0 + hx, iy = py - pad, ix = px - pad;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                ImGui::SetTooltip(
                    "input%s row %d, column %d\nvalue %.3f\nclick: the output "
                    "cells it feeds",
                    channels > 1 ? (" ch" + std::to_string(ch)).c_str() : "", iy, ix,
                    double(in.at(0, ch, iy, ix)));
            else
                ImGui::SetTooltip("zero padding: value 0");
            if (ImGui::IsItemClicked()) {
                picked_ = picked_ == py * pw + px ? -1 : py * pw + px;
                edit_channel_ = shown_channel_ = ch;
            }
        }
    }
    if (picked_ >= ph * pw) picked_ = -1;
    const float in_h = tiles_y * tile_h + (tiles_y - 1) * tile_gap;

    // Output map in blue-white-red, cells after the current one blank while animating.
    ImGui::SetCursorScreenPos(ImVec2(area0.x + right_x - left_x, area0.y));
    const ImVec2 out0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##output", ImVec2(std::max(1, ow) * s_out, std::max(1, oh) * s_out));
    const ValueRange range = display_range(output_, Colormap::Diverging);
    const ImU32 blank = ImGui::GetColorU32(ImGuiCol_FrameBg);
    const bool out_numbers = s.cell_values && s_out >= ImGui::CalcTextSize("-0.0").x + ui_scaled(4);
    for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
            const float v = output_.at(0, 0, y, x);
            const bool hidden = animating_ && y * ow + x > cell_;
            const auto colour = output_colour(v, range);
            const ImVec2 a(out0.x + x * s_out, out0.y + y * s_out);
            dl->AddRectFilled(a, ImVec2(a.x + s_out, a.y + s_out),
                              hidden ? blank : cell_rgb(colour));
            if (out_numbers && !hidden) cell_number(dl, a, s_out, v, cell_is_dark(colour));
        }
    grid_lines(dl, out0, s_out, oh, ow);
    if (cells > 0) outline(dl, out0, s_out, oy, ox, 1, 0);
    // The output cells whose window covers the picked input pixel (padded coordinates).
    if (picked_ >= 0)
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                const int dy = picked_ / pw - y * s.stride, dx = picked_ % pw - x * s.stride;
                if (dy < 0 || dy >= k || dx < 0 || dx >= k) continue;
                const ImVec2 a(out0.x + x * s_out, out0.y + y * s_out);
                dl->AddRect(a, ImVec2(a.x + s_out, a.y + s_out), k_picked_colour, 0.0f, 0,
                            ui_scaled(2));
            }
    int hy = 0, hx = 0;
    if (hovered_cell(out0, s_out, oh, ow, &hy, &hx)) {
        ImGui::SetTooltip("output row %d, column %d\nvalue %.3f\nclick: show its arithmetic", hy,
                          hx, double(output_.at(0, 0, hy, hx)));
        if (ImGui::IsItemClicked()) {
            cell_ = hy * ow + hx;
            cell_picked_ = true;
            playing_ = false;
        }
    }
    ImGui::SetCursorPosX(right_x);
    colormap_legend(textures, Colormap::Diverging, range, right_x + std::max(box, ow * s_out),
                    "blue: negative, white: 0, red: positive");
    const float out_h = std::max(1, oh) * s_out + 2 * line;
    float bottom = area0.y + std::max(in_h, out_h) + ui_scaled(4);
    if (stack_beside) {
        const float x = area0.x + right_x - left_x + std::max(box, ow * s_out) + gap;
        draw_output_stack(state, ImVec2(x, area0.y - line),
                          ImVec2(area0.x + avail_w - x, std::max(in_h, out_h) + line));
    } else if (stacked) {
        draw_output_stack(state, ImVec2(area0.x, bottom), ImVec2(avail_w, stack_h));
        bottom += stack_h + ui_scaled(4);
    }
    ImGui::SetCursorScreenPos(ImVec2(area0.x, bottom));
    ImGui::Separator();
    draw_arithmetic(state);
}

// Every kernel's output map in a grid filling `size` at `p0`, like the channels of one conv
// layer's output; a click selects the kernel.
void KernelLabView::draw_output_stack(AppState& state, ImVec2 p0, ImVec2 size) {
    KernelLabState& s = state.kernel_lab;
    const int n = int(s.kernels.size());
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float gap = ui_scaled(10);
    int cols = 1;
    float side = 0;
    for (int c = 1; c <= n; ++c) {  // the column count that gives the largest maps
        const int rows = (n + c - 1) / c;
        const float fit = std::min((size.x - gap * float(c - 1)) / float(c),
                                   (size.y - gap * float(rows - 1)) / float(rows) - line);
        if (fit > side) side = fit, cols = c;
    }
    if (side < 8) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (int i = 0; i < n; ++i) {
        const ImVec2 a(p0.x + float(i % cols) * (side + gap),
                       p0.y + float(i / cols) * (side + line + gap));
        char label[64];
        const std::string& name = s.kernels[size_t(i)].name;
        std::string shown_name = name.empty() ? "edited" : name;
        std::snprintf(label, sizeof label, "%d %s", i + 1, shown_name.c_str());
        // A name cut by the map's edge reads as a typo ("horizontal e"): shorten it with "...".
        while (ImGui::CalcTextSize(label).x > side && shown_name.size() > 1) {
            shown_name.pop_back();
            while (!shown_name.empty() && (shown_name.back() & 0xC0) == 0x80)
                shown_name.pop_back();  // never half a UTF-8 character
            std::snprintf(label, sizeof label, "%d %s\xE2\x80\xA6", i + 1, shown_name.c_str());
        }
        dl->PushClipRect(a, ImVec2(a.x + side, a.y + line), true);
        dl->AddText(a, i == s.selected ? k_window_colour : ImGui::GetColorU32(ImGuiCol_Text),
                    label);
        dl->PopClipRect();
        const ImVec2 m0(a.x, a.y + line);
        ImGui::SetCursorScreenPos(m0);
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("##map", ImVec2(side, side))) s.selected = i;
        ImGui::PopID();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("kernel %d %s (key %d)", i + 1,
                              name.empty() ? "edited" : name.c_str(), i + 1);
        const Tensor& out = outputs_[size_t(i)];
        if (!output_errors_[size_t(i)].empty() || out.numel() <= 1) {
            dl->AddRectFilled(m0, ImVec2(m0.x + side, m0.y + side),
                              ImGui::GetColorU32(ImGuiCol_FrameBg));
            continue;
        }
        const int oh = out.shape().h, ow = out.shape().w;
        const float c = side / float(std::max(oh, ow));
        const ValueRange range = display_range(out, Colormap::Diverging);
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                const ImVec2 q(m0.x + x * c, m0.y + y * c);
                dl->AddRectFilled(q, ImVec2(q.x + c + 0.5f, q.y + c + 0.5f),
                                  cell_rgb(output_colour(out.at(0, 0, y, x), range)));
            }
        if (i == s.selected)
            dl->AddRect(m0, ImVec2(m0.x + ow * c, m0.y + oh * c), k_window_colour, 0.0f, 0,
                        ui_scaled(2));
    }
}

void KernelLabView::toggle_play() {
    const int cells = output_error_.empty() ? int(output_.numel()) : 0;
    if (!playing_ && (!animating_ || cell_ >= cells - 1)) cell_ = 0;
    playing_ = !playing_;
    animating_ = true;
    cell_picked_ = true;
}

void KernelLabView::draw_animation_controls(AppState& state) {
    const int cells = output_error_.empty() ? int(output_.numel()) : 0;
    if (ImGui::Button("|<")) cell_ = 0, animating_ = true, playing_ = false, cell_picked_ = true;
    ImGui::SameLine();
    if (ImGui::Button("<")) step(state, Snapshot{}, -1);
    ImGui::SameLine();
    if (ImGui::Button(playing_ ? "Pause" : "Play", ui_scaled(70, 0))) toggle_play();
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
    if (!playing_) {
        play_clock_ = 0;
        return;
    }
    play_clock_ += double(ImGui::GetIO().DeltaTime) * speed_;
    while (play_clock_ >= 1.0) {
        play_clock_ -= 1.0;
        if (++cell_ >= cells - 1) {
            cell_ = std::max(0, cells - 1);
            playing_ = false;
            break;
        }
    }
    glfwPostEmptyEvent();  // keep frames coming while the window moves
}

}  // namespace cl
