// What a unit would most like to see: gradient ascent on the input image to maximise one
// channel's mean activation (or a class's logit), regularised as the feature-visualisation
// recipes do (Yosinski et al. 2015; Olah et al. 2017): L2 decay, a random jitter of a few pixels
// every step and a small blur every few steps. Step by step, so that a view can show the image
// while it forms and stop whenever it likes.
#pragma once

#include <cstdint>
#include <random>

#include "engine/graph.h"

namespace cl {

struct ActivationMaxOptions {
    int node = -1;    // the layer
    int channel = 0;  // objective: the mean of this channel of the node's output over its H x W
    // Each step moves the pixels by step_size * g / mean|g| (g = d objective / d image), so that
    // step_size is in pixel units whatever the gradient's scale.
    float step_size = 0.05f;
    float l2_decay = 0.01f;   // then x <- x - l2_decay * (x - background)
    float background = 0.0f;  // start and decay value: 0 (black) for MNIST, 0.5 for photos
    float init_noise = 0.1f;  // the start: background + uniform noise in [-init_noise, init_noise]
    int jitter = 2;           // the image is rolled by up to this many pixels before each step
    int blur_every = 4;       // a 3x3 Gaussian blur after every blur_every-th step (0: never)
    float blur_sigma = 0.5f;
    float value_min = 0.0f, value_max = 1.0f;  // pixels stay in this range (pixel / 255)
    uint64_t seed = 1;

    // The objective a class's pre-softmax score: node = the logits node, channel = k.
    static ActivationMaxOptions for_class(const Graph& graph, int k);
};

struct ActivationMaxStep {
    int step = 0;          // 1 for the first step
    Tensor image;          // [1,C,H,W] after this step (a copy the caller may keep)
    double objective = 0;  // measured during the step, on the jittered image it differentiated
};

class ActivationMaximizer {
public:
    // Holds `graph`, which must outlive it and be in inference mode; like the attribution
    // methods it leaves the graph as it was. Throws cl::Error for a bad node or channel, or an
    // op without backward between the input and the node.
    ActivationMaximizer(const Graph& graph, const ActivationMaxOptions& options);

    ActivationMaxStep step();  // one forward (to the node) + backward (to the input) + update
    const Tensor& image() const { return image_; }
    int steps() const { return steps_; }
    // The objective for any image of the input's shape, without jitter (one forward pass).
    double objective_of(const Tensor& image) const;

private:
    const Graph* graph_;
    ActivationMaxOptions options_;
    Tensor image_;  // [1,C,H,W]
    int steps_ = 0;
    std::mt19937_64 rng_;
};

}  // namespace cl
