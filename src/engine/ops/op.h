// The operator interface every layer implements, the OpKind name table, and the named
// parameter structs (never magic keys). One .cpp per op family in this folder; the
// textbook loops used as the test oracle live in ops/reference.{h,cpp}.
#pragma once

#include <cfloat>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/tensor.h"

namespace cl {

enum class OpKind {
    Input,
    Conv2d,
    MaxPool2d,
    AvgPool2d,
    GlobalAvgPool,
    Relu,
    Tanh,
    Sigmoid,
    Lrn,
    BatchNorm2d,
    Linear,
    Flatten,
    Dropout,
    Concat,
    Add,
    Softmax,
    Mul,  // the ONNX importer's element-wise ops (elementwise.cpp), Clip (ReLU6), zero Pad
    Sub,
    Div,
    Clip,
    Pad,
    ShortcutPad,  // ResNet option-A shortcut: stride-s subsample + zero channels (shortcut_pad.cpp)
    ChannelPick,  // one channel of the input, [N,1,H,W] (ONNX Gather on axis 1; channel_pick.cpp)
    Count
};

const char* op_kind_name(OpKind kind);  // "Conv2d", "MaxPool2d", ... (table in op.cpp)

struct Conv2dParams {
    int out_channels = 0, kernel = 3, stride = 1, pad = 0, dilation = 1, groups = 1;
    bool bias = true;
    int in_channels = 0;  // make_conv2d(in_channels, params) fills it in; attributes() has it
    Conv2dParams& with_stride(int s) {
        stride = s;
        return *this;
    }
    Conv2dParams& with_pad(int p) {
        pad = p;
        return *this;
    }
    Conv2dParams& with_dilation(int d) {
        dilation = d;
        return *this;
    }
    Conv2dParams& with_groups(int g) {
        groups = g;
        return *this;
    }
    Conv2dParams& without_bias() {
        bias = false;
        return *this;
    }
    Conv2dParams& with_in_channels(int c) {
        in_channels = c;
        return *this;
    }
};
inline Conv2dParams conv(int out_channels, int kernel) {
    Conv2dParams p;
    p.out_channels = out_channels;
    p.kernel = kernel;
    return p;
}

struct PoolParams {
    int kernel = 2, stride = 2, pad = 0;
    bool ceil_mode = false;         // PyTorch/ONNX ceil_mode: output size rounds up
    bool count_include_pad = true;  // average pooling only
    PoolParams& with_pad(int p) {
        pad = p;
        return *this;
    }
    PoolParams& with_ceil() {
        ceil_mode = true;
        return *this;
    }
    PoolParams& excluding_pad() {
        count_include_pad = false;
        return *this;
    }
};
inline PoolParams pool(int kernel, int stride) {
    PoolParams p;
    p.kernel = kernel;
    p.stride = stride;
    return p;
}

struct LrnParams {  // AlexNet: size 5, alpha 1e-4, beta 0.75, k 2 (PyTorch/ONNX convention:
                    // alpha/size)
    int size = 5;
    float alpha = 1e-4f, beta = 0.75f, k = 2.0f;
};

struct BatchNormParams {
    int channels = 0;
    float eps = 1e-5f;
    float momentum = 0.1f;  // PyTorch's: running = (1 - momentum) * running + momentum * batch
};

struct LinearParams {
    int in_features = 0, out_features = 0;
    bool bias = true;
};

struct DropoutParams {
    float p = 0.5f;  // drop probability while training
};

struct ClipParams {  // y = min(max(x, min_value), max_value); ReLU6 is clip(0, 6)
    float min_value = -FLT_MAX, max_value = FLT_MAX;
};

struct PadParams {  // constant padding of the spatial axes (asymmetric pads of ONNX Conv)
    int top = 0, left = 0, bottom = 0, right = 0;
    float value = 0.0f;
};

struct ShortcutPadParams {  // ResNet option A: keep every stride-th position, zero channels
    int out_channels = 0, stride = 1;
};

struct ChannelPickParams {
    int channel = 0;
};

// Add/Sub/Mul/Div. Two run-time inputs, or one and a constant (the op's "constant" buffer).
struct ElementwiseParams {
    bool with_constant = false;
    bool constant_first = false;  // the constant is the left operand (c - x, c / x)
};

// Every op's hyper-parameters, by value: std::monostate for the ops that have none (Input,
// GlobalAvgPool, Relu, Tanh, Sigmoid, Flatten, Concat, Softmax). Compared with ==, so that two
// graphs can be checked for the same structure (the ONNX round trip).
using OpAttributes =
    std::variant<std::monostate, Conv2dParams, PoolParams, LrnParams, BatchNormParams, LinearParams,
                 DropoutParams, ClipParams, PadParams, ShortcutPadParams, ChannelPickParams,
                 ElementwiseParams>;

// Field-by-field equality (floats compared exactly).
bool operator==(const Conv2dParams& a, const Conv2dParams& b);
bool operator==(const PoolParams& a, const PoolParams& b);
bool operator==(const LrnParams& a, const LrnParams& b);
bool operator==(const BatchNormParams& a, const BatchNormParams& b);
bool operator==(const LinearParams& a, const LinearParams& b);
bool operator==(const DropoutParams& a, const DropoutParams& b);
bool operator==(const ClipParams& a, const ClipParams& b);
bool operator==(const PadParams& a, const PadParams& b);
bool operator==(const ShortcutPadParams& a, const ShortcutPadParams& b);
bool operator==(const ChannelPickParams& a, const ChannelPickParams& b);
bool operator==(const ElementwiseParams& a, const ElementwiseParams& b);
inline bool operator!=(const Conv2dParams& a, const Conv2dParams& b) {
    return !(a == b);
}
inline bool operator!=(const PoolParams& a, const PoolParams& b) {
    return !(a == b);
}
inline bool operator!=(const LrnParams& a, const LrnParams& b) {
    return !(a == b);
}
inline bool operator!=(const BatchNormParams& a, const BatchNormParams& b) {
    return !(a == b);
}
inline bool operator!=(const LinearParams& a, const LinearParams& b) {
    return !(a == b);
}
inline bool operator!=(const DropoutParams& a, const DropoutParams& b) {
    return !(a == b);
}
inline bool operator!=(const ClipParams& a, const ClipParams& b) {
    return !(a == b);
}
inline bool operator!=(const PadParams& a, const PadParams& b) {
    return !(a == b);
}
inline bool operator!=(const ShortcutPadParams& a, const ShortcutPadParams& b) {
    return !(a == b);
}
inline bool operator!=(const ChannelPickParams& a, const ChannelPickParams& b) {
    return !(a == b);
}
inline bool operator!=(const ElementwiseParams& a, const ElementwiseParams& b) {
    return !(a == b);
}

// One line naming the fields and values: "Conv2d{out_channels=64, kernel=7, ...}" (test
// messages, debugging).
std::string op_attributes_str(const OpAttributes& attributes);

// One learnable tensor (or running statistic) of an op, as "weight", "bias", "running_mean"…
struct NamedParam {
    std::string name;
    Tensor* value = nullptr;
    Tensor* grad = nullptr;  // same shape as value; nullptr for buffers such as running stats.
                             // Empty until the op's first backward or zero_param_grads.
    bool trainable = true;   // false: counted neither as a parameter nor optimised
    int rank = 4;            // PyTorch rank: the shape is the first `rank` of (n, c, h, w):
                             // conv weight 4 [O,I,K,K], linear weight 2 [out,in], bias 1 [O]
};

// Sliding-window geometry, for the summary table and receptive fields. kernel == 0: not spatial.
struct LayerGeometry {
    int kernel = 0, stride = 1, pad = 0, dilation = 1;
};

// Conv2d and the pools: their window; Pad: kernel 1 and its top padding; ShortcutPad: kernel 1
// and its stride; every other op: kernel 0.
LayerGeometry layer_geometry(const OpAttributes& attributes);

// Arguments of Op::backward. Ops ADD into grad_inputs (zero-initialised by the caller, entries
// may be nullptr when not needed) and into their own parameter grads.
struct BackwardArgs {
    std::vector<const Tensor*> inputs;
    const Tensor* output = nullptr;
    const Tensor* grad_output = nullptr;
    std::vector<Tensor*> grad_inputs;
    // false: leave the parameter gradients alone, only grad_inputs are wanted (explanations:
    // saliency, Grad-CAM). The op then writes nothing but grad_inputs.
    bool param_grads = true;
};

class Op {
public:
    virtual ~Op() = default;
    virtual OpKind kind() const = 0;
    virtual std::unique_ptr<Op> clone() const = 0;  // deep copy, parameters included

