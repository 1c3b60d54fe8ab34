// Saliency, gradient x input, Grad-CAM and occlusion (see attribution.h). The gradient methods
// run one forward pass in inference mode and one backward pass from the logits that computes no
// parameter gradient and stops at the node it needs (the input, or Grad-CAM's layer).
#include "engine/explain/attribution.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/error.h"
#include "engine/train/backprop.h"
#include "engine/train/loss.h"

namespace cl {

namespace {

bool is_spatial(const Shape& s) {
    return s.h > 1 || s.w > 1;
}

void check_one_input(const Graph& graph, const Tensor& input) {
    if (input.empty()) throw Error(graph.name() + ": no input to explain");
    if (input.shape().n != 1)
        throw Error(graph.name() + ": explanations take one input, got a batch of " +
                    std::to_string(input.shape().n));
}

int class_count(const Graph& graph) {
    return int(graph.node(logits_node(graph)).shape.per_sample());
}

void check_class(const Graph& graph, int target_class) {
    const int classes = class_count(graph);
    if (target_class == k_predicted_class) return;
    if (target_class < 0 || target_class >= classes)
        throw Error(graph.name() + ": class " + std::to_string(target_class) +
                    " is out of range, the model has " + std::to_string(classes) + " classes (0-" +
                    std::to_string(classes - 1) + ")");
}

// softmax(row n of the logits)_k, in double so that a confident model's small ones survive.
double probability(const Tensor& logits, int n, int k) {
    const int64_t count = logits.shape().per_sample();
    const float* row = logits.data() + n * count;
    const float top = *std::max_element(row, row + count);
    double sum = 0;
    for (int64_t j = 0; j < count; ++j) sum += std::exp(double(row[j]) - top);
    return std::exp(double(row[k]) - top) / sum;
}

ExplainedClass explained_class(const Tensor& logits, int target_class) {
    ExplainedClass c;
    c.predicted = arg_max(logits, 0);
    c.index = target_class == k_predicted_class ? c.predicted : target_class;
    c.score = logits[c.index];
    c.probability = float(probability(logits, 0, c.index));
    return c;
}

// d y_k / d y: one at the class, zero elsewhere, the logits' shape.
Tensor one_hot(const Tensor& logits, int k) {
    Tensor g = Tensor::zeros(logits.shape());
    g[k] = 1.0f;
    return g;
}

// reach[i]: node `from` depends on node i (i = from included).
std::vector<bool> ancestors(const Graph& graph, int from) {
    std::vector<bool> reach(size_t(graph.size()), false);
    reach[size_t(from)] = true;
    for (int i = from; i >= 0; --i)
        if (reach[size_t(i)])
            for (int j : graph.node(i).inputs) reach[size_t(j)] = true;
    return reach;
}

// The nodes whose backward a gradient from `from` to `wanted` runs: they depend on `wanted`,
// `from` depends on them, and they come after `wanted`.
std::vector<bool> backward_path(const Graph& graph, int from, int wanted) {
    std::vector<bool> after(size_t(graph.size()), false);
    after[size_t(wanted)] = true;
    for (int i = wanted + 1; i <= from; ++i)
        for (int j : graph.node(i).inputs) after[size_t(i)] = after[size_t(i)] || after[size_t(j)];
    const std::vector<bool> reach = ancestors(graph, from);
    std::vector<bool> path(size_t(graph.size()), false);
    for (int i = wanted + 1; i <= from; ++i) path[size_t(i)] = after[size_t(i)] && reach[size_t(i)];
    return path;
}

// The gradient of class k's score with respect to node `wanted`'s output, with the forward
// pass it came from; empty acts.outputs when cancelled.
struct GradientAt {
    Activations acts;
    Tensor grad;  // d y_k / d (output of `wanted`)
    ExplainedClass target;
};

GradientAt gradient_at(const Graph& graph, const Tensor& input, int wanted, int target_class,
                       const ExplainControl& control) {
    const int logits = logits_node(graph);
    GradientAt r;
    r.acts = graph.forward(input, forward_control(control));
    if (r.acts.cancelled) return r;
    const Tensor& scores = r.acts.outputs[size_t(logits)];
    r.target = explained_class(scores, target_class);
    NodeGradients grads =
        graph_backward_to(graph, r.acts, logits, one_hot(scores, r.target.index), wanted);
    r.grad = std::move(grads.grads[size_t(wanted)]);
    if (r.grad.empty()) r.grad = Tensor::zeros(r.acts.outputs[size_t(wanted)].shape());
    return r;
}

Attribution input_attribution(const Graph& graph, const Tensor& input, int target_class,
                              const ExplainControl& control, const char* method, bool times_input) {
    require_inference_mode(graph, method);
    check_one_input(graph, input);
    check_class(graph, target_class);
    require_backward(graph, logits_node(graph), 0, method);
    GradientAt g = gradient_at(graph, input, 0, target_class, control);
    Attribution r;
    if (g.acts.cancelled) {
        r.cancelled = true;
        return r;
    }
    r.target = g.target;
    r.map = std::move(g.grad);
    if (times_input)
        for (int64_t i = 0; i < r.map.numel(); ++i) r.map[i] *= input[i];
    return r;
}

}  // namespace

int OcclusionOptions::default_patch(Shape input_shape) {
    return std::max(1, std::min(input_shape.h, input_shape.w) / 7);
}

int first_without_backward(const Graph& graph, int from, int wanted) {
    CL_ASSERT(from >= 0 && from < graph.size() && wanted >= 0 && wanted <= from);
    const std::vector<bool> path = backward_path(graph, from, wanted);
    for (int i = from; i > wanted; --i)
        if (path[size_t(i)] && !graph.node(i).op->has_backward()) return i;
    return -1;
}

void require_backward(const Graph& graph, int from, int wanted, const std::string& method) {
    const int bad = first_without_backward(graph, from, wanted);
    if (bad < 0) return;
    const Node& node = graph.node(bad);
    throw Error(graph.name() + ": " + method + " needs a backward pass through every layer from '" +
                graph.node(from).name + "' back to '" + graph.node(wanted).name + "', but '" +
                node.name + "' (" + op_kind_name(node.op->kind()) +
                ") has none; occlusion needs no gradients and works on any model");
}

int default_grad_cam_layer(const Graph& graph) {
    const int logits = logits_node(graph);
    int conv = -1;
    for (int i = 1; i < logits; ++i)
        if (graph.node(i).op->kind() == OpKind::Conv2d && is_spatial(graph.node(i).shape)) conv = i;
    if (conv < 0) return -1;
    int at = conv, best = conv;
    for (;;) {  // down the single chain of consumers that keep the conv's shape
        int consumer = -1, consumers = 0;
        for (int j = at + 1; j < graph.size(); ++j) {
            const std::vector<int>& in = graph.node(j).inputs;
            if (std::find(in.begin(), in.end(), at) != in.end()) consumer = j, ++consumers;
        }
        if (consumers != 1 || consumer >= logits) break;
        const Node& next = graph.node(consumer);
        const OpKind kind = next.op->kind();
        const bool keeps = kind == OpKind::BatchNorm2d || kind == OpKind::Add ||
                           kind == OpKind::Relu || kind == OpKind::Clip;
        if (!keeps || next.shape != graph.node(at).shape) break;
        at = consumer;
        if (kind == OpKind::Relu || kind == OpKind::Clip) best = at;
    }
    return best;
}

Attribution saliency(const Graph& graph, const Tensor& input, int target_class,
                     const ExplainControl& control) {
    return input_attribution(graph, input, target_class, control, "saliency", false);
}

Attribution gradient_times_input(const Graph& graph, const Tensor& input, int target_class,
                                 const ExplainControl& control) {
    return input_attribution(graph, input, target_class, control, "gradient x input", true);
}

GradCam grad_cam(const Graph& graph, const Tensor& input, int layer, int target_class,
                 const ExplainControl& control) {
    require_inference_mode(graph, "Grad-CAM");
    check_one_input(graph, input);
    if (layer < 0 || layer >= graph.size())
        throw Error(graph.name() + ": Grad-CAM: no node " + std::to_string(layer));
    const int logits = logits_node(graph);
    const Node& node = graph.node(layer);
    if (layer >= logits || !ancestors(graph, logits)[size_t(layer)])
        throw Error(graph.name() + ": Grad-CAM: '" + node.name +
                    "' does not feed the class scores ('" + graph.node(logits).name + "')");
    if (!is_spatial(node.shape)) {
        const int suggestion = default_grad_cam_layer(graph);
        throw Error(graph.name() + ": Grad-CAM needs a layer with a spatial output, '" + node.name +
                    "' is " + node.shape.chw() +
                    (suggestion >= 0 ? "; try '" + graph.node(suggestion).name + "'" : ""));
    }
    check_class(graph, target_class);
    require_backward(graph, logits, layer, "Grad-CAM");

    GradientAt g = gradient_at(graph, input, layer, target_class, control);
    GradCam r;
    r.layer = layer;
    if (g.acts.cancelled) {
        r.cancelled = true;
        return r;
    }
    r.target = g.target;
    const Tensor& a = g.acts.outputs[size_t(layer)];  // A: [1, K, H, W]
    const Shape s = a.shape();
    const int area = s.h * s.w;
    r.alphas.assign(size_t(s.c), 0.0f);
    r.map = Tensor::zeros({1, 1, s.h, s.w});
    std::vector<double> sum(size_t(area), 0.0);
    for (int c = 0; c < s.c; ++c) {
        const float* grad = g.grad.data() + int64_t(c) * area;
        const float* act = a.data() + int64_t(c) * area;
        const double alpha = std::accumulate(grad, grad + area, 0.0) / area;
        r.alphas[size_t(c)] = float(alpha);
        for (int i = 0; i < area; ++i) sum[size_t(i)] += alpha * act[i];
    }
    for (int i = 0; i < area; ++i) r.map[i] = float(std::max(0.0, sum[size_t(i)]));
    return r;
}

Occlusion occlusion(const Graph& graph, const Tensor& input, int target_class,
                    const OcclusionOptions& options, const ExplainControl& control) {
    require_inference_mode(graph, "occlusion");
    check_one_input(graph, input);
    check_class(graph, target_class);
    const Shape s = input.shape();
    if (options.patch < 0 || options.stride < 0)
        throw Error("occlusion: patch and stride must be positive");
    Occlusion r;
    r.patch = options.patch > 0 ? options.patch : OcclusionOptions::default_patch(s);
    r.stride = options.stride > 0 ? options.stride : std::max(1, r.patch / 2);
    if (r.patch > s.h || r.patch > s.w)
        throw Error("occlusion: a " + std::to_string(r.patch) + "-pixel patch does not fit the " +
                    std::to_string(s.h) + "x" + std::to_string(s.w) + " input");
    if (options.fill) {
        r.fill = *options.fill;
    } else {  // grey: the mean of every input value
        r.fill = float(std::accumulate(input.data(), input.data() + input.numel(), 0.0) /
                       double(input.numel()));
    }
    const int logits = logits_node(graph);
    const Activations base = graph.forward(input, forward_control(control));
    if (base.cancelled) {
        r.cancelled = true;
        return r;
    }
    r.target = explained_class(base.outputs[size_t(logits)], target_class);
    const double p0 = r.target.probability;

    const int rows = (s.h - r.patch) / r.stride + 1, cols = (s.w - r.patch) / r.stride + 1;
    Tensor map = Tensor::zeros({1, 1, rows, cols});
    const int chunk = chunk_for_memory(graph, graph.size() - 1, std::max(1, options.batch));
    const bool done = run_chunks(rows * cols, chunk, control, [&](int begin, int count) {
        Tensor x = Tensor::zeros({count, s.c, s.h, s.w});  // [count, C, H, W]
        for (int b = 0; b < count; ++b) {
            float* dst = x.data() + int64_t(b) * s.per_sample();
            std::copy(input.data(), input.data() + s.per_sample(), dst);
            const int y0 = (begin + b) / cols * r.stride, x0 = (begin + b) % cols * r.stride;
            for (int c = 0; c < s.c; ++c)
                for (int y = y0; y < y0 + r.patch; ++y)
                    std::fill_n(dst + (int64_t(c) * s.h + y) * s.w + x0, r.patch, r.fill);
        }
        const Activations acts = graph.forward(x);
        for (int b = 0; b < count; ++b)
            map[begin + b] =
                float(p0 - probability(acts.outputs[size_t(logits)], b, r.target.index));
    });
    if (!done) {
        r.cancelled = true;
        return r;
    }
    r.map = std::move(map);
    return r;
}

}  // namespace cl
