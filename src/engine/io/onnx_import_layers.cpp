// Import functions for the ONNX ops that become ConvLens layers: Conv, pools, BatchNorm, LRN,
// Gemm/MatMul (-> Linear), activations, Softmax, Dropout, Pad.
#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/io/limits.h"
#include "engine/io/onnx_context.h"

namespace cl::onnx_detail {

namespace {

std::string join(const std::vector<int64_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
    return s + "]";
}

void require_rank4(ImportContext& ctx, int input) {
    if (ctx.runtime_rank(input) != 4)
        throw ctx.error("expects a [N,C,H,W] input, got rank " +
                        std::to_string(ctx.runtime_rank(input)));
}

// A 2-D sliding window from ONNX attributes: square kernel, equal strides and dilations.
struct Window {
    int kernel = 1, stride = 1, dilation = 1;
    int top = 0, left = 0, bottom = 0, right = 0;
    bool symmetric() const { return top == bottom && left == right && top == left; }
};

// A window attribute (kernel, stride, dilation, pad) from the file, as an int in [low,
// k_max_window].
int window_value(ImportContext& ctx, int64_t v, const char* what, int64_t low) {
    if (v < low || v > k_max_window)
        throw ctx.error(std::string(what) + " " + std::to_string(v) + " is outside " +
                        std::to_string(low) + ".." + std::to_string(k_max_window));
    return int(v);
}

int same_pair(ImportContext& ctx, const std::vector<int64_t>& v, const char* what, int fallback) {
    if (v.empty()) return fallback;
    if (v.size() != 2) throw ctx.error(std::string(what) + " " + join(v) + " is not 2-D");
    if (v[0] != v[1])
        throw ctx.error(std::string(what) + " " + join(v) +
                        " differ between height and width, which ConvLens does not support");
    return window_value(ctx, v[0], what, 1);
}

Window read_window(ImportContext& ctx, const onnx::NodeProto& node, std::vector<int64_t> kernel) {
    const std::string auto_pad = attr_string(node, "auto_pad", "NOTSET");
    if (auto_pad != "NOTSET" && auto_pad != "VALID")
        throw ctx.error("auto_pad " + auto_pad + " is not supported; export with explicit pads");
    if (has_attr(node, "kernel_shape")) kernel = attr_ints(node, "kernel_shape");
    Window w;
    w.kernel = same_pair(ctx, kernel, "kernel_shape", 1);
    w.stride = same_pair(ctx, attr_ints(node, "strides"), "strides", 1);
    w.dilation = same_pair(ctx, attr_ints(node, "dilations"), "dilations", 1);
    const std::vector<int64_t> pads = attr_ints(node, "pads");
    if (!pads.empty() && auto_pad == "NOTSET") {
        if (pads.size() != 4) throw ctx.error("pads " + join(pads) + " are not 2-D");
        for (int64_t p : pads)
            if (p < 0) throw ctx.error("negative pads " + join(pads) + " are not supported");
        w.top = window_value(ctx, pads[0], "pads", 0);
        w.left = window_value(ctx, pads[1], "pads", 0);
        w.bottom = window_value(ctx, pads[2], "pads", 0);
        w.right = window_value(ctx, pads[3], "pads", 0);
    }
    return w;
}

}  // namespace

void import_conv(ImportContext& ctx, const onnx::NodeProto& node) {
    require_rank4(ctx, 0);
    int x = ctx.runtime_input(0);
    const OnnxConstant& w = ctx.constant_input(1);
    if (w.dims.size() != 4)
        throw ctx.error("weight must be [Cout, Cin/groups, K, K], got " + join(w.dims));
    const Window win = read_window(ctx, node, {w.dims[2], w.dims[3]});
    if (w.dims[2] != win.kernel || w.dims[3] != win.kernel)
        throw ctx.error("weight " + join(w.dims) + " does not match kernel_shape");
    // The layer allocates its weight from these numbers before the values are copied: they must
    // agree with the file's weight (whose size the file's data bounds) first.
    const int64_t groups = attr_int(node, "group", 1);
    const int in_channels = ctx.graph().node(x).shape.c;
    if (groups < 1 || groups > in_channels || w.dims[0] < 1 || w.dims[1] * groups != in_channels)
        throw ctx.error("weight " + join(w.dims) + " with group " + std::to_string(groups) +
                        " does not fit " + std::to_string(in_channels) + " input channels");
    Conv2dParams p = conv(int(w.dims[0]), win.kernel)
                         .with_stride(win.stride)
                         .with_dilation(win.dilation)
                         .with_groups(int(groups));
    if (win.symmetric()) {
        p.pad = win.top;
    } else {
        // Conv2d pads symmetrically: an explicit Pad node makes the asymmetric case exact.
        PadParams pad;
        pad.top = win.top;
        pad.left = win.left;
        pad.bottom = win.bottom;
        pad.right = win.right;
        x = ctx.add(make_pad(pad), {x}, 4, node.output(0) + "/pad");
    }
    if (!ctx.has_input(2)) p = p.without_bias();
    auto op = make_conv2d(ctx.graph().node(x).shape.c, p);
    set_param(ctx, *op, "weight", w.as_floats());  // [Cout, Cin/g, K, K], as ONNX stores it
    if (ctx.has_input(2)) set_param(ctx, *op, "bias", ctx.constant_input(2).as_floats());
    ctx.release_constant(1);
    ctx.add(std::move(op), {x}, 4);
}

namespace {
PoolParams read_pool(ImportContext& ctx, const onnx::NodeProto& node, bool pads_never_count) {
    require_rank4(ctx, 0);
    if (!has_attr(node, "kernel_shape")) throw ctx.error("kernel_shape is missing");
    const Window win = read_window(ctx, node, {});
    if (win.dilation != 1) throw ctx.error("dilated pooling is not supported");
    PoolParams p = pool(win.kernel, win.stride).with_pad(win.top);
    p.ceil_mode = attr_int(node, "ceil_mode", 0) != 0;
    if (win.symmetric()) return p;
    // Before opset 10 exporters emulate ceil_mode with extra padding at the end ([0,0,1,1]).
    // Pads that never count (max pooling, or averages that exclude pads) are exactly
    // ceil_mode when the output sizes agree.
    const Shape in = ctx.runtime_shape(0);
    auto floor_size = [&](int size, int extra) {
        return (size + win.top + extra - win.kernel) / win.stride + 1;
    };
    const bool same_axes = win.top == win.left && win.bottom == win.right && win.bottom >= win.top;
    if (!pads_never_count || p.ceil_mode || !same_axes ||
        floor_size(in.h, win.bottom) !=
            conv_output_size(in.h, win.kernel, win.stride, win.top, 1, true) ||
        floor_size(in.w, win.right) !=
            conv_output_size(in.w, win.kernel, win.stride, win.top, 1, true))
        throw ctx.error("asymmetric pooling pads are not supported");
    p.ceil_mode = true;
    return p;
}
}  // namespace

void import_max_pool(ImportContext& ctx, const onnx::NodeProto& node) {
    if (node.output_size() > 1 && !node.output(1).empty() && ctx.consumers.count(node.output(1)))
        throw ctx.error("the Indices output is not supported");
    const PoolParams p = read_pool(ctx, node, true);
    ctx.add(make_maxpool2d(p), {ctx.runtime_input(0)}, 4);
}

void import_average_pool(ImportContext& ctx, const onnx::NodeProto& node) {
    const bool include_pad = attr_int(node, "count_include_pad", 0) != 0;  // ONNX's default is 0
    PoolParams p = read_pool(ctx, node, !include_pad);
    p.count_include_pad = include_pad;
    ctx.add(make_avgpool2d(p), {ctx.runtime_input(0)}, 4);
}

void import_global_average_pool(ImportContext& ctx, const onnx::NodeProto& /*node*/) {
    require_rank4(ctx, 0);
    ctx.add(make_global_avgpool(), {ctx.runtime_input(0)}, 4);
}

namespace {
// PyTorch's momentum from ONNX's (running = momentum * running + (1 - momentum) * batch): the
// shortest decimal whose complement rounds to the attribute, so that 0.9 gives back 0.1 and not
// the float nearest 1 - 0.9f, and an export writes the same attribute again.
float torch_momentum(float onnx_momentum) {
    const double complement = 1.0 - double(onnx_momentum);
    for (int digits = 1; digits <= 9; ++digits) {
        char text[32];
        std::snprintf(text, sizeof(text), "%.*g", digits, complement);
        const float m = std::strtof(text, nullptr);
        if (float(1.0 - double(m)) == onnx_momentum) return m;
    }
    return float(complement);
}
}  // namespace

void import_batch_norm(ImportContext& ctx, const onnx::NodeProto& node) {
    if (attr_int(node, "training_mode", 0) != 0)
        throw ctx.error("training_mode=1 is not supported; export the model in eval mode");
    const int x = ctx.runtime_input(0);
    BatchNormParams p;
    p.channels = ctx.graph().node(x).shape.c;
    p.eps = attr_float(node, "epsilon", 1e-5f);
    p.momentum = torch_momentum(attr_float(node, "momentum", 0.9f));
    auto op = make_batchnorm2d(p);
    set_param(ctx, *op, "weight", ctx.constant_input(1).as_floats());
    set_param(ctx, *op, "bias", ctx.constant_input(2).as_floats());
    set_param(ctx, *op, "running_mean", ctx.constant_input(3).as_floats());
    set_param(ctx, *op, "running_var", ctx.constant_input(4).as_floats());
    ctx.add(std::move(op), {x}, ctx.runtime_rank(0));
}

void import_lrn(ImportContext& ctx, const onnx::NodeProto& node) {
    require_rank4(ctx, 0);
    LrnParams p;
    p.size = window_value(ctx, attr_int(node, "size", 1), "size", 1);
    p.alpha = attr_float(node, "alpha", 1e-4f);
    p.beta = attr_float(node, "beta", 0.75f);
    p.k = attr_float(node, "bias", 1.0f);
    if (!has_attr(node, "size")) throw ctx.error("size is missing");
    ctx.add(make_lrn(p), {ctx.runtime_input(0)}, 4);
}

namespace {
// A Linear layer from a constant matrix: w is [out, in] when transposed, else [in, out].
std::unique_ptr<Op> make_linear_from(ImportContext& ctx, int x, const OnnxConstant& w,
                                     bool transposed, float alpha, const OnnxConstant* bias,
                                     float beta) {
    if (w.dims.size() != 2) throw ctx.error("weight must be a matrix, got " + join(w.dims));
    const int out = int(transposed ? w.dims[0] : w.dims[1]);
    const int in = int(transposed ? w.dims[1] : w.dims[0]);
    const int64_t features = ctx.graph().node(x).shape.per_sample();
    if (features != in)
        throw ctx.error("weight " + join(w.dims) + " expects " + std::to_string(in) +
                        " input features, got " + std::to_string(features));
    auto op = make_linear(in, out, bias != nullptr);
    const std::vector<float> src = w.as_floats();
    std::vector<float> weight(src.size());  // [out, in]
    for (int o = 0; o < out; ++o)
        for (int i = 0; i < in; ++i)
            weight[size_t(o) * in + i] =
                alpha * src[transposed ? size_t(o) * in + i : size_t(i) * out + o];
    set_param(ctx, *op, "weight", weight);
    if (bias) {
        std::vector<float> b = bias->as_floats();
        if (b.size() == 1) b.assign(size_t(out), b[0]);
        if (int(b.size()) != out)
            throw ctx.error("bias " + join(bias->dims) + " does not match " + std::to_string(out) +
                            " outputs");
        for (float& v : b) v *= beta;
        set_param(ctx, *op, "bias", b);
    }
    return op;
}
}  // namespace

void import_gemm(ImportContext& ctx, const onnx::NodeProto& node) {
    if (attr_int(node, "transA", 0) != 0) throw ctx.error("transA=1 is not supported");
    const int x = ctx.runtime_input(0);
    const OnnxConstant* bias = ctx.has_input(2) ? &ctx.constant_input(2) : nullptr;
    ctx.add(make_linear_from(ctx, x, ctx.constant_input(1), attr_int(node, "transB", 0) != 0,
                             attr_float(node, "alpha", 1.0f), bias, attr_float(node, "beta", 1.0f)),
            {x}, 2);
    ctx.release_constant(1);
}

void import_matmul(ImportContext& ctx, const onnx::NodeProto& node) {
    const int x = ctx.runtime_input(0);
    const OnnxConstant& w = ctx.constant_input(1);
    // MatMul followed by an Add of a constant bias is one Linear layer, named after the Add.
    auto users = ctx.consumers.find(node.output(0));
    if (users != ctx.consumers.end() && users->second.size() == 1 &&
        users->second[0]->op_type() == "Add" && users->second[0]->input_size() == 2) {
        const onnx::NodeProto& add = *users->second[0];
        const std::string& other = add.input(add.input(0) == node.output(0) ? 1 : 0);
        const OnnxValue* b = ctx.find(other);
        if (b && b->is_constant && w.dims.size() == 2 && b->constant.numel() == w.dims[1]) {
            ctx.add(make_linear_from(ctx, x, w, false, 1.0f, &b->constant, 1.0f), {x}, 2,
                    add.output(0));
            OnnxValue v;
            v.node = ctx.graph().size() - 1;
            v.rank = 2;
            ctx.define(add.output(0), v);
            ctx.skipped.push_back(&add);
            return;
        }
    }
    ctx.add(make_linear_from(ctx, x, w, false, 1.0f, nullptr, 1.0f), {x}, 2);
}

void import_relu(ImportContext& ctx, const onnx::NodeProto&) {
    ctx.add(make_relu(), {ctx.runtime_input(0)}, ctx.runtime_rank(0));
}

void import_sigmoid(ImportContext& ctx, const onnx::NodeProto&) {
    ctx.add(make_sigmoid(), {ctx.runtime_input(0)}, ctx.runtime_rank(0));
}

void import_tanh(ImportContext& ctx, const onnx::NodeProto&) {
    ctx.add(make_tanh(), {ctx.runtime_input(0)}, ctx.runtime_rank(0));
}

void import_clip(ImportContext& ctx, const onnx::NodeProto& node) {
    float lo = -FLT_MAX, hi = FLT_MAX;
    if (ctx.opset() < 11) {
        lo = attr_float(node, "min", lo);
        hi = attr_float(node, "max", hi);
    } else {
        auto scalar = [&](int i) {
            const OnnxConstant& c = ctx.constant_input(i);
            if (c.numel() != 1) throw ctx.error("min and max must be scalars");
            return float(c.at(0));
        };
        if (ctx.has_input(1)) lo = scalar(1);
        if (ctx.has_input(2)) hi = scalar(2);
    }
    ctx.add(make_clip(lo, hi), {ctx.runtime_input(0)}, ctx.runtime_rank(0));
}

void import_softmax(ImportContext& ctx, const onnx::NodeProto& node) {
    const int rank = ctx.runtime_rank(0);
    int64_t axis = attr_int(node, "axis", ctx.opset() < 13 ? 1 : -1);
    if (axis < 0) axis += rank;
    const Shape s = ctx.runtime_shape(0);
    // Before opset 13 Softmax normalises over everything from `axis` on.
    const bool channels = axis == 1 && (rank == 2 || ctx.opset() >= 13 || s.h * s.w == 1);
    if (!channels) throw ctx.error("only a softmax over the channels / classes is supported");
    ctx.add(make_softmax(), {ctx.runtime_input(0)}, rank);
}

void import_dropout(ImportContext& ctx, const onnx::NodeProto& node) {
    float ratio = attr_float(node, "ratio", 0.5f);
    if (ctx.opset() >= 12 && ctx.has_input(1)) {
        const OnnxConstant& c = ctx.constant_input(1);
        if (c.numel() != 1) throw ctx.error("ratio must be a scalar");
        ratio = float(c.at(0));
    }
    ctx.add(make_dropout(ratio), {ctx.runtime_input(0)}, ctx.runtime_rank(0));
}

bool read_pad_node(const ImportContext& ctx, const onnx::NodeProto& node,
                   std::vector<int64_t>& pads, float& value) {
    value = 0.0f;
    if (ctx.opset() < 11) {
        pads = has_attr(node, "pads") ? attr_ints(node, "pads") : attr_ints(node, "paddings");
        value = attr_float(node, "value", 0.0f);
        return true;
    }
    auto constant = [&](int i) -> const OnnxConstant* {
        if (i >= node.input_size() || node.input(i).empty()) return nullptr;
        const OnnxValue* v = ctx.find(node.input(i));
        return v && v->is_constant ? &v->constant : nullptr;
    };
    const OnnxConstant* p = constant(1);
    if (!p) return false;
    pads = p->as_ints();
    if (node.input_size() > 2 && !node.input(2).empty()) {
        const OnnxConstant* v = constant(2);
        if (!v || v->numel() != 1) return false;
        value = float(v->at(0));
    }
    return true;
}

bool pads_only_channels_at_end(const std::vector<int64_t>& pads, float value) {
    if (pads.size() != 8 || value != 0.0f || pads[5] <= 0) return false;
    for (size_t k = 0; k < 8; ++k)
        if (k != 5 && pads[k] != 0) return false;
    return true;
}

void import_pad(ImportContext& ctx, const onnx::NodeProto& node) {
    require_rank4(ctx, 0);
    const std::string mode = attr_string(node, "mode", "constant");
    if (mode != "constant") throw ctx.error("mode '" + mode + "' is not supported (constant only)");
    std::vector<int64_t> pads;
    float value = 0.0f;
    if (ctx.opset() >= 11) ctx.constant_input(1);  // the error for pads computed at run time
    if (!read_pad_node(ctx, node, pads, value))
        throw ctx.error("the padding value must be a constant scalar");
    if (pads.size() != 8) throw ctx.error("pads " + join(pads) + " are not 4-D");
    if (pads_only_channels_at_end(pads, value)) {
        ShortcutPadParams s;
        s.out_channels = ctx.runtime_shape(0).c + int(pads[5]);
        s.stride = 1;
        ctx.add(make_shortcut_pad(s), {ctx.runtime_input(0)}, 4);
        return;
    }
    if (pads[0] || pads[1] || pads[4] || pads[5])
        throw ctx.error(
            "padding the batch or channel axis is not supported (only zero "
            "channels appended)");
    for (int64_t p : pads)
        if (p < 0) throw ctx.error("negative pads (cropping) are not supported");
    PadParams p;
    p.top = window_value(ctx, pads[2], "pads", 0);
    p.left = window_value(ctx, pads[3], "pads", 0);
    p.bottom = window_value(ctx, pads[6], "pads", 0);
    p.right = window_value(ctx, pads[7], "pads", 0);
    p.value = value;
    ctx.add(make_pad(p), {ctx.runtime_input(0)}, 4);
}

}  // namespace cl::onnx_detail
