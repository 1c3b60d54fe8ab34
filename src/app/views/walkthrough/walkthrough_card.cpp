// Walkthrough view (walkthrough.h): the current layer's card — its row of the table, the
// formulas with the numbers filled in, MACs and memory, the words on why it is there, and VGG's
// stacked-3x3 comparison.
#include <imgui.h>

#include <cstdio>

#include "app/ui.h"
#include "app/views/walkthrough/walkthrough.h"
#include "app/widgets/minimap.h"

namespace cl {

namespace {
const char* k_times = "\xC3\x97";
}  // namespace

std::string WalkthroughView::with_unit(int64_t value) {  // 105415200 -> "105.4 M"
    const char* units[] = {"", " K", " M", " G"};
    double v = double(value);
    int u = 0;
    while (v >= 1000.0 && u < 3) v /= 1000.0, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : "%.1f%s", v, units[u]);
    return buf;
}

namespace {
// "55·55·11·11·3·96 = 105,415,200" for a convolution whose MACs it reproduces, else "".
std::string mac_formula(const Graph& graph, int node, const LayerSummary& l) {
    const Node& n = graph.node(node);
    if (n.op->kind() == OpKind::Conv2d) {
        for (const NamedParam& p : n.op->read_params()) {
            if (p.name != "weight") continue;
            const Shape& w = p.value->shape();  // [Cout, Cin/groups, K, K]
            const int64_t v = int64_t(l.output.h) * l.output.w * w.h * w.w * w.c * w.n;
            if (v != l.macs) return "";
            return std::to_string(l.output.h) + "·" + std::to_string(l.output.w) + "·" +
                   std::to_string(w.h) + "·" + std::to_string(w.w) + "·" + std::to_string(w.c) +
                   "·" + std::to_string(w.n) + " = " + format_thousands(v);
        }
    }
    if (n.op->kind() == OpKind::Linear) {
        const int64_t v = int64_t(l.in_channels) * l.out_channels;
        if (v != l.macs) return "";
        return std::to_string(l.in_channels) + "·" + std::to_string(l.out_channels) + " = " +
               format_thousands(v);
    }
    return "";
}

// In a 4-column (paired) table two rows share a line: TableNextColumn wraps to the next one.
void card_row(const char* label, const std::string& value, bool paired) {
    if (!paired) ImGui::TableNextRow();
    ImGui::TableNextColumn();
    text_dim(label);
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", value.c_str());  // a narrow card wraps "(… weights + … bias)"
}

void formula(const char* label, const std::string& text, bool compact) {
    if (text.empty()) return;
    text_dim(label);
    if (compact) {  // label and formula on one line: a short window needs the lines
        ImGui::SameLine();
        ImGui::TextWrapped("%s", WalkthroughView::on_screen(text).c_str());
        return;
    }
    ImGui::Indent(ui_scaled(12));
    ImGui::TextWrapped("%s", WalkthroughView::on_screen(text).c_str());
    ImGui::Unindent(ui_scaled(12));
}
// At the output layer: what the network answers for this input, when its classes are known.
void draw_prediction(const Snapshot& snapshot, int node) {
    const Graph& graph = *snapshot.graph;
    const Tensor& out = snapshot.activations.outputs[size_t(node)];
    const int classes = out.shape().c;
    if (node != graph.output_index() || out.shape().h != 1 || out.shape().w != 1 ||
        classes != int(snapshot.class_names.size()))
        return;
    int best = 0;
    for (int k = 1; k < classes; ++k)
        if (out[k] > out[best]) best = k;
    const bool softmax = graph.node(node).op->kind() == OpKind::Softmax;
    char text[200];
    std::snprintf(text, sizeof text,
                  softmax ? "Answer: %s  (p = %.2f)" : "Answer: %s  (score %.3g)",
                  snapshot.class_names[size_t(best)].c_str(), double(out[best]));
    ImGui::TextUnformatted(text);
}
}  // namespace

