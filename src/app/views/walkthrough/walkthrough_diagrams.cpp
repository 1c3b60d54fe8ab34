// Walkthrough view (walkthrough.h): the inception module (four branches, their outputs, the depth
// concat; naive vs 1x1-reduced) and the residual block (x, F(x), F(x) + x; projection shortcut)
// drawn from the graph's structure, so an imported network gets the same pictures.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/ui.h"
#include "app/views/walkthrough/walkthrough.h"
#include "app/widgets/feature_grid.h"
#include "app/widgets/minimap.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
const char* k_times = "\xC3\x97";

bool drawn_in_diagram(OpKind k) {  // the boxes of a branch: what changes the maps' shape or sum
    return k == OpKind::Conv2d || k == OpKind::MaxPool2d || k == OpKind::AvgPool2d ||
           k == OpKind::BatchNorm2d || k == OpKind::Relu || k == OpKind::ShortcutPad ||
           k == OpKind::Linear;
}

std::string box_label(const Node& n) {
    const LayerGeometry g = n.op->geometry();
    const std::string k = std::to_string(g.kernel) + k_times + std::to_string(g.kernel);
    const std::string s = g.stride > 1 ? " /" + std::to_string(g.stride) : "";
    switch (n.op->kind()) {
        case OpKind::Conv2d:
            return k + " conv" + s;
        case OpKind::MaxPool2d:
            return k + " max pool" + s;
        case OpKind::AvgPool2d:
            return k + " avg pool" + s;
        case OpKind::BatchNorm2d:
            return "BN";
        case OpKind::Relu:
            return "ReLU";
        case OpKind::ShortcutPad:
            return "pad" + s;
        default:
            return op_kind_name(n.op->kind());
    }
}

std::string chw(const Shape& s) {
    return std::to_string(s.c) + k_times + std::to_string(s.h) + k_times + std::to_string(s.w);
}

// A rounded box with one or two centred lines; the current layer's box is outlined thickly.
void box(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 colour, const std::string& line1,
         const std::string& line2, bool current) {
    dl->AddRectFilled(a, b, (colour & 0x00FFFFFF) | 0x60000000, ui_scaled(4));
    dl->AddRect(a, b, current ? ImGui::GetColorU32(ImGuiCol_Text) : colour, ui_scaled(4), 0,
                current ? ui_scaled(3) : ui_scaled(1));
    const float lh = ImGui::GetTextLineHeight();
    const float cy = 0.5f * (a.y + b.y) - (line2.empty() ? 0.5f : 1.0f) * lh;
    auto centred = [&](const std::string& t, float y, ImU32 c) {
        const float w = ImGui::CalcTextSize(t.c_str()).x;
        dl->PushClipRect(a, b, true);
        dl->AddText(ImVec2(0.5f * (a.x + b.x) - 0.5f * w, y), c, t.c_str());
        dl->PopClipRect();
    };
    centred(line1, cy, ImGui::GetColorU32(ImGuiCol_Text));
    if (!line2.empty()) centred(line2, cy + lh, ImGui::GetColorU32(ImGuiCol_TextDisabled));
}

void arrow(ImDrawList* dl, ImVec2 a, ImVec2 b) {
    const ImU32 c = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    dl->AddLine(a, b, c, ui_scaled(1.5f));
    const float s = ui_scaled(5);
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::max(1e-3f, std::sqrt(dx * dx + dy * dy));
    const float ux = dx / len, uy = dy / len;
    dl->AddTriangleFilled(b, ImVec2(b.x - ux * s - uy * s * 0.6f, b.y - uy * s + ux * s * 0.6f),
                          ImVec2(b.x - ux * s + uy * s * 0.6f, b.y - uy * s - ux * s * 0.6f), c);
}

