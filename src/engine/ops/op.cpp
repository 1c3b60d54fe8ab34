// The OpKind name table and what every op shares.
#include "engine/ops/op.h"

#include "engine/error.h"

namespace cl {

namespace {
const char* const k_op_kind_names[] = {
    "Input",   "Conv2d",  "MaxPool2d", "AvgPool2d",   "GlobalAvgPool", "Relu",
    "Tanh",    "Sigmoid", "Lrn",       "BatchNorm2d", "Linear",        "Flatten",
    "Dropout", "Concat",  "Add",       "Softmax",     "Mul",           "Sub",
    "Div",     "Clip",    "Pad",       "ShortcutPad", "ChannelPick",
};
static_assert(sizeof(k_op_kind_names) / sizeof(k_op_kind_names[0]) == size_t(OpKind::Count),
              "every OpKind needs a name");
}  // namespace

const char* op_kind_name(OpKind kind) {
    CL_ASSERT(int(kind) >= 0 && kind < OpKind::Count);
    return k_op_kind_names[int(kind)];
}

void Op::backward(const BackwardArgs& /*args*/) {
    throw Error(std::string(op_kind_name(kind())) + ": backward is not implemented");
}

int conv_output_size(int in, int kernel, int stride, int pad, int dilation, bool ceil_mode) {
    if (stride <= 0) throw Error("stride must be at least 1, got " + std::to_string(stride));
    if (pad < 0) throw Error("padding must not be negative, got " + std::to_string(pad));
    const int span = dilation * (kernel - 1) + 1;
    const int room = in + 2 * pad - span;
    if (room < 0)
        throw Error("kernel " + std::to_string(kernel) + " is larger than the padded input (" +
                    std::to_string(in) + " + 2*" + std::to_string(pad) + ")");
    int out = (ceil_mode ? (room + stride - 1) / stride : room / stride) + 1;
    // PyTorch rule: with ceil_mode the last window must start inside the input or left padding.
    if (ceil_mode && (out - 1) * stride >= in + pad) --out;
    return out;
}

}  // namespace cl
