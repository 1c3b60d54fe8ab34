// Activation maximisation by regularised gradient ascent (see activation_max.h).
#include "engine/explain/activation_max.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/error.h"
#include "engine/explain/attribution.h"
#include "engine/train/backprop.h"
#include "engine/train/loss.h"

namespace cl {

namespace {

// out(y, x) = in((y - dy) mod H, (x - dx) mod W): the image rolled down by dy and right by dx.
Tensor rolled(const Tensor& in, int dy, int dx) {
    const Shape s = in.shape();
    Tensor out = Tensor::zeros(s);
    for (int c = 0; c < s.c; ++c)
        for (int y = 0; y < s.h; ++y) {
            const int sy = ((y - dy) % s.h + s.h) % s.h;
            for (int x = 0; x < s.w; ++x) {
                const int sx = ((x - dx) % s.w + s.w) % s.w;
                out.at(0, c, y, x) = in.at(0, c, sy, sx);
            }
        }
    return out;
}

// Separable 3-tap Gaussian, edges repeated.
void blur3(Tensor& t, float sigma) {
    const float side = std::exp(-1.0f / (2.0f * sigma * sigma));
    const float a = side / (1.0f + 2.0f * side), b = 1.0f / (1.0f + 2.0f * side);
    const Shape s = t.shape();
    std::vector<float> row(size_t(std::max(s.h, s.w)));
    for (int c = 0; c < s.c; ++c) {
        for (int y = 0; y < s.h; ++y) {
            for (int x = 0; x < s.w; ++x)
                row[size_t(x)] = a * t.at(0, c, y, std::max(x - 1, 0)) + b * t.at(0, c, y, x) +
                                 a * t.at(0, c, y, std::min(x + 1, s.w - 1));
            for (int x = 0; x < s.w; ++x) t.at(0, c, y, x) = row[size_t(x)];
        }
        for (int x = 0; x < s.w; ++x) {
            for (int y = 0; y < s.h; ++y)
                row[size_t(y)] = a * t.at(0, c, std::max(y - 1, 0), x) + b * t.at(0, c, y, x) +
                                 a * t.at(0, c, std::min(y + 1, s.h - 1), x);
            for (int y = 0; y < s.h; ++y) t.at(0, c, y, x) = row[size_t(y)];
        }
    }
}

double channel_mean(const Tensor& out, int channel) {
    const int64_t area = int64_t(out.shape().h) * out.shape().w;
    const float* p = out.data() + channel * area;
    double sum = 0;
    for (int64_t i = 0; i < area; ++i) sum += p[i];
    return sum / double(area);
}

}  // namespace

ActivationMaxOptions ActivationMaxOptions::for_class(const Graph& graph, int k) {
    ActivationMaxOptions o;
    o.node = logits_node(graph);
    o.channel = k;
    return o;
}

ActivationMaximizer::ActivationMaximizer(const Graph& graph, const ActivationMaxOptions& options)
    : graph_(&graph), options_(options), rng_(options.seed) {
    const int node = options.node;
    if (node < 1 || node >= graph.size())
        throw Error(graph.name() + ": activation maximisation needs a layer after the input");
    const Node& n = graph.node(node);
    if (options.channel < 0 || options.channel >= n.shape.c)
        throw Error(graph.name() + ": '" + n.name + "' has " + std::to_string(n.shape.c) +
                    " channels, no channel " + std::to_string(options.channel));
    if (options.jitter < 0 || options.blur_every < 0 || !(options.blur_sigma > 0) ||
        !(options.value_min < options.value_max))
        throw Error("activation maximisation: jitter, blur and the value range must be valid");
    require_inference_mode(graph, "activation maximisation");
    require_backward(graph, node, 0, "activation maximisation");
    const Shape s = graph.input_shape();
    image_ = Tensor::zeros(s);
    std::uniform_real_distribution<float> noise(-options.init_noise, options.init_noise);
    for (int64_t i = 0; i < image_.numel(); ++i)
        image_[i] =
            std::clamp(options.background + noise(rng_), options.value_min, options.value_max);
}

double ActivationMaximizer::objective_of(const Tensor& image) const {
    RunControl rc;
    rc.stop_after = options_.node;
    const Activations acts = graph_->forward(image, rc);
    return channel_mean(acts.outputs[size_t(options_.node)], options_.channel);
}

ActivationMaxStep ActivationMaximizer::step() {
    const ActivationMaxOptions& o = options_;
    int dy = 0, dx = 0;
    if (o.jitter > 0) {
        const uint64_t span = uint64_t(2 * o.jitter + 1);
        dy = int(rng_() % span) - o.jitter;
        dx = int(rng_() % span) - o.jitter;
    }
    const Tensor shifted = rolled(image_, dy, dx);
    RunControl rc;
    rc.stop_after = o.node;
    const Activations acts = graph_->forward(shifted, rc);
    const Tensor& out = acts.outputs[size_t(o.node)];
    ActivationMaxStep result;
    result.objective = channel_mean(out, o.channel);

    // d mean / d out: 1 / (H*W) on the channel's plane
    Tensor seed = Tensor::zeros(out.shape());
    const int64_t area = int64_t(out.shape().h) * out.shape().w;
    std::fill_n(seed.data() + o.channel * area, area, 1.0f / float(area));
    const NodeGradients grads = graph_backward_to(*graph_, acts, o.node, seed, 0);
    const Tensor& g_shifted = grads.grads[0];
    if (!g_shifted.empty()) {
        const Tensor g = rolled(g_shifted, -dy, -dx);  // back to the unshifted image
        double mean_abs = 0;
        for (int64_t i = 0; i < g.numel(); ++i) mean_abs += std::fabs(g[i]);
        mean_abs /= double(g.numel());
        if (mean_abs > 0) {  // zero: a dead unit (ReLU off everywhere), nothing to climb
            const float scale = float(o.step_size / mean_abs);
            for (int64_t i = 0; i < g.numel(); ++i) image_[i] += scale * g[i];
        }
    }
    for (int64_t i = 0; i < image_.numel(); ++i)
        image_[i] -= o.l2_decay * (image_[i] - o.background);
    ++steps_;
    if (o.blur_every > 0 && steps_ % o.blur_every == 0) blur3(image_, o.blur_sigma);
    for (int64_t i = 0; i < image_.numel(); ++i)
        image_[i] = std::clamp(image_[i], o.value_min, o.value_max);
    result.step = steps_;
    result.image = image_.clone();
    return result;
}

}  // namespace cl
