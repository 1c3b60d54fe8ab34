// Where the network looked: attribution maps for one input and one class, on any model (zoo or
// ONNX). Gradient methods (saliency, gradient x input, Grad-CAM) differentiate the class's
// pre-softmax score; occlusion needs no gradients and works on every model. UI-free: the
// Patterns view and `convlens explain` are built on these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/explain/explain_run.h"
#include "engine/graph.h"

namespace cl {

// target_class value meaning "the class the model predicts for this input".
constexpr int k_predicted_class = -1;

// The class an explanation is about, as the model scored it on the unaltered input.
struct ExplainedClass {
    int index = 0;          // the class explained
    int predicted = 0;      // the model's arg-max class
    float score = 0;        // y_k: the logits node's output (before any softmax)
    float probability = 0;  // softmax(y)_k
};

// Saliency and gradient x input.
struct Attribution {
    Tensor map;  // the input's shape [1,C,H,W], signed
    ExplainedClass target;
    bool cancelled = false;  // map is then empty
};

struct GradCam {
    int layer = -1;  // node index
    // ReLU(sum_c alpha_c A_c) at the layer's resolution, [1,1,H,W]; A = the layer's output.
    Tensor map;
    std::vector<float> alphas;  // alpha_c = mean over the H x W positions of d y_k / d A_c
    ExplainedClass target;
    bool cancelled = false;
};

struct OcclusionOptions {
    int patch = 0;              // side of the square patch, input pixels; 0: default_patch()
    int stride = 0;             // 0: half the patch (at least 1)
    std::optional<float> fill;  // the patch's value in every channel; none: the input's mean
    int batch = 32;             // occluded copies per forward pass (fewer if memory says so)
    static int default_patch(Shape input_shape);  // max(1, min(H, W) / 7): 4 for 28, 32 for 224
};

struct Occlusion {
    // map(i, j) = p_k(x) - p_k(x with rows [i*stride, i*stride + patch) and columns
    // [j*stride, j*stride + patch) set to `fill` in every channel), p = softmax of the logits.
    // Positive: hiding that patch lowers the class's probability. [1,1,rows,cols] with
    // rows = (H - patch) / stride + 1 and cols = (W - patch) / stride + 1: every patch lies
    // inside the image, and the last rows or columns of pixels are left out when the stride
    // does not divide H - patch (W - patch).
    Tensor map;
    int patch = 0, stride = 0;
    float fill = 0;
    ExplainedClass target;
    bool cancelled = false;
};

// Every function here takes the graph const and leaves it as it was (no parameter gradient is
// computed or written), so views can share one copy of a model and explain from several
// threads at once. The graph must be in inference mode (require_inference_mode). input: one
// sample [1,C,H,W] of the model's input shape. keep_going is asked between the nodes of each
// forward pass (and between occlusion's rounds); a cancelled call returns `cancelled`.

// Saliency (Simonyan et al. 2014): d y_k / d input, signed. Throws cl::Error for a class out
// of range, or an op without backward on the way (naming it: occlusion still works there).
Attribution saliency(const Graph& graph, const Tensor& input, int target_class = k_predicted_class,
                     const ExplainControl& control = {});
// saliency * input, element by element (signed).
Attribution gradient_times_input(const Graph& graph, const Tensor& input,
                                 int target_class = k_predicted_class,
                                 const ExplainControl& control = {});
// Grad-CAM (Selvaraju et al. 2017) at node `layer`, whose output must be spatial (H or W > 1)
// and feed the class scores; otherwise a cl::Error naming the layer. The backward pass stops at
// the layer. Same errors as saliency().
GradCam grad_cam(const Graph& graph, const Tensor& input, int layer,
                 int target_class = k_predicted_class, const ExplainControl& control = {});
// Occlusion (Zeiler & Fergus 2014): forward passes only, so any model; batches of occluded
// copies run side by side; progress counts patch positions. Throws cl::Error for a patch
// larger than the image.
Occlusion occlusion(const Graph& graph, const Tensor& input, int target_class = k_predicted_class,
                    const OcclusionOptions& options = {}, const ExplainControl& control = {});

// The node a gradient from node `from` down to node `wanted` (0: the input) would first meet
// whose op has no backward, walking from `from` towards the input; -1 when every op on the way
// has one. Only the nodes on a path from `wanted` to `from` count.
int first_without_backward(const Graph& graph, int from, int wanted);
// The gradient methods' check: throws "<method> needs ... 'node' (Op) has no backward; ..."
void require_backward(const Graph& graph, int from, int wanted, const std::string& method);

// Grad-CAM's default layer: the last Conv2d with a spatial output, or the ReLU it feeds
// (through BatchNorm and a residual Add, as in ResNet's blocks) when there is one; -1 when the
// model has no such conv.
int default_grad_cam_layer(const Graph& graph);

}  // namespace cl
