// The backward pass over a whole Graph: walks the nodes in reverse from one node's gradient,
// letting each Op add into its inputs' gradients and its own parameter gradients.
#pragma once

#include <vector>

#include "engine/graph.h"

namespace cl {

// Gradients of every node output (same shapes as Activations::outputs); an empty Tensor where
// the gradient was not needed (nodes after `from`, or the input unless asked for).
struct NodeGradients {
    std::vector<Tensor> grads;
};

struct BackwardOptions {
    // A node whose output gradient is wanted besides the parameters': 0 = the input
    // (saliency), a layer (Grad-CAM); -1 = none (training).
    int wanted = -1;
    // Training: ADD every parameter's gradient into what the ops hold. false (explanations): no
    // parameter gradient is computed or touched, and only the nodes on a path from `wanted` to
    // `from` run their backward: Grad-CAM at a late layer costs a few small layers, not the
    // whole network.
    bool param_grads = true;
};

// acts: Graph::forward's result for this batch (in training mode when training). grad_from:
// dLoss/d(output of node `from`), same shape as that output. Parameter gradients are ADDED to
// what the ops hold (call zero_param_grads before each step). with_input_grad: also compute
// dLoss/d(input).
NodeGradients graph_backward(Graph& graph, const Activations& acts, int from,
                             const Tensor& grad_from, bool with_input_grad = false);
// The same with options; throws cl::Error naming the node when an op on the way has no
// backward (explain/attribution.h finds it before anything runs).
NodeGradients graph_backward(Graph& graph, const Activations& acts, int from,
                             const Tensor& grad_from, const BackwardOptions& options);
// d(output of `from`)/d(output of `wanted`) and the gradients between, on a graph that stays
// const: with BackwardArgs::param_grads false an op writes nothing but the gradients it is
// handed (op.h), so this runs on a shared graph, from several threads at once.
NodeGradients graph_backward_to(const Graph& graph, const Activations& acts, int from,
                                const Tensor& grad_from, int wanted);

void zero_param_grads(Graph& graph);

}  // namespace cl
