// Receptive fields (see receptive_field.h): walk from the unit back to the input, widening the
// window through each sliding-window layer; layers that mix all positions make it the whole image.
#include "engine/receptive_field.h"

#include <algorithm>

#include "engine/error.h"

namespace cl {

namespace {
InputWindow join(const InputWindow& a, const InputWindow& b) {
    if (a.all || b.all) return InputWindow{0, 0, -1, -1, true};
    return {std::min(a.y0, b.y0), std::min(a.x0, b.x0), std::max(a.y1, b.y1), std::max(a.x1, b.x1),
            false};
}

InputWindow walk_back(const Graph& graph, int node, InputWindow w) {
    const Node& n = graph.node(node);
    if (w.all || !n.op || n.op->kind() == OpKind::Input || n.inputs.empty()) return w;
    const LayerGeometry g = n.op->geometry();
    InputWindow result;
    bool first = true;
    for (int in : n.inputs) {
        const Shape& s = graph.node(in).shape;
        InputWindow v = w;
        if (g.kernel > 0) {
            // output o reads inputs o*stride - pad ... o*stride - pad + dilation*(kernel-1)
            const int span = g.dilation * (g.kernel - 1);
            v = {w.y0 * g.stride - g.pad, w.x0 * g.stride - g.pad, w.y1 * g.stride - g.pad + span,
                 w.x1 * g.stride - g.pad + span, false};
        } else if (s.h != n.shape.h || s.w != n.shape.w) {
            v.all = true;  // flatten, linear, global pooling: every position feeds every unit
        }
        v = walk_back(graph, in, v);
        result = first ? v : join(result, v);
        first = false;
    }
    return result;
}
}  // namespace

InputWindow receptive_field(const Graph& graph, int node, int y, int x) {
    if (node < 0 || node >= graph.size())
        throw Error("receptive field: no node " + std::to_string(node));
    return walk_back(graph, node, InputWindow{y, x, y, x, false});
}

InputWindow clip_window(const InputWindow& window, int h, int w) {
    if (window.all) return InputWindow{0, 0, h - 1, w - 1, true};
    return {std::max(window.y0, 0), std::max(window.x0, 0), std::min(window.y1, h - 1),
            std::min(window.x1, w - 1), false};
}

}  // namespace cl
