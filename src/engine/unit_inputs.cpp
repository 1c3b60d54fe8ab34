// Unit inputs (see unit_inputs.h): one step back through a layer's geometry, and a conv or
// linear unit's dot product recomputed term by term from the graph's weights and activations.
#include "engine/unit_inputs.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <tuple>

#include "engine/error.h"

namespace cl {

namespace {

// Layers whose unit (c, y, x) reads only unit (c, y, x) of each input.
bool one_to_one(OpKind k) {
    return k == OpKind::Relu || k == OpKind::Tanh || k == OpKind::Sigmoid || k == OpKind::Dropout ||
           k == OpKind::BatchNorm2d || k == OpKind::Clip || k == OpKind::Add || k == OpKind::Mul ||
           k == OpKind::Sub || k == OpKind::Div;
}

// Rows (or columns) of the input that outputs [o0, o1] of a sliding window read, clipped.
std::pair<int, int> window_span(int o0, int o1, const LayerGeometry& g, int size) {
    const int first = o0 * g.stride - g.pad;
    const int last = o1 * g.stride - g.pad + g.dilation * (g.kernel - 1);
    return {std::max(first, 0), std::min(last, size - 1)};
}

UnitRegion box(int node, const Shape& s) {
    return {node, 0, s.c - 1, 0, s.h - 1, 0, s.w - 1};
}

void check_unit(const Graph& graph, int node, int channel, int y, int x) {
    if (node < 0 || node >= graph.size())
        throw Error("unit inputs: no node " + std::to_string(node));
    const Shape& s = graph.node(node).shape;
    if (channel < 0 || channel >= s.c || y < 0 || y >= s.h || x < 0 || x >= s.w)
        throw Error(graph.node(node).name + ": no unit (" + std::to_string(channel) + ", " +
                    std::to_string(y) + ", " + std::to_string(x) + ") in " + s.chw());
}
}  // namespace

UnitRegion whole_node(const Graph& graph, int node) {
    return box(node, graph.node(node).shape);
}

UnitRegion feeding_units(const Graph& graph, const UnitRegion& outputs) {
    if (outputs.empty()) return {};
    const Node& n = graph.node(outputs.node);
    if (!n.op || n.op->kind() == OpKind::Input || n.inputs.empty()) return {};
    const int src = n.inputs[0];
    const Shape& in = graph.node(src).shape;
    UnitRegion r = box(src, in);
    const OpKind k = n.op->kind();
    switch (k) {
        case OpKind::Conv2d: {
            const Tensor* weight = graph.node(outputs.node).param("weight");
            CL_ASSERT(weight != nullptr);
            // weight [Cout, Cin/groups, K, K]: a unit reads every input channel of its group
            const int cin_g = weight->shape().c;
            const int groups = std::max(1, in.c / cin_g);
            const int cout_g = std::max(1, n.shape.c / groups);
            r.c0 = (outputs.c0 / cout_g) * cin_g;
            r.c1 = (outputs.c1 / cout_g + 1) * cin_g - 1;
            std::tie(r.y0, r.y1) = window_span(outputs.y0, outputs.y1, n.op->geometry(), in.h);
            std::tie(r.x0, r.x1) = window_span(outputs.x0, outputs.x1, n.op->geometry(), in.w);
            return r;
        }
        case OpKind::MaxPool2d:
        case OpKind::AvgPool2d:
            r.c0 = outputs.c0;
            r.c1 = outputs.c1;
            std::tie(r.y0, r.y1) = window_span(outputs.y0, outputs.y1, n.op->geometry(), in.h);
            std::tie(r.x0, r.x1) = window_span(outputs.x0, outputs.x1, n.op->geometry(), in.w);
            return r;
        case OpKind::GlobalAvgPool:
            r.c0 = outputs.c0;
            r.c1 = outputs.c1;
            return r;
        case OpKind::Softmax:
        case OpKind::Lrn:  // normalises across neighbouring channels at one position
            r.y0 = outputs.y0;
            r.y1 = outputs.y1;
            r.x0 = outputs.x0;
            r.x1 = outputs.x1;
            return r;
        case OpKind::Flatten:
            if (outputs.count() == 1) {
                // output unit i is input unit i in (c, y, x) order
                const int64_t i =
                    (int64_t(outputs.c0) * n.shape.h + outputs.y0) * n.shape.w + outputs.x0;
                const int c = int(i / (int64_t(in.h) * in.w));
                const int y = int(i / in.w % in.h), x = int(i % in.w);
                return {src, c, c, y, y, x, x};
            }
            return r;
        default:
            if (one_to_one(k) && in == n.shape) {
                r = outputs;
                r.node = src;
            }
            return r;  // linear layers and anything unknown: every unit of the input
    }
}

UnitRegion feeding_units(const Graph& graph, int node, int channel, int y, int x) {
    check_unit(graph, node, channel, y, x);
    return feeding_units(graph, UnitRegion{node, channel, channel, y, y, x, x});
}

bool has_dot_product(const Graph& graph, int node) {
    if (node < 0 || node >= graph.size()) return false;
    const Node& n = graph.node(node);
    if (!n.op || n.inputs.empty()) return false;
    const OpKind k = n.op->kind();
    return (k == OpKind::Conv2d || k == OpKind::Linear) && graph.node(node).param("weight");
}

UnitDotProduct unit_dot_product(const Graph& graph, const Activations& activations, int node,
                                int channel, int y, int x) {
    check_unit(graph, node, channel, y, x);
    const Node& n = graph.node(node);
    if (!has_dot_product(graph, node))
        throw Error(n.name + ": not a convolution or fully connected layer, no dot product");
    const int src = n.inputs[0];
    if (int(activations.outputs.size()) <= src || activations.outputs[size_t(src)].empty())
        throw Error(n.name + ": the activations of its input are missing");
    const Tensor& input = activations.outputs[size_t(src)];
    const Shape in = input.shape();
    const Tensor& weight = *graph.node(node).param("weight");
    const Tensor* bias = graph.node(node).param("bias");

    UnitDotProduct dot;
    dot.input_node = src;
    dot.bias = bias ? (*bias)[channel] : 0.0f;
    if (n.op->kind() == OpKind::Linear) {
        // weight [out, in]; the input read as one row of C*H*W features
        const int64_t features = in.per_sample();
        dot.channels = int(features);
        dot.terms.reserve(size_t(features));
        for (int64_t i = 0; i < features; ++i) {
            DotTerm t;
            t.channel = int(i / (int64_t(in.h) * in.w));
            t.y = int(i / in.w % in.h);
            t.x = int(i % in.w);
            t.weight = weight[int64_t(channel) * features + i];
            t.input = input[i];
            dot.terms.push_back(t);
        }
    } else {
        // weight [Cout, Cin/groups, K, K]
        const LayerGeometry g = n.op->geometry();
        const int cin_g = weight.shape().c, k = weight.shape().h;
        const int groups = std::max(1, in.c / cin_g);
        const int c_first = (channel / std::max(1, n.shape.c / groups)) * cin_g;
        dot.channels = cin_g;
        dot.kernel = k;
        dot.terms.reserve(size_t(cin_g) * k * k);
        for (int ci = 0; ci < cin_g; ++ci)
            for (int ky = 0; ky < k; ++ky)
                for (int kx = 0; kx < k; ++kx) {
                    DotTerm t;
                    t.channel = c_first + ci;
                    t.y = y * g.stride - g.pad + ky * g.dilation;
                    t.x = x * g.stride - g.pad + kx * g.dilation;
                    t.weight = weight.at(channel, ci, ky, kx);
                    t.padding = t.y < 0 || t.y >= in.h || t.x < 0 || t.x >= in.w;
                    t.input = t.padding ? 0.0f : input.at(0, t.channel, t.y, t.x);
                    dot.terms.push_back(t);
                }
    }
    for (const DotTerm& t : dot.terms) dot.sum += double(t.weight) * t.input;
    return dot;
}

std::vector<int> largest_terms(const UnitDotProduct& dot, int count) {
    std::vector<int> order(dot.terms.size());
    std::iota(order.begin(), order.end(), 0);
    const size_t n = std::min(order.size(), size_t(std::max(count, 0)));
    std::partial_sort(order.begin(), order.begin() + long(n), order.end(), [&](int a, int b) {
        return std::abs(dot.terms[size_t(a)].product()) > std::abs(dot.terms[size_t(b)].product());
    });
    order.resize(n);
    return order;
}

}  // namespace cl
