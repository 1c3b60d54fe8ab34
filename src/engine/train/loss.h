// Softmax cross-entropy on a classifier's logits, the loss every ConvLens model trains with.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/graph.h"

namespace cl {

// The node whose output is the logits: the input of a final "softmax" node, else the last
// node. Training differentiates from there (softmax and the log are fused into the loss).
int logits_node(const Graph& graph);

struct LossResult {
    double loss = 0;  // sum over the samples of -log softmax(logits)[label]
    Tensor grad;      // d(loss * scale)/d(logits), shape of the logits
    int correct = 0;  // samples whose arg-max is the label
};

// logits: [N,K,1,1] (or any [N, K*H*W]); labels: N values in [0, K). scale multiplies the
// gradient (1/batch for a mean over a batch split across threads). Throws cl::Error for a
// label outside the classes.
LossResult softmax_cross_entropy(const Tensor& logits, const uint8_t* labels, float scale);

// Index of the largest value of sample n's row (the first one on ties).
int arg_max(const Tensor& scores, int n);

}  // namespace cl