std::string WalkthroughView::on_screen(const std::string& text) {
    // The formulas use ⌊ ⌋ ⌈ ⌉ and the minus sign; a font without them gets ASCII instead of '?'.
    const ImFont* font = ImGui::GetFont();
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        unsigned cp = len == 1 ? c : c & (0xFF >> (len + 1));
        for (size_t k = 1; k < len && i + k < text.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        const bool missing =
            cp > 0xFF && font && cp <= 0xFFFF && font->FindGlyphNoFallback(ImWchar(cp)) == nullptr;
        if (!missing)
            out.append(text, i, len);
        else if (cp == 0x2212)
            out += '-';
        else if (cp == 0x230A)
            out += "floor(";
        else if (cp == 0x2308)
            out += "ceil(";
        else if (cp == 0x230B || cp == 0x2309)
            out += ')';
        else if (cp == 0x2192)
            out += "->";
        else
            out += '?';
        i += len;
    }
    return out;
}

void WalkthroughView::draw_card(AppState& state, const Snapshot& snapshot, int node) {
    const Graph& graph = *info_.graph;
    const LayerSummary& l = info_.summary.layers[size_t(node)];
    const OpKind kind = graph.node(node).op->kind();

    // Name with a swatch in the mini-map's colour for its kind of layer.
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + h * 0.6f, p.y + h),
                                              layer_colour(kind), ui_scaled(2));
    ImGui::Dummy(ImVec2(h * 0.6f, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(l.name.c_str());
    ImGui::SameLine();
    // A short window: the op only (the swatch's colour says the family), to leave room.
    text_dim(compact_ ? l.op.c_str() : (l.op + "  \xC2\xB7  " + layer_family(kind)).c_str());
    const bool random_kernels = info_.untrained && kind == OpKind::Conv2d;
    if (compact_ && random_kernels) {  // the long warning below becomes a tag
        const char* tag = "random weights";
        const float right = ImGui::GetItemRectMax().x + ui_scaled(14) + ImGui::CalcTextSize(tag).x;
        if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
            ImGui::SameLine(0, ui_scaled(14));
        ImGui::TextColored(ImVec4(0.95f, 0.55f, 0.1f, 1.0f), "%s", tag);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "%s has random (He-initialised) weights: its kernels are noise, "
                "its shapes and counts exact.\nOpen a torchvision ONNX model "
                "(docs/onnx.md) for learned kernels.",
                info_.model.c_str());
    }

    const bool spatial = l.kernel > 0;
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;
    // Paired only where two label-value pairs fit side by side (not in the narrower card of a
    // module step).
    const bool paired = compact_ && ImGui::GetContentRegionAvail().x >= ui_scaled(400);
    if (ImGui::BeginTable("row", paired ? 4 : 2, flags)) {
        for (int pair = 0; pair < (paired ? 2 : 1); ++pair) {
            ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        }
        const bool brief = compact_;  // short values: the formulas below spell them out
        auto row = [paired](const char* label, const std::string& value) {
            card_row(label, value, paired);
        };
        auto hwc = [](const Shape& s) {
            return std::to_string(s.h) + k_times + std::to_string(s.w) + k_times +
                   std::to_string(s.c);
        };
        row("input H\xC3\x97W\xC3\x97"
            "C",
            hwc(l.input));
        row("output H\xC3\x97W\xC3\x97"
            "C",
            hwc(l.output));
        const std::string kernel =
            spatial ? std::to_string(l.kernel) + k_times + std::to_string(l.kernel) : "-";
        const std::string stride_pad =
            spatial ? std::to_string(l.stride) + ", " + std::to_string(l.pad) : "-";
        if (brief && !paired) {
            row("kernel, stride, pad", spatial ? kernel + ", " + stride_pad : "-");
        } else {
            row("kernel", kernel);
            row("stride, pad", stride_pad);
        }
        row("in \xE2\x86\x92 out",
            std::to_string(l.in_channels) + " \xE2\x86\x92 " + std::to_string(l.out_channels));
        row("# params", l.params == 0 ? "0"
                        : brief       ? format_thousands(l.params)
                                      : format_thousands(l.params) + "  (" +
                                      format_thousands(l.weight_params) + " weights + " +
                                      format_thousands(l.bias_params) + " bias)");
        row("MACs", l.macs == 0     ? "0"
                    : brief         ? with_unit(l.macs)
                    : l.macs < 1000 ? format_thousands(l.macs)
                                    : format_thousands(l.macs) + "  (" + with_unit(l.macs) + ")");
        row(brief ? "memory" : "activation memory",
            format_bytes(l.activation_bytes) + (brief ? "" : " (float32)"));
        ImGui::EndTable();
    }
    formula("Output size", l.output_formula, compact_);
    formula("Parameters", l.param_formula, compact_);
    formula("MACs", mac_formula(graph, node, l), compact_);
    draw_prediction(snapshot, node);
    ImGui::Separator();
    ImGui::TextWrapped("%s", on_screen(note(node)).c_str());
    draw_stack_comparison(node);
    if (random_kernels && !compact_) {
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.6f, 0.2f, 1.0f));
        ImGui::TextWrapped(
            "Untrained network: %s has random (He-initialised) weights, so these "
            "kernels are noise; shapes and counts are exact. Open a torchvision "
            "ONNX model (docs/onnx.md) for learned kernels.",
            info_.model.c_str());
        ImGui::PopStyleColor();
    }
    (void)state;
}

