// The Kernel Lab's arithmetic of one output cell: the written-out sum, the patch x kernel =
// products tables, the partial sums of several channels; and the numbers written into cells.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/ui.h"
#include "app/views/kernel_lab/kernel_lab.h"
#include "app/views/kernel_lab/kernel_lab_cells.h"
#include "engine/colormap.h"
#include "engine/kernel_lab.h"

namespace cl {

namespace {
// The written-out sum, shortened to its first terms and its end when it would take more than
// two lines: the tables under it show every product, and six lines of numbers (a 5x5 kernel
// in presenter mode) pushed them off the screen.
std::string short_sum(const std::string& text, int products) {
    const float width = ImGui::GetContentRegionAvail().x;
    if (ImGui::CalcTextSize(text.c_str(), nullptr, false, width).y <=
        2 * ImGui::GetTextLineHeight() + 1)
        return text;
    std::vector<std::string> terms;
    for (size_t at = 0;;) {
        const size_t next = text.find(" + ", at);
        terms.push_back(text.substr(at, next == std::string::npos ? next : next - at));
        if (next == std::string::npos) break;
        at = next + 3;
    }
    if (terms.size() < 6) return text;
    const std::string middle = " + \xE2\x80\xA6 (" + std::to_string(products) +
                               " products, all in the tables below) \xE2\x80\xA6 + ";
    return terms[0] + " + " + terms[1] + middle + terms[terms.size() - 2] + " + " + terms.back();
}
}  // namespace

// A value as a cell shows it: "%.2f" or "%.1f", never "-0.00".
std::string cell_text(float v, const char* format) {
    char text[16];
    std::snprintf(text, sizeof text, format, double(v));
    const bool zero = std::string(text).find_first_of("123456789") == std::string::npos;
    if (zero && text[0] == '-') std::snprintf(text, sizeof text, format, 0.0);
    return text;
}

// A value centred in a cell when it fits ("0.53", else "0.5"); nothing when it does not.
// With `font_size` (a table's common size) in "%.1f" at that size.
void cell_number(ImDrawList* dl, ImVec2 a, float s, float v, bool dark, float font_size) {
    std::string text = cell_text(v, "%.2f");
    ImVec2 size = ImGui::CalcTextSize(text.c_str());
    if (size.x > s - ui_scaled(3) || font_size > 0) {
        text = cell_text(v, "%.1f");
        size = ImGui::CalcTextSize(text.c_str());
    }
    if (font_size > 0) {
        size = ImVec2(size.x * font_size / ImGui::GetFontSize(),
                      size.y * font_size / ImGui::GetFontSize());
    } else {
        font_size = ImGui::GetFontSize();
    }
    if (size.x > s - ui_scaled(2) || size.y > s) return;
    dl->AddText(ImGui::GetFont(), font_size, ImVec2(a.x + (s - size.x) / 2, a.y + (s - size.y) / 2),
                dark ? IM_COL32(255, 255, 255, 255) : IM_COL32(0, 0, 0, 255), text.c_str());
}

// A sum for printing with %.2f: tiny negative values would read "-0.00".
double shown(float v) {
    return std::fabs(v) < 0.005f ? 0.0 : double(v);
}

void KernelLabView::draw_arithmetic(const AppState& state) {
    const KernelLabState& s = state.kernel_lab;
    const LabKernel& kl = s.kernel();
    const Tensor& in = lab_input(kl);
    const int ow = output_.shape().w;
    if (ow <= 0 || !output_error_.empty()) return;
    const int oy = cell_ / ow, ox = cell_ % ow, k = kl.k, channels = in.shape().c;
    const std::vector<float> values = lab_values(kl);
    const CellArithmetic c =
        cell_arithmetic(in, values, k, s.stride, s.effective_pad(), kl.bias, oy, ox);
    if (channels == 1)
        ImGui::TextWrapped(
            "Output row %d, column %d: the %d\xC3\x97%d window at padded row %d, "
            "column %d. Each weight \xC3\x97 the pixel under it, summed%s:",
            oy, ox, k, k, c.row, c.col, kl.bias != 0.0f ? ", plus the bias" : "");
    else {
        char text[256];
        std::snprintf(text, sizeof text,
                      "Output row %d, column %d: one %d\xC3\x97%d window on each of the %d "
                      "maps; each map's products give a partial sum, and the partial sums "
                      "plus the bias give the output:",
                      oy, ox, k, k, channels);
        // Three lines in presenter mode: the short form leaves the line to the tables.
        if (ImGui::CalcTextSize(text, nullptr, false, ImGui::GetContentRegionAvail().x).y >
            2 * ImGui::GetTextLineHeight() + 1)
            std::snprintf(text, sizeof text,
                          "Output row %d, column %d: one %d\xC3\x97%d window on each of the %d "
                          "maps; their partial sums plus the bias:",
                          oy, ox, k, k, channels);
        ImGui::TextWrapped("%s", text);
    }
    ImGui::BeginChild("arithmetic", ImVec2(0, 0), false);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted((channels == 1 ? short_sum(c.text, k * k) : c.text).c_str());
    if (s.relu)
        ImGui::Text("ReLU: max(0, %.2f) = %.2f", shown(c.value), shown(std::max(0.0f, c.value)));
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    if (channels == 1) {
        draw_products_table(c, values, k);
        ImGui::Text("sum of the products %.2f  + bias %.2f  = %.2f", shown(c.sum), shown(c.bias),
                    shown(c.value));
    } else {
        const int ch = shown_channel_;
        const size_t from = size_t(ch * k * k), to = from + size_t(k * k);
        CellArithmetic one;
        one.patch.assign(c.patch.begin() + long(from), c.patch.begin() + long(to));
        one.products.assign(c.products.begin() + long(from), c.products.begin() + long(to));
        const std::vector<float> weights(values.begin() + long(from), values.begin() + long(to));
        draw_products_table(one, weights, k);
        ImGui::Text("channel %d: sum of the products %.2f (click a map for another channel)", ch,
                    shown(c.channel_sums[size_t(ch)]));
    }
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
    float max_abs = 1e-6f, patch_max = 1.0f;
    for (float v : c.products) max_abs = std::max(max_abs, std::fabs(v));
    for (float v : kernel) max_abs = std::max(max_abs, std::fabs(v));
    for (float v : c.patch) patch_max = std::max(patch_max, v);
    const ImU32 border = ImGui::GetColorU32(ImGuiCol_Border);
    // One font size for the three tables, small enough for the widest number ("-0.3"): a
    // negative weight left blank, or written smaller than its neighbours, misleads.
    float widest = 1.0f;
    for (const std::vector<float>* values : {&c.patch, &kernel, &c.products})
        for (float v : *values)
            widest = std::max(widest, ImGui::CalcTextSize(cell_text(v, "%.2f").c_str()).x);
    float font_size = ImGui::GetFontSize();
    bool two_decimals = widest <= cs - ui_scaled(3);
    if (!two_decimals) {
        widest = 1.0f;
        for (const std::vector<float>* values : {&c.patch, &kernel, &c.products})
            for (float v : *values)
                widest = std::max(widest, ImGui::CalcTextSize(cell_text(v, "%.1f").c_str()).x);
        font_size = std::floor(font_size * std::min(1.0f, (cs - ui_scaled(3)) / widest));
    }
    const bool numbers = font_size >= 0.5f * ImGui::GetFontSize();
    auto table = [&](const std::vector<float>& values, bool grey) {
        for (int i = 0; i < k * k; ++i) {
            const float v = values[size_t(i)] + 0.0f;  // -0 (from -1 x 0) shows as 0.00
            const ImVec2 a(p.x + (i % k) * cs, p.y + (i / k) * cs);
            const auto col =
                grey ? colormap_rgb(Colormap::Gray, std::clamp(v / patch_max, 0.0f, 1.0f))
                     : colormap_rgb(Colormap::Diverging, 0.5f + 0.5f * v / max_abs);
            dl->AddRectFilled(a, ImVec2(a.x + cs, a.y + cs), cell_rgb(col));
            dl->AddRect(a, ImVec2(a.x + cs, a.y + cs), border);
            if (numbers) cell_number(dl, a, cs, v, cell_is_dark(col), two_decimals ? 0 : font_size);
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
}

}  // namespace cl