// A left-to-right chain of layer boxes, the first at (x, y), each fed by an arrow from the one
// before (the first from `from`); returns the right middle of the last box, where the next
// arrow starts (`from` when there are none).
ImVec2 box_chain(ImDrawList* dl, const Graph& graph, const std::vector<int>& nodes, int current,
                 ImVec2 from, ImVec2 at, ImVec2 box_size, float gap) {
    for (int i : nodes) {
        const Node& n = graph.node(i);
        arrow(dl, from, ImVec2(at.x, from.y));
        box(dl, at, ImVec2(at.x + box_size.x, at.y + box_size.y), layer_colour(n.op->kind()),
            box_label(n), chw(n.shape), i == current);
        from = ImVec2(at.x + box_size.x, at.y + box_size.y / 2);
        at.x += box_size.x + gap;
    }
    return from;
}

// The boxes of one branch: the nodes worth a box, in order.
std::vector<int> boxes_of(const Graph& graph, const std::vector<int>& branch) {
    std::vector<int> out;
    for (int i : branch)
        if (drawn_in_diagram(graph.node(i).op->kind())) out.push_back(i);
    return out;
}

}  // namespace

const WalkthroughView::InceptionCompare& WalkthroughView::inception_compare(int module) {
    const MergeModule& m = info_.modules[size_t(module)];
    if (compare_.graph == info_.graph && compare_.merge == m.merge) return compare_;
    InceptionCompare c;
    c.graph = info_.graph;
    c.merge = m.merge;
    const Graph& graph = *info_.graph;
    InceptionWidths w;
    if (inception_widths(graph, m, w)) {
        ZooOptions structure;
        structure.initialize = false;
        const Shape in = graph.node(m.input).shape;
        const Graph reduced = build_inception_block(in, w, false, structure);
        auto naive = std::make_shared<Graph>(build_inception_block(in, w, true, structure));
        c.reduced = summarize(reduced);
        c.naive = summarize(*naive);
        const std::vector<MergeModule> mods = find_merge_modules(*naive);
        if (!mods.empty()) {
            c.naive_module = mods.front();
            c.naive_graph = naive;
            c.valid = true;
        }
    }
    compare_ = std::move(c);
    return compare_;
}