    // Output shape for these input shapes; throws cl::Error naming the mismatch.
    virtual Shape infer_shape(const std::vector<Shape>& inputs) const = 0;
    // output is pre-allocated with infer_shape's result.
    virtual void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const = 0;
    virtual void backward(const BackwardArgs& args);  // default: throws cl::Error
    // Whether backward() is implemented. An op that overrides backward() overrides this too
    // (test_op_cases checks both against each row's forward_only()). Explanations ask it before
    // they run, so that a forward-only op on the gradient's path is named up front; calling
    // backward() to find out would need tensors of the right shapes, and its throw could not be
    // told apart from any other error.
    virtual bool has_backward() const { return false; }

    // Writes ReLU(output) into relu_output in the same pass, while each band of the output is
    // still in cache, for a ReLU node that follows this op (Graph::forward asks). Both tensors
    // equal what forward() and a separate ReLU would give, bit for bit. false: not supported,
    // nothing written (the default).
    virtual bool forward_with_relu(const std::vector<const Tensor*>& inputs, Tensor& output,
                                   Tensor& relu_output) const {
        (void)inputs;
        (void)output;
        (void)relu_output;
        return false;
    }

    // Dropout and BatchNorm behave differently while training.
    virtual void set_training(bool training) { (void)training; }

    // The parameters, for training, loading and surgery: the caller may write through the
    // pointers, so an op drops anything it derived from them (Conv2d's Winograd weights).
    virtual std::vector<NamedParam> params() { return {}; }
    // The same list for reading only (summaries, the views' filter pictures): derived data
    // survives, so a view drawing filters every frame costs the engine nothing.
    virtual std::vector<NamedParam> read_params() const {
        return const_cast<Op*>(this)->params();  // ops without derived data: the same list
    }
    // The hyper-parameters (see OpAttributes); the default is for ops that have none.
    virtual OpAttributes attributes() const { return std::monostate{}; }
    // Derived from attributes() (layer_geometry).
    virtual LayerGeometry geometry() const { return layer_geometry(attributes()); }
    // Multiply-accumulates of one forward pass for these shapes (0 where the op has none).
    virtual int64_t macs(const std::vector<Shape>& inputs, const Shape& output) const {
        (void)inputs;
        (void)output;
        return 0;
    }
};

// Factories. Parameters are created zero-filled; zoo/init.cpp initialises them.
std::unique_ptr<Op> make_conv2d(int in_channels, const Conv2dParams& params);
std::unique_ptr<Op> make_maxpool2d(const PoolParams& params);
std::unique_ptr<Op> make_avgpool2d(const PoolParams& params);
std::unique_ptr<Op> make_global_avgpool();
std::unique_ptr<Op> make_relu();
std::unique_ptr<Op> make_tanh();
std::unique_ptr<Op> make_sigmoid();
std::unique_ptr<Op> make_lrn(const LrnParams& params);
std::unique_ptr<Op> make_batchnorm2d(int channels, float eps = 1e-5f, float momentum = 0.1f);
std::unique_ptr<Op> make_linear(int in_features, int out_features, bool bias = true);
std::unique_ptr<Op> make_flatten();
std::unique_ptr<Op> make_dropout(float p);
std::unique_ptr<Op> make_concat();   // along channels
std::unique_ptr<Op> make_add();      // element-wise, same shapes
std::unique_ptr<Op> make_softmax();  // over channels (the class axis of a [N,K,1,1] tensor)

// Element-wise Add/Sub/Mul/Div (elementwise.cpp). Two inputs of the same shape, or one input and
// a constant: a scalar [1,1,1,1] or one value per channel [1,C,1,1], broadcast over the input.
// constant_first: the constant is the left operand (c - x, c / x). Both forms have a backward;
// the constant is a buffer, not trained.
std::unique_ptr<Op> make_elementwise(OpKind kind);
std::unique_ptr<Op> make_elementwise_constant(OpKind kind, const Tensor& constant,
                                              bool constant_first = false);
std::unique_ptr<Op> make_clip(float min_value, float max_value);  // ReLU6: clip(0, 6)
std::unique_ptr<Op> make_pad(const PadParams& params);
// ResNet option A: out[:, :C] = x[:, :, ::stride, ::stride], out[:, C:out_channels] = 0.
std::unique_ptr<Op> make_shortcut_pad(int out_channels, int stride);
std::unique_ptr<Op> make_channel_pick(int channel);  // [N,C,H,W] -> [N,1,H,W]

// The same factories from the structs that attributes() returns.
std::unique_ptr<Op> make_conv2d(const Conv2dParams& params);  // params.in_channels is used
std::unique_ptr<Op> make_batchnorm2d(const BatchNormParams& params);
std::unique_ptr<Op> make_linear(const LinearParams& params);
std::unique_ptr<Op> make_dropout(const DropoutParams& params);
std::unique_ptr<Op> make_clip(const ClipParams& params);
std::unique_ptr<Op> make_shortcut_pad(const ShortcutPadParams& params);
std::unique_ptr<Op> make_channel_pick(const ChannelPickParams& params);

// Output size of a sliding window: floor((in + 2*pad - dilation*(kernel-1) - 1) / stride) + 1,
// or ceil when ceil_mode. Throws cl::Error when the window does not fit.
int conv_output_size(int in, int kernel, int stride, int pad, int dilation = 1,
                     bool ceil_mode = false);

}  // namespace cl
