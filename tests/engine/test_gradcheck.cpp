// Every op's backward against double-sided finite differences, for its inputs and its
// trainable parameters, on small shapes across strides, paddings, groups and modes.
#include <gtest/gtest.h>

#include <functional>

#include "engine/ops/op.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::GradCheckOptions;

struct GradCase {
    const char* name;
    std::function<std::unique_ptr<Op>()> make;
    std::vector<Shape> inputs;
    bool distinct = false;  // inputs spaced 0.01 apart: no ties or kinks within eps
    bool training = false;
};
void PrintTo(const GradCase& c, std::ostream* os) {
    *os << c.name;
}

class GradCheck : public ::testing::TestWithParam<GradCase> {};

TEST_P(GradCheck, BackwardMatchesFiniteDifferences) {
    const GradCase& c = GetParam();
    auto op = c.make();
    op->set_training(c.training);
    uint32_t seed = 100;
    for (NamedParam& p : op->params()) {
        const bool positive = p.name == "running_var";
        const Tensor r = testing::random_tensor(p.value->shape(), seed++, positive ? 0.5f : -1.0f,
                                                positive ? 1.5f : 1.0f);
        std::copy(r.data(), r.data() + r.numel(), p.value->data());
    }
    std::vector<Tensor> inputs;
    for (const Shape& s : c.inputs)
        inputs.push_back(c.distinct ? testing::distinct_tensor(s, seed++)
                                    : testing::random_tensor(s, seed++));
    GradCheckOptions opt;
    if (c.distinct) opt.eps = 2e-3f;
    EXPECT_TRUE(testing::check_gradients(*op, inputs, seed, opt));
}

LrnParams strong_lrn(int size) {
    LrnParams p;
    p.size = size;
    p.alpha = 0.8f;
    p.beta = 0.75f;
    p.k = 1.0f;
    return p;
}

const GradCase k_grad_cases[] = {
    {"conv_k3_s1_p1_g1", [] { return make_conv2d(3, conv(4, 3).with_pad(1)); }, {{2, 3, 5, 6}}},
    {"conv_k3_s2_p0_g1", [] { return make_conv2d(2, conv(3, 3).with_stride(2)); }, {{1, 2, 7, 7}}},
    {"conv_k1_s1_p0_fast", [] { return make_conv2d(4, conv(3, 1)); }, {{2, 4, 3, 4}}},
    {"conv_k1_s2_p1",
     [] { return make_conv2d(2, conv(3, 1).with_stride(2).with_pad(1)); },
     {{1, 2, 5, 4}}},
    {"conv_k5_s2_p2_g1",
     [] { return make_conv2d(2, conv(3, 5).with_stride(2).with_pad(2)); },
     {{1, 2, 8, 9}}},
    {"conv_k3_s3_p3_g1",
     [] { return make_conv2d(2, conv(2, 3).with_stride(3).with_pad(3)); },
     {{1, 2, 7, 5}}},
    {"conv_k3_s1_p1_g2",
     [] { return make_conv2d(4, conv(6, 3).with_pad(1).with_groups(2)); },
     {{1, 4, 5, 5}}},
    {"conv_k1_s1_p0_g2_fast",
     [] { return make_conv2d(4, conv(2, 1).with_groups(2)); },
     {{2, 4, 3, 3}}},
    {"conv_k3_s2_p2_d2",
     [] { return make_conv2d(2, conv(3, 3).with_stride(2).with_pad(2).with_dilation(2)); },
     {{1, 2, 9, 8}}},
    {"conv_k3_s1_p0_nobias",
     [] { return make_conv2d(3, conv(2, 3).without_bias()); },
     {{2, 3, 4, 5}}},
    {"maxpool_k2_s2_p0", [] { return make_maxpool2d(pool(2, 2)); }, {{2, 2, 6, 5}}, true},
    {"maxpool_k3_s2_p1_ceil",
     [] { return make_maxpool2d(pool(3, 2).with_pad(1).with_ceil()); },
     {{1, 3, 8, 7}},
     true},
    {"maxpool_k3_s1_p1",
     [] { return make_maxpool2d(pool(3, 1).with_pad(1)); },
     {{1, 2, 5, 5}},
     true},
    {"avgpool_k2_s2_p1_inclpad",
     [] { return make_avgpool2d(pool(2, 2).with_pad(1)); },
     {{1, 2, 5, 6}}},
    {"avgpool_k3_s2_p1_ceil_exclpad",
     [] { return make_avgpool2d(pool(3, 2).with_pad(1).with_ceil().excluding_pad()); },
     {{2, 2, 8, 7}}},
    {"avgpool_k3_s2_p0_ceil_inclpad",
     [] { return make_avgpool2d(pool(3, 2).with_ceil()); },
     {{1, 2, 6, 8}}},
    {"global_avgpool", [] { return make_global_avgpool(); }, {{2, 3, 4, 5}}},
    {"relu", [] { return make_relu(); }, {{2, 3, 4, 5}}, true},
    {"tanh", [] { return make_tanh(); }, {{2, 3, 4, 5}}},
    {"sigmoid", [] { return make_sigmoid(); }, {{2, 3, 4, 5}}},
    {"lrn_s5", [] { return make_lrn(strong_lrn(5)); }, {{2, 7, 3, 2}}},
    {"lrn_s4_even", [] { return make_lrn(strong_lrn(4)); }, {{1, 6, 2, 3}}},
    {"lrn_s3_alexnet_alpha", [] { return make_lrn(LrnParams{}); }, {{1, 5, 2, 2}}},
    {"batchnorm_inference", [] { return make_batchnorm2d(3); }, {{2, 3, 3, 4}}},
    {"batchnorm_training", [] { return make_batchnorm2d(3); }, {{3, 3, 3, 2}}, false, true},
    {"batchnorm_training_1x1", [] { return make_batchnorm2d(4); }, {{5, 4, 1, 1}}, false, true},
    {"linear_n1_gemv", [] { return make_linear(7, 5); }, {{1, 7, 1, 1}}},
    {"linear_n3_4d_input", [] { return make_linear(12, 4); }, {{3, 3, 2, 2}}},
    {"linear_n2_nobias", [] { return make_linear(6, 3, false); }, {{2, 6, 1, 1}}},
    {"flatten", [] { return make_flatten(); }, {{2, 3, 2, 2}}},
    {"concat_three", [] { return make_concat(); }, {{2, 1, 3, 2}, {2, 3, 3, 2}, {2, 2, 3, 2}}},
    {"add_two", [] { return make_add(); }, {{2, 3, 2, 2}, {2, 3, 2, 2}}},
    {"add_three", [] { return make_add(); }, {{1, 2, 3, 2}, {1, 2, 3, 2}, {1, 2, 3, 2}}},
    {"softmax_classes", [] { return make_softmax(); }, {{3, 6, 1, 1}}},
    {"softmax_per_position", [] { return make_softmax(); }, {{2, 4, 2, 3}}},
    {"dropout_inference", [] { return make_dropout(0.5f); }, {{2, 3, 2, 2}}},
};

INSTANTIATE_TEST_SUITE_P(Ops, GradCheck, ::testing::ValuesIn(k_grad_cases),
                         [](const ::testing::TestParamInfo<GradCase>& info) {
                             return std::string(info.param.name);
                         });

}  // namespace
}  // namespace cl