void WalkthroughView::draw_inception(AppState& state, const Snapshot& snapshot,
                                     TextureCache& textures, int module, int node, ImVec2 size) {
    (void)size;
    WalkthroughState& wt = state.walkthrough;
    const InceptionCompare& cmp = inception_compare(module);
    const bool naive = wt.naive && cmp.valid;
    const Graph& graph = naive ? *cmp.naive_graph : *info_.graph;
    const MergeModule& m = naive ? cmp.naive_module : info_.modules[size_t(module)];
    const Node& merge = info_.graph->node(info_.modules[size_t(module)].merge);

    ImGui::Text("Inception module  %s", merge.name.c_str());
    if (cmp.valid) {
        ImGui::SameLine();
        bool reduced = !wt.naive;
        if (ImGui::Checkbox("with 1\xC3\x97"
                            "1 reductions",
                            &reduced))
            wt.naive = !reduced;
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "Off: the naive module, 1x1, 3x3, 5x5 and pooling straight on the "
                "input (not part of this network: shapes and costs only).");
        char reduced_text[128], naive_text[128];
        std::snprintf(reduced_text, sizeof reduced_text,
                      "with 1\xC3\x97"
                      "1: %s params, %s MACs",
                      format_thousands(cmp.reduced.total_params).c_str(),
                      format_thousands(cmp.reduced.total_macs).c_str());
        std::snprintf(naive_text, sizeof naive_text,
                      "naive: %s params, %s MACs (%.1f\xC3\x97 the MACs)",
                      format_thousands(cmp.naive.total_params).c_str(),
                      format_thousands(cmp.naive.total_macs).c_str(),
                      cmp.reduced.total_macs > 0
                          ? double(cmp.naive.total_macs) / double(cmp.reduced.total_macs)
                          : 0.0);
        // One line where it fits; else one line each, never a number broken across lines.
        const std::string both = std::string(reduced_text) + "   |   " + naive_text;
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        if (ImGui::CalcTextSize(both.c_str()).x <= ImGui::GetContentRegionAvail().x) {
            ImGui::TextUnformatted(both.c_str());
        } else {
            ImGui::TextUnformatted(reduced_text);
            ImGui::TextUnformatted(naive_text);
        }
        ImGui::PopStyleColor();
    }
    if (naive) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.6f, 0.2f, 1.0f));
        ImGui::TextWrapped(
            "Naive module: not part of this network, so shapes and costs only. "
            "Its output can only grow: the pooled input keeps all its channels.");
        ImGui::PopStyleColor();
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float lh = ImGui::GetTextLineHeight();
    const float box_h = 2 * lh + ui_scaled(6), vgap = ui_scaled(14);
    const int nb = int(m.branches.size());
    const float col_w = avail.x / float(std::max(1, nb));
    const float bw = std::min(col_w - ui_scaled(10), ui_scaled(220));
    const float cx_mid = p0.x + avail.x * 0.5f;

    // x on top, the concat at the bottom, the branches between them.
    // The top and bottom boxes are alone on their rows: as wide as their text needs.
    const float pad = ui_scaled(16);
    auto fitted = [&](float w, const std::string& a, const std::string& b) {
        const float need =
            std::max(ImGui::CalcTextSize(a.c_str()).x, ImGui::CalcTextSize(b.c_str()).x);
        return std::min(avail.x, std::max(w, need + pad));
    };
    const Node& x = graph.node(m.input);
    const std::string x_label = "x: " + (naive ? std::string("input") : x.name);
    const float xw = fitted(bw, x_label, chw(x.shape));
    const ImVec2 xa(cx_mid - xw / 2, p0.y), xb(cx_mid + xw / 2, p0.y + box_h);
    box(dl, xa, xb, layer_colour(x.op->kind()), x_label, chw(x.shape), false);
    const float bottom = p0.y + avail.y - ImGui::GetStyle().ItemSpacing.y;
    std::string sum;
    for (const auto& b : m.branches) {
        const int last = b.empty() ? m.input : b.back();
        sum += (sum.empty() ? "" : " + ") + std::to_string(graph.node(last).shape.c);
    }
    const Node& mg = graph.node(m.merge);
    const std::string concat1 = "depth concat: " + chw(mg.shape);
    const std::string concat2 = sum + " = " + std::to_string(mg.shape.c) + " channels";
    const float cw = fitted(2 * bw, concat1, concat2) / 2;
    const ImVec2 ca(cx_mid - cw, bottom - box_h), cb(cx_mid + cw, bottom);
    box(dl, ca, cb, layer_colour(OpKind::Concat), concat1, concat2, !naive && m.merge == node);

    size_t most = 1;
    for (const auto& b : m.branches) most = std::max(most, boxes_of(graph, b).size());
    // Conv/pool boxes only (ReLUs would crowd the picture; a ReLU's step lights its conv), and
    // beside them one map of the branch's output, from this very input.
    const float y_branch = xb.y + vgap;
    const float stack_h = float(most) * (box_h + vgap) - vgap;
    const float readable = std::max(ImGui::CalcTextSize("3\xC3\x97"
                                                        "3 max pool")
                                        .x,
                                    ImGui::CalcTextSize("192\xC3\x97"
                                                        "28\xC3\x97"
                                                        "28")
                                        .x) +
                           ui_scaled(10);
    float thumb = naive ? 0.0f
                        : std::max(0.0f, std::min({col_w * 0.4f, ca.y - vgap - y_branch,
                                                   std::max(stack_h, box_h * 2.5f),
                                                   col_w - readable - ui_scaled(16)}));
    if (thumb < ui_scaled(24)) thumb = 0.0f;
    // A narrow column (presenter mode's large text): the branch's map goes under its boxes,
    // all at one height, where the column has room, instead of being dropped.
    float thumb_below = 0.0f;
    size_t drawn = 1;  // boxes drawn per branch at most (the ReLUs are not drawn)
    for (const auto& b : m.branches) {
        const std::vector<int> all = boxes_of(graph, b);
        drawn = std::max(drawn, size_t(std::count_if(all.begin(), all.end(), [&](int i) {
                             return graph.node(i).op->kind() != OpKind::Relu;
                         })));
    }
    const float below_y = y_branch + float(drawn) * (box_h + vgap);
    if (thumb <= 0 && !naive) {
        thumb_below = std::floor(std::min(col_w - ui_scaled(16), ca.y - 2 * vgap - below_y));
        if (thumb_below < ui_scaled(40)) thumb_below = 0.0f;
    }
    const float bw_branch = std::min(col_w - thumb - ui_scaled(16), ui_scaled(190));
    for (int bi = 0; bi < nb; ++bi) {
        const float left = p0.x + col_w * float(bi) + ui_scaled(4);
        const float cx = thumb <= 0 ? p0.x + col_w * (float(bi) + 0.5f) : left + bw_branch / 2;
        std::vector<int> boxes;
        for (int i : boxes_of(graph, m.branches[size_t(bi)]))
            if (graph.node(i).op->kind() != OpKind::Relu) boxes.push_back(i);
        ImVec2 from(cx_mid, xb.y);
        float y = y_branch;
        for (int i : boxes) {
            const Node& n = graph.node(i);
            const ImVec2 a(cx - bw_branch / 2, y), b(cx + bw_branch / 2, y + box_h);
            arrow(dl, from, ImVec2(cx, a.y));
            const Node& cur_node = info_.graph->node(node);
            const bool cur =
                !naive && (i == node || (cur_node.op->kind() == OpKind::Relu &&
                                         !cur_node.inputs.empty() && cur_node.inputs[0] == i));
            box(dl, a, b, layer_colour(n.op->kind()), box_label(n), chw(n.shape), cur);
            from = ImVec2(cx, b.y);
            y = b.y + vgap;
        }
        const int last = m.branches[size_t(bi)].empty() ? m.input : m.branches[size_t(bi)].back();
        const float side = thumb > 0 ? thumb : thumb_below;
        if (side > 0) {
            const Tensor& t = snapshot.activations.outputs[size_t(last)];
            const ImVec2 at = thumb > 0 ? ImVec2(left + bw_branch + ui_scaled(6), y_branch)
                                        : ImVec2(std::floor(cx - side / 2), below_y);
            if (thumb <= 0) {  // the branch's output, under the branch
                arrow(dl, from, ImVec2(cx, at.y));
                from = ImVec2(cx, at.y + side);
            }
            ImGui::SetCursorScreenPos(at);
            const std::string key =
                std::to_string(snapshot.result_generation) + "/" + graph.node(last).name + "#one";
            try {
                const Colormap map = colormap_of(snapshot, last);
                const Atlas& atlas = textures.atlas(key, t, ColourSettings{map, true});
                FeatureGridOptions opt;
                opt.pixel_grid = false;
                opt.enlarged = std::min(wt.channel, atlas.geometry.channels - 1);
                ImGui::PushID(bi);
                const FeatureGridHover hover =
                    feature_grid("branch", atlas, t, ImVec2(side, side), opt);
                if (hover.channel >= 0)
                    ImGui::SetTooltip("%s, map %d: %.4g at row %d, col %d",
                                      graph.node(last).name.c_str(), hover.channel,
                                      double(hover.value), hover.y, hover.x);
                ImGui::PopID();
            } catch (const std::exception&) {
            }
        }
        arrow(dl, from, ImVec2(cx + (cx_mid - cx) * 0.5f, ca.y));
    }
    if (!naive) {
        ImGui::SetCursorScreenPos(ImVec2(p0.x, ca.y));
        ImGui::SetNextItemWidth(std::max(ui_scaled(60), ca.x - p0.x - ui_scaled(12)));
        ImGui::SliderInt("##branch_channel", &wt.channel, 0, 31, "map %d");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Which map of each branch's output is shown beside it");
    }
    ImGui::SetCursorScreenPos(ImVec2(p0.x, bottom));
    ImGui::Dummy(ImVec2(1, 1));
}

