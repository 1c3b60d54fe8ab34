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

// acts: Graph::forward's result for this batch (in training mode when training). grad_from:
// dLoss/d(output of node `from`), same shape as that output. Parameter gradients are ADDED to
// what the ops hold (call zero_param_grads before each step). with_input_grad: also compute
// dLoss/d(input), for saliency maps.
NodeGradients graph_backward(Graph& graph, const Activations& acts, int from,
                             const Tensor& grad_from, bool with_input_grad = false);

void zero_param_grads(Graph& graph);

}  // namespace cl
