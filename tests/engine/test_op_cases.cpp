// The checks every row of the op-case table (op_cases.h) goes through: forward (and forward
// with a fused ReLU) against the textbook loops of ops/reference.h, backward against finite
// differences, and tests that fail when an OpKind has no row or a row with a backward names no
// PyTorch parity case (torch_parity_ops.h).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "engine/error.h"
#include "engine/ops/direct_conv.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "engine/ops/winograd.h"
#include "op_cases.h"
#include "op_test_util.h"
#include "torch_parity_ops.h"

namespace cl {
namespace {

using testing::Inputs;
using testing::op_cases;
using testing::OpCase;

// The op with random parameters (running variances positive) and its inputs.
struct Prepared {
    std::unique_ptr<Op> op;
    std::vector<Tensor> inputs;
    Inputs ptrs() const {
        Inputs p;
        for (const Tensor& t : inputs) p.push_back(&t);
        return p;
    }
};
Prepared prepare(const OpCase& c) {
    Prepared p{c.make(), {}};
    p.op->set_training(c.training);
    uint32_t seed = 100;
    for (NamedParam& np : p.op->params()) {
        if (!np.trainable && np.name.rfind("running_", 0) != 0) continue;  // Mul's constant
        const bool positive = np.name == "running_var";
        const Tensor r = testing::random_tensor(np.value->shape(), seed++, positive ? 0.5f : -1.0f,
                                                positive ? 1.5f : 1.0f);
        std::copy(r.data(), r.data() + r.numel(), np.value->data());
    }
    for (size_t i = 0; i < c.inputs.size(); ++i)
        p.inputs.push_back(c.input(i, c.inputs[i], seed++));
    return p;
}

bool all_nan(const Tensor& t) {
    for (int64_t i = 0; i < t.numel(); ++i)
        if (!std::isnan(t[i])) return false;
    return true;
}

class OpCases : public ::testing::TestWithParam<OpCase> {};

// run_op starts the output as NaN: an op that leaves a value unwritten fails here.
TEST_P(OpCases, ForwardMatchesReference) {
    const OpCase& c = GetParam();
    const Prepared p = prepare(c);
    const Tensor expected = c.reference(*p.op, p.ptrs());
    EXPECT_TRUE(testing::tensors_close(testing::run_op(*p.op, p.ptrs()), expected, c.rtol, c.atol));
    // Again: an op that keeps state between calls (cached weights, masks) gives the same.
    EXPECT_TRUE(testing::tensors_close(testing::run_op(*p.op, p.ptrs()), expected, c.rtol, c.atol))
        << "second forward";
}

// forward_with_relu either writes both tensors (the op's output and its ReLU, exactly) or,
// returning false, neither.
TEST_P(OpCases, ForwardWithReluMatchesReference) {
    const OpCase& c = GetParam();
    const Prepared p = prepare(c);
    std::vector<Shape> shapes;
    for (const Tensor& t : p.inputs) shapes.push_back(t.shape());
    const Shape out_shape = p.op->infer_shape(shapes);
    Tensor out = Tensor::filled(out_shape, std::numeric_limits<float>::quiet_NaN());
    Tensor relu = Tensor::filled(out_shape, std::numeric_limits<float>::quiet_NaN());
    if (!p.op->forward_with_relu(p.ptrs(), out, relu)) {
        EXPECT_TRUE(all_nan(out) && all_nan(relu)) << "returned false but wrote values";
        return;
    }
    EXPECT_TRUE(testing::tensors_close(out, c.reference(*p.op, p.ptrs()), c.rtol, c.atol));
    EXPECT_TRUE(testing::tensors_close(relu, relu_reference(out), 0.0f, 0.0f)) << "fused ReLU";
}

TEST_P(OpCases, BackwardMatchesFiniteDifferences) {
    const OpCase& c = GetParam();
    Prepared p = prepare(c);
    EXPECT_EQ(p.op->has_backward(), c.has_backward)
        << "has_backward() disagrees with the row (and with whether backward() throws)";
    if (!c.has_backward) {
        const Inputs x = p.ptrs();
        const Tensor y = testing::run_op(*p.op, x);
        std::vector<Tensor> dx;
        for (const Tensor& t : p.inputs) dx.push_back(Tensor::zeros(t.shape()));
        BackwardArgs args;
        args.inputs = x;
        args.output = &y;
        args.grad_output = &y;
        for (Tensor& g : dx) args.grad_inputs.push_back(&g);
        EXPECT_THROW(p.op->backward(args), Error)
            << "the row says forward-only, but backward ran: drop forward_only() from the row "
               "so that the new backward is checked";
        return;
    }
    for (const NamedParam& np : p.op->params())
        EXPECT_TRUE(!np.trainable || np.grad) << np.name << " is trainable but has no gradient";
    EXPECT_TRUE(testing::check_gradients(*p.op, p.inputs, 7, c.grad));
}

// BackwardArgs: grad_inputs entries may be nullptr when not needed. The parameter gradients
// must not change, and nothing may crash; a forward-only op throws here too.
TEST_P(OpCases, BackwardWithoutInputGradients) {
    const OpCase& c = GetParam();
    const Prepared p = prepare(c);
    const Inputs x = p.ptrs();
    std::vector<std::vector<Tensor>> param_grads;
    for (bool with_dx : {false, true}) {  // a forward-only op must throw at the first
        std::unique_ptr<Op> op = p.op->clone();
        const Tensor y = testing::run_op(*op, x);  // Dropout keeps its mask for backward
        const Tensor dy = testing::random_tensor(y.shape(), 5);
        std::vector<Tensor> dx;
        for (const Tensor& t : p.inputs) dx.push_back(Tensor::zeros(t.shape()));
        BackwardArgs args;
        args.inputs = x;
        args.output = &y;
        args.grad_output = &dy;
        for (Tensor& g : dx) args.grad_inputs.push_back(with_dx ? &g : nullptr);
        if (!c.has_backward) {
            EXPECT_THROW(op->backward(args), Error) << "the row says forward-only";
            return;
        }
        op->backward(args);
        param_grads.emplace_back();
        for (const NamedParam& np : op->params())
            if (np.grad) param_grads.back().push_back(np.grad->clone());
    }
    ASSERT_EQ(param_grads[0].size(), param_grads[1].size());
    for (size_t i = 0; i < param_grads[0].size(); ++i)
        EXPECT_TRUE(testing::tensors_close(param_grads[0][i], param_grads[1][i], 1e-6f, 1e-7f))
            << "parameter gradient " << i;
}

// BackwardArgs::param_grads false (explanations): the same input gradients, bit for bit, and
// no parameter gradient written or allocated.
TEST_P(OpCases, BackwardWithoutParameterGradients) {
    const OpCase& c = GetParam();
    if (!c.has_backward) return;  // BackwardWithoutInputGradients checks that it throws
    const Prepared p = prepare(c);
    const Inputs x = p.ptrs();
    std::vector<std::vector<Tensor>> dx(2);
    for (int pass = 0; pass < 2; ++pass) {
        const bool param_grads = pass == 0;
        std::unique_ptr<Op> op = p.op->clone();
        const Tensor y = testing::run_op(*op, x);
        const Tensor dy = testing::random_tensor(y.shape(), 5);
        for (const Tensor& t : p.inputs) dx[size_t(pass)].push_back(Tensor::zeros(t.shape()));
        BackwardArgs args;
        args.inputs = x;
        args.output = &y;
        args.grad_output = &dy;
        args.param_grads = param_grads;
        for (Tensor& g : dx[size_t(pass)]) args.grad_inputs.push_back(&g);
        op->backward(args);
        if (param_grads) continue;
        for (const NamedParam& np : op->read_params()) {
            if (np.grad) {
                EXPECT_TRUE(np.grad->empty()) << np.name << "'s gradient was allocated";
            }
        }
    }
    for (size_t i = 0; i < dx[0].size(); ++i)
        EXPECT_TRUE(testing::tensors_close(dx[1][i], dx[0][i], 0.0f, 0.0f)) << "input " << i;
}

INSTANTIATE_TEST_SUITE_P(Ops, OpCases, ::testing::ValuesIn(op_cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) {
                             return info.param.name();
                         });

// A row with a backward names the oracle op whose PyTorch cases check its kind
// (torch_parity_ops.h); a forward-only row names none, since those cases check gradients too.
TEST(OpCaseTable, EveryRowWithABackwardHasPyTorchParity) {
    for (const OpCase& c : op_cases()) {
        const OpKind kind = c.make()->kind();
        if (!c.has_backward) {
            EXPECT_TRUE(c.torch.empty()) << c.name() << " is forward-only but names " << c.torch;
            continue;
        }
        const testing::TorchParityOp* oracle = testing::torch_parity_op(c.torch);
        if (!oracle) {
            ADD_FAILURE() << c.name() << " has a backward but no PyTorch parity case: add one to "
                          << "tests/reference/ops_torch.py and torch_parity_ops.h, then "
                          << ".torch_parity(\"<op>\") to the row";
            continue;
        }
        EXPECT_EQ(oracle->kind, kind) << c.name() << " names the parity cases of " << c.torch;
    }
}

TEST(OpCaseTable, EveryOpKindHasARow) {
    std::set<OpKind> covered;
    for (const OpCase& c : op_cases()) covered.insert(c.make()->kind());
    for (int k = 0; k < int(OpKind::Count); ++k) {
        const OpKind kind = OpKind(k);
        if (kind == OpKind::Input) continue;  // the graph's source, not an op one can make
        EXPECT_TRUE(covered.count(kind))
            << op_kind_name(kind) << " has no row in the op-case table (op_case_table.cpp)";
    }
}

// The Conv2d rows named after a fast path reach it: Conv2d's own choice, with the rows' sizes
// (channels per group, kernel, output size). A changed threshold shows here, not as a row
// that quietly tests im2col twice.
TEST(OpCaseTable, ConvRowsReachTheirNamedPaths) {
    EXPECT_EQ(winograd_tile_for(64, 64, 13, 13), 2) << "k3_s1_p1_winograd_f2";
    EXPECT_EQ(winograd_tile_for(64, 64, 28, 27), 4) << "k3_s1_p1_winograd_f4";
    EXPECT_TRUE(direct_conv_worth_it(3, 4, 3, 11)) << "k3_s1_p1_direct";
    EXPECT_TRUE(direct_conv_worth_it(1, 1, 3, 9)) << "k3_s1_p1_depthwise_direct";
    EXPECT_FALSE(direct_conv_worth_it(3, 4, 3, 6)) << "k3_s1_p1_im2col";
}

}  // namespace
}  // namespace cl