void WalkthroughView::draw_residual(AppState& state, const Snapshot& snapshot,
                                    TextureCache& textures, int module, int node, ImVec2 size) {
    WalkthroughState& wt = state.walkthrough;
    const Graph& graph = *info_.graph;
    const MergeModule& m = info_.modules[size_t(module)];
    if (m.branches.size() != 2) return;
    // F(x) is the longer branch; the other is the shortcut (empty: identity).
    const int fb = m.branches[0].size() >= m.branches[1].size() ? 0 : 1;
    std::vector<int> f = boxes_of(graph, m.branches[size_t(fb)]);
    const std::vector<int> sc = boxes_of(graph, m.branches[size_t(1 - fb)]);
    const Node& x = graph.node(m.input);
    const Node& add = graph.node(m.merge);
    ImGui::Text("Residual block  %s", add.name.c_str());
    const char* kind_text = sc.empty() ? "identity shortcut: x is added as it is"
                                       : "projection shortcut: x changes shape to fit F(x)";
    ImGui::SameLine();
    if (ImGui::CalcTextSize(kind_text).x > ImGui::GetContentRegionAvail().x)
        ImGui::NewLine();  // a narrow panel: on its own line rather than cut off
    text_dim(kind_text);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float lh = ImGui::GetTextLineHeight();
    const float box_h = 2 * lh + ui_scaled(6), hgap = ui_scaled(14);
    const std::string sum_label = "F(x) + x: " + chw(add.shape);
    const float tail = box_h * 0.7f + ui_scaled(8) + ImGui::CalcTextSize(sum_label.c_str()).x;
    auto box_width = [&](size_t boxes) {
        const float cols = float(boxes + 1);  // x and F's boxes; then the + and its label
        return std::min((size.x - tail - hgap * cols) / cols, ui_scaled(150));
    };
    // Too narrow for every box: F(x) as its convolutions only (BN and ReLU are in the table).
    const float readable = ImGui::CalcTextSize(
                               "3\xC3\x97"
                               "3 conv /2")
                               .x +
                           ui_scaled(8);
    if (box_width(f.size()) < readable)
        f.erase(std::remove_if(f.begin(), f.end(),
                               [&](int i) {
                                   const OpKind k = graph.node(i).op->kind();
                                   return k == OpKind::BatchNorm2d || k == OpKind::Relu;
                               }),
                f.end());
    const float bw = box_width(f.size());
    const float y0 = p0.y + lh * 1.2f;  // room for the "F(x)" label
    float xpos = p0.x;
    box(dl, ImVec2(xpos, y0), ImVec2(xpos + bw, y0 + box_h), layer_colour(x.op->kind()), "x",
        chw(x.shape), false);
    const float x_mid = xpos + bw / 2;
    const float f_start = xpos + bw + hgap;
    const ImVec2 from = box_chain(dl, graph, f, node, ImVec2(xpos + bw, y0 + box_h / 2),
                                  ImVec2(f_start, y0), ImVec2(bw, box_h), hgap);
    xpos = from.x + hgap;
    dl->AddText(ImVec2(f_start, p0.y), ImGui::GetColorU32(ImGuiCol_Text), "F(x)");
    // The + node, then the shortcut underneath from x to it.
    const float r = box_h * 0.35f;
    const ImVec2 plus(xpos + r, y0 + box_h / 2);
    arrow(dl, from, ImVec2(plus.x - r, plus.y));
    const ImU32 pc = layer_colour(OpKind::Add);
    dl->AddCircleFilled(plus, r, (pc & 0x00FFFFFF) | 0x60000000);
    dl->AddCircle(plus, r, m.merge == node ? ImGui::GetColorU32(ImGuiCol_Text) : pc, 0,
                  m.merge == node ? ui_scaled(3) : ui_scaled(1.5f));
    const ImVec2 ts = ImGui::CalcTextSize("+");
    dl->AddText(ImVec2(plus.x - ts.x / 2, plus.y - ts.y / 2), ImGui::GetColorU32(ImGuiCol_Text),
                "+");
    dl->AddText(ImVec2(plus.x + r + ui_scaled(4), plus.y - lh / 2),
                ImGui::GetColorU32(ImGuiCol_Text), sum_label.c_str());
    const float y_sc = y0 + box_h + ui_scaled(10);
    const ImU32 line = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    ImVec2 sfrom(x_mid, y0 + box_h);
    const float sy = sc.empty() ? y_sc + lh * 0.5f : y_sc;
    if (sc.empty()) {
        dl->AddLine(sfrom, ImVec2(x_mid, sy), line, ui_scaled(1.5f));
        dl->AddLine(ImVec2(x_mid, sy), ImVec2(plus.x, sy), line, ui_scaled(1.5f));
        dl->AddText(ImVec2(f_start, sy + ui_scaled(2)), line, "identity: x");
        sfrom = ImVec2(plus.x, sy);
    } else {
        dl->AddLine(sfrom, ImVec2(x_mid, sy + box_h / 2), line, ui_scaled(1.5f));
        sfrom = ImVec2(x_mid, sy + box_h / 2);
        sfrom = box_chain(dl, graph, sc, node, sfrom, ImVec2(f_start, sy), ImVec2(bw, box_h), hgap);
        dl->AddLine(sfrom, ImVec2(plus.x, sfrom.y), line, ui_scaled(1.5f));
        sfrom = ImVec2(plus.x, sfrom.y);
    }
    arrow(dl, sfrom, ImVec2(plus.x, plus.y + r));
    const float maps_y = (sc.empty() ? sy + lh : sy + box_h) + ui_scaled(8);

    // x, F(x) and F(x) + x, the same channel of each, side by side.
    ImGui::SetCursorScreenPos(ImVec2(p0.x, maps_y));
    const int channels = add.shape.c;
    wt.channel = std::clamp(wt.channel, 0, channels - 1);
    ImGui::SetNextItemWidth(ui_scaled(200));
    ImGui::SliderInt("##res_channel", &wt.channel, 0, channels - 1, "channel %d");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the same channel of x, F(x) and F(x) + x");
    const char* same = "the same channel of x, F(x) and F(x) + x";
    ImGui::SameLine();
    if (ImGui::CalcTextSize(same).x <= ImGui::GetContentRegionAvail().x)
        text_dim(same);
    else
        ImGui::NewLine();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float h = std::max(ui_scaled(60), ImGui::GetContentRegionAvail().y);
    const float w = (ImGui::GetContentRegionAvail().x - 2 * gap) / 3;
    const std::string gen = std::to_string(snapshot.result_generation) + "/";
    const int f_last = m.branches[size_t(fb)].back();
    const int s_last =
        m.branches[size_t(1 - fb)].empty() ? m.input : m.branches[size_t(1 - fb)].back();
    map_panel("res_x", sc.empty() ? "x" : "x, projected",
              snapshot.activations.outputs[size_t(s_last)], gen + graph.node(s_last).name,
              colormap_of(snapshot, s_last), textures, ImVec2(w, h), wt.channel);
    ImGui::SameLine();
    map_panel("res_f", "F(x)", snapshot.activations.outputs[size_t(f_last)],
              gen + graph.node(f_last).name, colormap_of(snapshot, f_last), textures, ImVec2(w, h),
              wt.channel);
    ImGui::SameLine();
    map_panel("res_sum", "F(x) + x", snapshot.activations.outputs[size_t(m.merge)], gen + add.name,
              colormap_of(snapshot, m.merge), textures, ImVec2(w, h), wt.channel);
}

}  // namespace cl