void WalkthroughView::draw_stack_comparison(int node) {
    const StackedConvs s = stacked_3x3(*info_.graph, node);
    if (s.convs < 2) return;
    ImGui::Spacing();
    const std::string r = std::to_string(s.receptive);
    char title[160];
    std::snprintf(title, sizeof title,
                  "%d stacked 3\xC3\x97"
                  "3 convolutions see %s\xC3\x97%s, "
                  "like one %s\xC3\x97%s:",
                  s.convs, r.c_str(), r.c_str(), r.c_str(), r.c_str());
    ImGui::TextWrapped("%s", title);
    const int saved = int(100.0 - 100.0 * double(s.stacked_params) / double(s.single_params) + 0.5);
    if (compact_) {  // a short window: the formulas carry the numbers, no table
        ImGui::TextWrapped("%s",
                           on_screen(s.stacked_formula + "   vs   " + s.single_formula).c_str());
        const int fewer_macs =
            int(100.0 - 100.0 * double(s.stacked_macs) / double(s.single_macs) + 0.5);
        if (fewer_macs == saved)
            ImGui::TextWrapped("%d%% fewer parameters and MACs; %d ReLUs, not one.", saved,
                               s.convs);
        else
            ImGui::TextWrapped("%d%% fewer parameters, %d%% fewer MACs; %d ReLUs, not one.", saved,
                               fewer_macs, s.convs);
        return;
    }
    if (ImGui::BeginTable("stack", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Borders)) {
        ImGui::TableSetupColumn("");
        ImGui::TableSetupColumn("params");
        ImGui::TableSetupColumn("MACs");
        ImGui::TableHeadersRow();
        const std::string stacked = std::to_string(s.convs) +
                                    "\xC3\x97 3\xC3\x97"
                                    "3";
        const std::string single = "1\xC3\x97 " + r + "\xC3\x97" + r;
        auto line = [](const std::string& what, int64_t params, int64_t macs) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(what.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(format_thousands(params).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(format_thousands(macs).c_str());
        };
        line(stacked, s.stacked_params, s.stacked_macs);
        line(single, s.single_params, s.single_macs);
        ImGui::EndTable();
    }
    text_dim(on_screen(s.stacked_formula + "   vs   " + s.single_formula).c_str());
    ImGui::Text("%d%% fewer parameters, and %d ReLUs instead of one.", saved, s.convs);
}

}  // namespace cl
