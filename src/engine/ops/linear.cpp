// Linear (fully connected): any [N,C,H,W] input is read as [N, C*H*W]; Eigen GEMV/GEMM.

#include <algorithm>

#include "engine/error.h"
#include "engine/ops/gemm.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"
#include "engine/parallel.h"

namespace cl {

namespace {

class LinearOp final : public Op {
public:
    LinearOp(int in_features, int out_features, bool bias)
        : in_(in_features), out_(out_features), has_bias_(bias) {
        if (in_ < 1 || out_ < 1) return;             // reported by infer_shape
        weight_ = Tensor::zeros({out_, in_, 1, 1});  // [out, in]; grads on the first backward
        if (has_bias_) bias_ = Tensor::zeros({out_, 1, 1, 1});
    }

    OpKind kind() const override { return OpKind::Linear; }
    OpAttributes attributes() const override {
        LinearParams p;
        p.in_features = in_;
        p.out_features = out_;
        p.bias = has_bias_;
        return p;
    }
    std::unique_ptr<Op> clone() const override {
        auto copy = std::make_unique<LinearOp>(*this);
        deep_copy_tensors({&copy->weight_, &copy->weight_grad_, &copy->bias_, &copy->bias_grad_});
        return copy;
    }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        if (in_ < 1 || out_ < 1)
            throw Error("needs at least 1 input and 1 output feature, got " + std::to_string(in_) +
                        " and " + std::to_string(out_));
        require_input_count(inputs, 1);
        const Shape& s = inputs[0];
        if (s.per_sample() != in_)
            throw Error("expects " + std::to_string(in_) + " input features, got " +
                        std::to_string(s.per_sample()) + " (" + s.chw() + ")");
        return {s.n, out_, 1, 1};
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const int n = inputs[0]->shape().n;
        ConstMatrixMap x = inputs[0]->as_matrix(n, in_);
        MatrixMap y = output.as_matrix(n, out_);
        ConstMatrixMap w = weight_.as_matrix(out_, in_);
        if (n == 1) {
            // A batch of one is a matrix-vector product: [out, in] x [in], bound by reading
            // the weights (VGG16's fc6: 411 MB), so large ones are split by rows over the
            // threads, each streaming its own part of the matrix.
            const bool split = int64_t(out_) * in_ >= k_min_parallel_macs;
            // Four parts a thread: a late thread's share is taken by the others.
            const int parts = split ? std::min(4 * parallel_team(), out_) : 1;
            parallel_for(parts, [&](int part) {
                const int r0 = int(int64_t(out_) * part / parts);
                const int r1 = int(int64_t(out_) * (part + 1) / parts);
                y.row(0).segment(r0, r1 - r0).transpose().noalias() =
                    w.middleRows(r0, r1 - r0) * x.row(0).transpose();
            });
        } else {
            GemmArgs g;  // [N, in] x [in, out], through gemm() for the engine's pool
            g.m = n, g.n = out_, g.k = in_;
            g.a = inputs[0]->data(), g.lda = in_;
            g.b = weight_.data(), g.ldb = in_, g.transpose_b = true;
            g.c = output.data(), g.ldc = out_;
            gemm(g);
        }
        if (has_bias_) y.rowwise() += bias_.as_matrix(1, out_).row(0);
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        const int n = args.inputs[0]->shape().n;
        if (args.param_grads) {
            allocate_grads({{&weight_, &weight_grad_}, {&bias_, &bias_grad_}});
            ConstMatrixMap dy = args.grad_output->as_matrix(n, out_);
            // The products go through gemm() so that large ones use the engine's pool.
            GemmArgs dw;  // [out, N] x [N, in] += into the weight grad
            dw.m = out_, dw.n = in_, dw.k = n;
            dw.a = args.grad_output->data(), dw.lda = out_, dw.transpose_a = true;
            dw.b = args.inputs[0]->data(), dw.ldb = in_;
            dw.c = weight_grad_.data(), dw.ldc = in_;
            dw.accumulate = true;
            gemm(dw);
            if (has_bias_) bias_grad_.as_matrix(1, out_) += dy.colwise().sum();
        }
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        GemmArgs dxg;  // [N, out] x [out, in] += into the input grad
        dxg.m = n, dxg.n = in_, dxg.k = out_;
        dxg.a = args.grad_output->data(), dxg.lda = out_;
        dxg.b = weight_.data(), dxg.ldb = in_;
        dxg.c = dx->data(), dxg.ldc = in_;
        dxg.accumulate = true;
        gemm(dxg);
    }

    std::vector<NamedParam> params() override {
        std::vector<NamedParam> list;
        list.push_back({"weight", &weight_, &weight_grad_, true, 2});
        if (has_bias_) list.push_back({"bias", &bias_, &bias_grad_, true, 1});
        return list;
    }

    int64_t macs(const std::vector<Shape>& /*inputs*/, const Shape& output) const override {
        return int64_t(output.n) * in_ * out_;
    }

private:
    int in_, out_;
    bool has_bias_;
    Tensor weight_, weight_grad_, bias_, bias_grad_;
};

}  // namespace

std::unique_ptr<Op> make_linear(int in_features, int out_features, bool bias) {
    return std::make_unique<LinearOp>(in_features, out_features, bias);
}
std::unique_ptr<Op> make_linear(const LinearParams& params) {
    return std::make_unique<LinearOp>(params.in_features, params.out_features, params.bias);
}

}  // namespace cl
