// Whole-graph backward against finite differences of the cross-entropy loss, on small graphs
// that exercise what LeNet-5 and the residual/inception blocks use: conv (stride, pad), pooling,
// activations, dropout, batch-norm in training mode, flatten, linear, concat, and a node with
// two consumers whose gradients must be summed.
#include <cmath>
#include <functional>

#include "engine/error.h"
#include "engine/ops/dropout.h"
#include "engine/train/backprop.h"
#include "engine/train/loss.h"
#include "engine/zoo/zoo.h"
#include "testing.h"

namespace cl::testing {
namespace {

Graph lenet_like() {
    Graph g("lenet_like");
    int x = g.add_input("input", {1, 1, 12, 12});
    x = g.add("conv1", make_conv2d(1, conv(4, 3).with_pad(1)), {x});  // 4x12x12
    x = g.add("relu1", make_relu(), {x});
    x = g.add("pool1", make_maxpool2d(pool(2, 2)), {x});                 // 4x6x6
    x = g.add("conv2", make_conv2d(4, conv(6, 3).with_stride(2)), {x});  // 6x2x2
    x = g.add("relu2", make_relu(), {x});
    x = g.add("flatten", make_flatten(), {x});
    x = g.add("fc1", make_linear(24, 16), {x});
    x = g.add("relu3", make_relu(), {x});
    x = g.add("drop", make_dropout(0.3f), {x});
    x = g.add("fc2", make_linear(16, 5), {x});
    g.add("softmax", make_softmax(), {x});
    return g;
}

Graph branches() {
    Graph g("branches");
    const int in = g.add_input("input", {1, 2, 8, 8});
    int a = g.add("a", make_conv2d(2, conv(3, 3).with_pad(1)), {in});  // 3x8x8
    a = g.add("a_tanh", make_tanh(), {a});
    int b = g.add("b", make_conv2d(2, conv(3, 1)), {in});  // 3x8x8
    b = g.add("b_sigmoid", make_sigmoid(), {b});
    int x = g.add("cat", make_concat(), {a, b});                                    // 6x8x8
    x = g.add("avg", make_avgpool2d(pool(2, 2)), {x});                              // 6x4x4
    x = g.add("down", make_conv2d(6, conv(4, 3).with_stride(2).with_pad(1)), {x});  // 4x2x2
    const int t = g.add("down_tanh", make_tanh(), {x});
    x = g.add("sum", make_add(), {x, t});  // x has two consumers
    x = g.add("flatten", make_flatten(), {x});
    g.add("fc", make_linear(16, 4), {x});
    return g;
}

Graph batchnorm_residual() {
    Graph g("batchnorm_residual");
    const int in = g.add_input("input", {1, 3, 6, 6});
    int x = g.add("conv1", make_conv2d(3, conv(4, 3).with_pad(1).without_bias()), {in});
    const int skip = g.add("bn1", make_batchnorm2d(4), {x});
    x = g.add("relu1", make_relu(), {skip});
    x = g.add("conv2", make_conv2d(4, conv(4, 3).with_pad(1)), {x});
    x = g.add("add", make_add(), {x, skip});
    x = g.add("gap", make_global_avgpool(), {x});
    x = g.add("flatten", make_flatten(), {x});
    g.add("fc", make_linear(4, 3), {x});
    return g;
}

struct GraphCase {
    const char* name;
    std::function<Graph()> build;
    int batch;
    double eps, atol, rtol;
};

// The loss of one forward; dropout masks are re-seeded so every evaluation draws the same one.
double loss_of(Graph& g, const Tensor& x, const std::vector<uint8_t>& labels) {
    for (int i = 0; i < g.size(); ++i)
        if (g.node(i).op->kind() == OpKind::Dropout) dropout_set_seed(*g.node(i).op, 99);
    const Activations acts = g.forward(x);
    return softmax_cross_entropy(acts.outputs[size_t(logits_node(g))], labels.data(), 1.0f).loss;
}

class GraphBackward : public ::testing::TestWithParam<GraphCase> {};

TEST_P(GraphBackward, MatchesFiniteDifferencesOfTheLoss) {
    const GraphCase& c = GetParam();
    Graph g = c.build();
    init_he(g, 5);
    for (GraphParam& p : g.params())  // non-zero biases, so no unit sits exactly on a kink
        if (p.name.find(".bias") != std::string::npos && p.param.grad)
            *p.param.value = random_tensor(p.param.value->shape(), 11, -0.1f, 0.1f);
    g.set_training(true);
    Shape in = g.input_shape();
    in.n = c.batch;
    Tensor x = random_tensor(in, 3);
    std::vector<uint8_t> labels;
    const int classes = int(g.node(logits_node(g)).shape.per_sample());
    for (int i = 0; i < c.batch; ++i) labels.push_back(uint8_t((i * 3 + 1) % classes));

    zero_param_grads(g);
    for (int i = 0; i < g.size(); ++i)
        if (g.node(i).op->kind() == OpKind::Dropout) dropout_set_seed(*g.node(i).op, 99);
    const Activations acts = g.forward(x);
    const int logits = logits_node(g);
    const LossResult r = softmax_cross_entropy(acts.outputs[size_t(logits)], labels.data(), 1.0f);
    const NodeGradients grads = graph_backward(g, acts, logits, r.grad, true);

    auto check = [&](const std::string& what, Tensor& value, const Tensor& analytic) {
        // Up to 25 elements spread over the tensor keep the test fast.
        const int64_t stride = std::max<int64_t>(1, value.numel() / 25);
        int bad = 0;
        for (int64_t i = 0; i < value.numel(); i += stride) {
            const float keep = value[i];
            value[i] = float(keep + c.eps);
            const double up = loss_of(g, x, labels);
            value[i] = float(keep - c.eps);
            const double down = loss_of(g, x, labels);
            value[i] = keep;
            const double numeric = (up - down) / (2 * c.eps);
            if (std::fabs(numeric - analytic[i]) > c.atol + c.rtol * std::fabs(numeric)) {
                if (bad++ == 0)
                    ADD_FAILURE() << c.name << " " << what << "[" << i << "]: backward "
                                  << analytic[i] << ", finite differences " << numeric;
            }
        }
        EXPECT_EQ(bad, 0) << what;
    };
    for (GraphParam& p : g.params())
        if (p.param.grad) check(p.name, *p.param.value, *p.param.grad);
    ASSERT_FALSE(grads.grads[0].empty());
    check("input", x, grads.grads[0]);
}

INSTANTIATE_TEST_SUITE_P(
    Train, GraphBackward,
    ::testing::Values(GraphCase{"lenet_like", lenet_like, 2, 1e-3, 2e-3, 2e-2},
                      GraphCase{"branches", branches, 3, 1e-2, 1e-3, 1e-2},
                      GraphCase{"batchnorm_residual", batchnorm_residual, 4, 1e-3, 2e-3, 2e-2}),
    [](const ::testing::TestParamInfo<GraphCase>& info) { return std::string(info.param.name); });

TEST(GraphBackward, AddsIntoParamGradsAndZeroClearsThem) {
    Graph g = lenet_like();
    init_he(g, 1);
    const Tensor x = random_tensor({2, 1, 12, 12}, 2);
    const Activations acts = g.forward(x);
    const int logits = logits_node(g);
    const uint8_t labels[2] = {1, 3};
    const LossResult r = softmax_cross_entropy(acts.outputs[size_t(logits)], labels, 1.0f);
    zero_param_grads(g);
    graph_backward(g, acts, logits, r.grad);
    GraphParam w = g.params().front();
    const Tensor once = w.param.grad->clone();
    graph_backward(g, acts, logits, r.grad);
    Tensor twice = once.clone();
    for (int64_t i = 0; i < twice.numel(); ++i) twice[i] *= 2;
    EXPECT_TENSORS_CLOSE(*w.param.grad, twice, 1e-5f, 1e-7f);
    zero_param_grads(g);
    EXPECT_EQ(w.param.grad->to_vector(), std::vector<float>(size_t(once.numel()), 0.0f));
}

TEST(GraphBackward, SkipsTheInputUnlessAskedAndRejectsWrongGradShape) {
    Graph g = lenet_like();
    const Activations acts = g.forward(Tensor::zeros({1, 1, 12, 12}));
    const int logits = logits_node(g);
    const NodeGradients grads = graph_backward(g, acts, logits, Tensor::zeros({1, 5, 1, 1}));
    EXPECT_TRUE(grads.grads[0].empty());
    EXPECT_FALSE(grads.grads[size_t(g.find("conv1"))].empty());
    EXPECT_TRUE(grads.grads[size_t(g.find("softmax"))].empty());
    EXPECT_THROW(graph_backward(g, acts, logits, Tensor::zeros({1, 4, 1, 1})), Error);
}

}  // namespace
}  // namespace cl::testing
