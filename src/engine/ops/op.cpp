// The OpKind name table and what every op shares: the attribute structs' equality and text,
// the geometry derived from them, the sliding-window size rule.
#include "engine/ops/op.h"

#include <iomanip>
#include <sstream>

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

bool operator==(const Conv2dParams& a, const Conv2dParams& b) {
    return a.out_channels == b.out_channels && a.kernel == b.kernel && a.stride == b.stride &&
           a.pad == b.pad && a.dilation == b.dilation && a.groups == b.groups && a.bias == b.bias &&
           a.in_channels == b.in_channels;
}
bool operator==(const PoolParams& a, const PoolParams& b) {
    return a.kernel == b.kernel && a.stride == b.stride && a.pad == b.pad &&
           a.ceil_mode == b.ceil_mode && a.count_include_pad == b.count_include_pad;
}
bool operator==(const LrnParams& a, const LrnParams& b) {
    return a.size == b.size && a.alpha == b.alpha && a.beta == b.beta && a.k == b.k;
}
bool operator==(const BatchNormParams& a, const BatchNormParams& b) {
    return a.channels == b.channels && a.eps == b.eps && a.momentum == b.momentum;
}
bool operator==(const LinearParams& a, const LinearParams& b) {
    return a.in_features == b.in_features && a.out_features == b.out_features && a.bias == b.bias;
}
bool operator==(const DropoutParams& a, const DropoutParams& b) {
    return a.p == b.p;
}
bool operator==(const ClipParams& a, const ClipParams& b) {
    return a.min_value == b.min_value && a.max_value == b.max_value;
}
bool operator==(const PadParams& a, const PadParams& b) {
    return a.top == b.top && a.left == b.left && a.bottom == b.bottom && a.right == b.right &&
           a.value == b.value;
}
bool operator==(const ShortcutPadParams& a, const ShortcutPadParams& b) {
    return a.out_channels == b.out_channels && a.stride == b.stride;
}
bool operator==(const ChannelPickParams& a, const ChannelPickParams& b) {
    return a.channel == b.channel;
}
bool operator==(const ElementwiseParams& a, const ElementwiseParams& b) {
    return a.with_constant == b.with_constant && a.constant_first == b.constant_first;
}

namespace {

// "name{field=value, ...}" with floats at full precision, so that two unequal values print
// differently.
class FieldWriter {
public:
    explicit FieldWriter(const char* name) {
        out_ << std::setprecision(9) << std::boolalpha << name << '{';
    }
    template <typename T>
    FieldWriter& operator()(const char* field, const T& value) {
        out_ << (first_ ? "" : ", ") << field << '=' << value;
        first_ = false;
        return *this;
    }
    std::string str() { return out_.str() + "}"; }

private:
    std::ostringstream out_;
    bool first_ = true;
};

struct AttributesText {
    std::string operator()(std::monostate) const { return "{}"; }
    std::string operator()(const Conv2dParams& p) const {
        return FieldWriter("Conv2d")("in_channels", p.in_channels)("out_channels", p.out_channels)(
                   "kernel", p.kernel)("stride", p.stride)("pad", p.pad)("dilation", p.dilation)(
                   "groups", p.groups)("bias", p.bias)
            .str();
    }
    std::string operator()(const PoolParams& p) const {
        return FieldWriter("Pool")("kernel", p.kernel)("stride", p.stride)("pad", p.pad)(
                   "ceil_mode", p.ceil_mode)("count_include_pad", p.count_include_pad)
            .str();
    }
    std::string operator()(const LrnParams& p) const {
        return FieldWriter("Lrn")("size", p.size)("alpha", p.alpha)("beta", p.beta)("k", p.k).str();
    }
    std::string operator()(const BatchNormParams& p) const {
        return FieldWriter("BatchNorm")("channels", p.channels)("eps", p.eps)("momentum",
                                                                              p.momentum)
            .str();
    }
    std::string operator()(const LinearParams& p) const {
        return FieldWriter("Linear")("in_features", p.in_features)("out_features", p.out_features)(
                   "bias", p.bias)
            .str();
    }
    std::string operator()(const DropoutParams& p) const {
        return FieldWriter("Dropout")("p", p.p).str();
    }
    std::string operator()(const ClipParams& p) const {
        return FieldWriter("Clip")("min_value", p.min_value)("max_value", p.max_value).str();
    }
    std::string operator()(const PadParams& p) const {
        return FieldWriter("Pad")("top", p.top)("left", p.left)("bottom", p.bottom)(
                   "right", p.right)("value", p.value)
            .str();
    }
    std::string operator()(const ShortcutPadParams& p) const {
        return FieldWriter("ShortcutPad")("out_channels", p.out_channels)("stride", p.stride).str();
    }
    std::string operator()(const ChannelPickParams& p) const {
        return FieldWriter("ChannelPick")("channel", p.channel).str();
    }
    std::string operator()(const ElementwiseParams& p) const {
        return FieldWriter("Elementwise")("with_constant", p.with_constant)("constant_first",
                                                                            p.constant_first)
            .str();
    }
};

}  // namespace

std::string op_attributes_str(const OpAttributes& attributes) {
    return std::visit(AttributesText{}, attributes);
}

LayerGeometry layer_geometry(const OpAttributes& attributes) {
    LayerGeometry g;
    if (const auto* c = std::get_if<Conv2dParams>(&attributes)) {
        g.kernel = c->kernel;
        g.stride = c->stride;
        g.pad = c->pad;
        g.dilation = c->dilation;
    } else if (const auto* p = std::get_if<PoolParams>(&attributes)) {
        g.kernel = p->kernel;
        g.stride = p->stride;
        g.pad = p->pad;
    } else if (const auto* pad = std::get_if<PadParams>(&attributes)) {
        g.kernel = 1;
        g.pad = pad->top;
    } else if (const auto* s = std::get_if<ShortcutPadParams>(&attributes)) {
        g.kernel = 1;
        g.stride = s->stride;
    }
    return g;
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
