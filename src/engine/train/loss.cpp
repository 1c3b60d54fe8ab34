// Softmax cross-entropy with the log-sum-exp shift, computed in double per sample so that the
// loss of a confident network is not rounded to zero.
#include "engine/train/loss.h"

#include <cmath>
#include <string>

#include "engine/error.h"

namespace cl {

int logits_node(const Graph& graph) {
    const int last = graph.output_index();
    const Node& node = graph.node(last);
    if (node.op->kind() == OpKind::Softmax && node.inputs.size() == 1) return node.inputs[0];
    return last;
}

int arg_max(const Tensor& scores, int n) {
    const int64_t k = scores.shape().per_sample();
    const float* row = scores.data() + n * k;
    int best = 0;
    for (int64_t j = 1; j < k; ++j)
        if (row[j] > row[best]) best = int(j);
    return best;
}

LossResult softmax_cross_entropy(const Tensor& logits, const uint8_t* labels, float scale) {
    const int n = logits.shape().n;
    const int64_t k = logits.shape().per_sample();
    LossResult r;
    r.grad = Tensor::zeros(logits.shape());
    std::vector<double> e(size_t(k), 0.0);
    for (int i = 0; i < n; ++i) {
        if (labels[i] >= k)
            throw Error("label " + std::to_string(labels[i]) + " of sample " + std::to_string(i) +
                        " is outside the model's " + std::to_string(k) + " classes");
        const float* z = logits.data() + i * k;
        float* g = r.grad.data() + i * k;
        double m = z[0];
        for (int64_t j = 1; j < k; ++j) m = std::max(m, double(z[j]));
        double sum = 0;
        for (int64_t j = 0; j < k; ++j) sum += e[size_t(j)] = std::exp(double(z[j]) - m);
        // -log p[label] = log(sum) - (z[label] - m); NaN logits make the loss NaN, as they should
        r.loss += std::log(sum) - (double(z[labels[i]]) - m);
        for (int64_t j = 0; j < k; ++j)
            g[j] = float((e[size_t(j)] / sum - (j == labels[i] ? 1.0 : 0.0)) * scale);
        if (arg_max(logits, i) == labels[i]) ++r.correct;
    }
    return r;
}

}  // namespace cl
