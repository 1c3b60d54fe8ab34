// Import functions for element-wise arithmetic, Concat, Flatten/Reshape, and the shape
// plumbing torch.onnx.export emits (Constant, Shape, Gather, Unsqueeze, Squeeze, Slice, Cast),
// which is folded into constants at load time.
#include <algorithm>
#include <cstdint>
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

// The ONNX dims of a run-time tensor for batch 1.
std::vector<int64_t> runtime_dims(ImportContext& ctx, int input) {
    const Shape s = ctx.runtime_shape(input);
    if (ctx.runtime_rank(input) == 2) return {1, s.c};
    if (ctx.runtime_rank(input) == 3) return {1, s.h, s.w};
    return {1, s.c, s.h, s.w};
}

int64_t normalize_axis(ImportContext& ctx, int64_t axis, int64_t rank) {
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank)
        throw ctx.error("axis " + std::to_string(axis) + " is out of range for rank " +
                        std::to_string(rank));
    return axis;
}

double arith(OpKind kind, double a, double b) {
    switch (kind) {
        case OpKind::Add:
            return a + b;
        case OpKind::Sub:
            return a - b;
        case OpKind::Mul:
            return a * b;
        default:
            return a / b;
    }
}

OnnxConstant fold_arithmetic(ImportContext& ctx, OpKind kind, const OnnxConstant& a,
                             const OnnxConstant& b) {
    const bool a_scalar = a.numel() == 1, b_scalar = b.numel() == 1;
    if (a.dims != b.dims && !a_scalar && !b_scalar)
        throw ctx.error("folding constants of shapes " + join(a.dims) + " and " + join(b.dims) +
                        " is not supported");
    OnnxConstant out;
    out.dims = (a_scalar && !b_scalar) ? b.dims : a.dims;
    out.integer = a.integer && b.integer;
    const int64_t n = std::max(a.numel(), b.numel());
    for (int64_t i = 0; i < n; ++i) {
        if (out.integer && kind == OpKind::Div) {
            const int64_t x = a.ints[size_t(a_scalar ? 0 : i)],
                          y = b.ints[size_t(b_scalar ? 0 : i)];
            if (y == 0 || (y == -1 && x == INT64_MIN))
                throw ctx.error("integer division " + std::to_string(x) + " / " +
                                std::to_string(y));
        }
        const double v = arith(kind, a.at(a_scalar ? 0 : i), b.at(b_scalar ? 0 : i));
        if (out.integer)
            out.ints.push_back(kind == OpKind::Div ? a.ints[size_t(a_scalar ? 0 : i)] /
                                                         b.ints[size_t(b_scalar ? 0 : i)]
                                                   : int64_t(v));
        else
            out.floats.push_back(float(v));
    }
    return out;
}

// x op c, c op x, or x op y. A constant broadcasts when it is a scalar or one value per channel.
void import_arithmetic(ImportContext& ctx, OpKind kind) {
    const bool c0 = ctx.input_is_constant(0), c1 = ctx.input_is_constant(1);
    if (c0 && c1) {
        ctx.set_constant(fold_arithmetic(ctx, kind, ctx.constant_input(0), ctx.constant_input(1)));
        return;
    }
    if (!c0 && !c1) {
        const int a = ctx.runtime_input(0), b = ctx.runtime_input(1);
        ctx.add(make_elementwise(kind), {a, b}, ctx.runtime_rank(0));
        return;
    }
    const int x_index = c0 ? 1 : 0;
    const OnnxConstant& c = ctx.constant_input(c0 ? 0 : 1);
    const std::vector<int64_t> xd = runtime_dims(ctx, x_index);
    if (c.numel() != 1) {
        // Right-aligned against [N,C,H,W] (or [N,F]): only the channel axis may be > 1.
        std::vector<int64_t> cd = c.dims;
        if (cd.size() > xd.size()) throw ctx.error("the constant has a higher rank than the input");
        cd.insert(cd.begin(), xd.size() - cd.size(), 1);
        for (size_t k = 0; k < cd.size(); ++k)
            if (cd[k] != 1 && !(k == 1 && cd[k] == xd[1]))
                throw ctx.error("broadcasting a constant of shape " + join(c.dims) + " over " +
                                join(xd) + " is not supported (a scalar or one value per channel)");
    }
    const std::vector<float> values = c.as_floats();
    const Tensor constant =
        Tensor::from_vector({1, int(values.size()), 1, 1}, values);  // [1,C,1,1] or [1,1,1,1]
    ctx.add(make_elementwise_constant(kind, constant, c0), {ctx.runtime_input(x_index)},
            ctx.runtime_rank(x_index));
}

std::vector<int64_t> axes_of(ImportContext& ctx, const onnx::NodeProto& node) {
    if (ctx.opset() >= 13 && node.input_size() > 1 && !node.input(1).empty())
        return ctx.constant_input(1).as_ints();
    return attr_ints(node, "axes");
}

}  // namespace

void import_add(ImportContext& ctx, const onnx::NodeProto&) {
    import_arithmetic(ctx, OpKind::Add);
}
void import_sub(ImportContext& ctx, const onnx::NodeProto&) {
    import_arithmetic(ctx, OpKind::Sub);
}
void import_mul(ImportContext& ctx, const onnx::NodeProto&) {
    import_arithmetic(ctx, OpKind::Mul);
}
void import_div(ImportContext& ctx, const onnx::NodeProto&) {
    import_arithmetic(ctx, OpKind::Div);
}

void import_concat(ImportContext& ctx, const onnx::NodeProto& node) {
    const int n = node.input_size();
    bool all_constant = true;
    for (int i = 0; i < n; ++i) all_constant = all_constant && ctx.input_is_constant(i);
    if (all_constant) {
        OnnxConstant out;
        out.integer = ctx.constant_input(0).integer;
        for (int i = 0; i < n; ++i) {
            const OnnxConstant& c = ctx.constant_input(i);
            if (c.dims.size() != 1) throw ctx.error("only 1-D constants can be concatenated");
            for (int64_t k = 0; k < c.numel(); ++k) {
                if (out.integer)
                    out.ints.push_back(c.as_ints()[size_t(k)]);
                else
                    out.floats.push_back(float(c.at(k)));
            }
        }
        out.dims = {int64_t(out.integer ? out.ints.size() : out.floats.size())};
        ctx.set_constant(std::move(out));
        return;
    }
    const int rank = ctx.runtime_rank(0);
    if (normalize_axis(ctx, attr_int(node, "axis", 1), rank) != 1)
        throw ctx.error("only concatenation along channels (axis 1) is supported");
    std::vector<int> inputs;
    for (int i = 0; i < n; ++i) inputs.push_back(ctx.runtime_input(i));
    ctx.add(make_concat(), inputs, rank);
}

void import_flatten(ImportContext& ctx, const onnx::NodeProto& node) {
    const int rank = ctx.runtime_rank(0);
    if (normalize_axis(ctx, attr_int(node, "axis", 1), rank) != 1)
        throw ctx.error("only Flatten with axis 1 is supported");
    if (rank == 2) return ctx.alias(0);
    ctx.add(make_flatten(), {ctx.runtime_input(0)}, 2);
}

void import_reshape(ImportContext& ctx, const onnx::NodeProto&) {
    const std::vector<int64_t> target = ctx.constant_input(1).as_ints();
    if (ctx.input_is_constant(0)) {
        OnnxConstant c = ctx.constant_input(0);
        if (std::count(target.begin(), target.end(), -1) ||
            std::count(target.begin(), target.end(), 0))
            throw ctx.error("reshaping a constant to " + join(target) + " is not supported");
        if (bounded_product(target, k_max_tensor_elements) != ctx.constant_input(0).numel())
            throw ctx.error("reshape changes the size");
        c.dims = target;
        return ctx.set_constant(std::move(c));
    }
    const std::vector<int64_t> in = runtime_dims(ctx, 0);
    int64_t total = 1;
    for (int64_t d : in) total *= d;
    std::vector<int64_t> out = target;
    int64_t known = 1, infer = -1;
    for (size_t k = 0; k < out.size(); ++k) {
        if (out[k] == 0 && k < in.size()) out[k] = in[k];
        if (out[k] == -1)
            infer = int64_t(k);
        else if (__builtin_mul_overflow(known, out[k], &known))
            throw ctx.error("reshape target " + join(target) + " is too large");
    }
    if (infer >= 0 && known > 0) out[size_t(infer)] = total / known;
    if (out.size() == 2 && out[0] == 1 && out[1] == total) {  // [N, C*H*W] for batch 1
        if (in.size() == 2) return ctx.alias(0);
        ctx.add(make_flatten(), {ctx.runtime_input(0)}, 2);
        return;
    }
    if (out.size() == 4 && out == in) return ctx.alias(0);
    if (out.size() == 4 && in.size() == 2 && out[1] == in[1] && out[2] == 1 && out[3] == 1)
        return ctx.alias(0, 4);
    throw ctx.error("reshape of " + join(in) + " to " + join(target) +
                    " is not supported (only flattening)");
}

void import_identity(ImportContext& ctx, const onnx::NodeProto&) {
    ctx.alias(0);
}

void import_constant(ImportContext& ctx, const onnx::NodeProto& node) {
    OnnxConstant c;
    if (const onnx::TensorProto* t = attr_tensor(node, "value")) {
        c = tensor_to_constant(*t, ctx.file());
    } else if (has_attr(node, "value_float")) {
        c.floats = {attr_float(node, "value_float", 0.0f)};
    } else if (has_attr(node, "value_floats")) {
        c.floats = attr_floats(node, "value_floats");
        c.dims = {int64_t(c.floats.size())};
    } else if (has_attr(node, "value_int")) {
        c.integer = true;
        c.ints = {attr_int(node, "value_int", 0)};
    } else if (has_attr(node, "value_ints")) {
        c.integer = true;
        c.ints = attr_ints(node, "value_ints");
        c.dims = {int64_t(c.ints.size())};
    } else {
        throw ctx.error("no value attribute that ConvLens reads");
    }
    ctx.set_constant(std::move(c));
}

void import_shape(ImportContext& ctx, const onnx::NodeProto& node) {
    std::vector<int64_t> dims =
        ctx.input_is_constant(0) ? ctx.constant_input(0).dims : runtime_dims(ctx, 0);
    const int64_t rank = int64_t(dims.size());
    int64_t start = attr_int(node, "start", 0), end = attr_int(node, "end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    OnnxConstant c;
    c.integer = true;
    c.ints.assign(dims.begin() + start, dims.begin() + end);
    c.dims = {end - start};
    ctx.set_constant(std::move(c));
}

void import_gather(ImportContext& ctx, const onnx::NodeProto& node) {
    const OnnxConstant& idx = ctx.constant_input(1);
    if (!ctx.input_is_constant(0)) {
        // x[:, k] (GoogLeNet's transform_input): one channel, [N,H,W]; or x[:, [k]], [N,1,H,W].
        const int rank = ctx.runtime_rank(0);
        if (rank != 4 || normalize_axis(ctx, attr_int(node, "axis", 0), 4) != 1 ||
            idx.numel() != 1 || idx.dims.size() > 1)
            throw ctx.error("gathering from an activation is only supported for one channel");
        int64_t channel = idx.as_ints()[0];
        if (channel < 0) channel += ctx.runtime_shape(0).c;
        ctx.add(make_channel_pick(int(channel)), {ctx.runtime_input(0)}, idx.dims.empty() ? 3 : 4);
        return;
    }
    const OnnxConstant& data = ctx.constant_input(0);
    if (data.dims.size() != 1 || attr_int(node, "axis", 0) != 0)
        throw ctx.error("only gathering from a 1-D constant is supported");
    OnnxConstant out;
    out.integer = data.integer;
    out.dims = idx.dims;
    for (int64_t i : idx.as_ints()) {
        if (i < 0) i += data.numel();
        if (i < 0 || i >= data.numel())
            throw ctx.error("index " + std::to_string(i) + " is out of range");
        if (data.integer)
            out.ints.push_back(data.ints[size_t(i)]);
        else
            out.floats.push_back(data.floats[size_t(i)]);
    }
    ctx.set_constant(std::move(out));
}

void import_unsqueeze(ImportContext& ctx, const onnx::NodeProto& node) {
    std::vector<int64_t> axes = axes_of(ctx, node);
    if (!ctx.input_is_constant(0)) {
        std::sort(axes.begin(), axes.end());
        if (ctx.runtime_rank(0) == 2 && axes == std::vector<int64_t>{2, 3}) return ctx.alias(0, 4);
        if (ctx.runtime_rank(0) == 3 && axes == std::vector<int64_t>{1}) return ctx.alias(0, 4);
        throw ctx.error("unsqueezing an activation on axes " + join(axes) + " is not supported");
    }
    OnnxConstant c = ctx.constant_input(0);
    const int64_t rank = int64_t(c.dims.size() + axes.size());
    for (int64_t& a : axes) a = normalize_axis(ctx, a, rank);
    std::sort(axes.begin(), axes.end());
    for (int64_t a : axes) c.dims.insert(c.dims.begin() + a, 1);
    ctx.set_constant(std::move(c));
}

void import_squeeze(ImportContext& ctx, const onnx::NodeProto& node) {
    std::vector<int64_t> axes = axes_of(ctx, node);
    if (!ctx.input_is_constant(0)) {
        const Shape s = ctx.runtime_shape(0);
        for (int64_t& a : axes) a = normalize_axis(ctx, a, ctx.runtime_rank(0));
        std::sort(axes.begin(), axes.end());
        const bool spatial = axes.empty() ? s.c != 1 : axes == std::vector<int64_t>{2, 3};
        if (ctx.runtime_rank(0) == 4 && s.h == 1 && s.w == 1 && spatial) return ctx.alias(0, 2);
        throw ctx.error("squeezing an activation on axes " + join(axes) + " is not supported");
    }
    OnnxConstant c = ctx.constant_input(0);
    const int64_t rank = int64_t(c.dims.size());
    std::vector<int64_t> dims;
    for (int64_t k = 0; k < rank; ++k) {
        bool drop = axes.empty() && c.dims[size_t(k)] == 1;
        for (int64_t a : axes) drop = drop || normalize_axis(ctx, a, rank) == k;
        if (!drop) dims.push_back(c.dims[size_t(k)]);
    }
    c.dims = dims;
    ctx.set_constant(std::move(c));
}

namespace {

// x[:, :, ::s, ::s] of an activation (opset 10 and later) becomes a ShortcutPad of stride s,
// and with the Pad that appends zero channels after it (how the exporter writes ResNet's
// option-A shortcut) one ShortcutPad named after the Pad.
void import_slice_subsample(ImportContext& ctx, const std::vector<int64_t>& starts,
                            const std::vector<int64_t>& ends, std::vector<int64_t> axes,
                            const std::vector<int64_t>& steps) {
    const Shape in = ctx.runtime_shape(0);
    for (int64_t& a : axes) a = normalize_axis(ctx, a, ctx.runtime_rank(0));
    const bool spatial = ctx.runtime_rank(0) == 4 && axes == std::vector<int64_t>{2, 3} &&
                         starts == std::vector<int64_t>{0, 0} && ends.size() == 2 &&
                         ends[0] >= in.h && ends[1] >= in.w && steps.size() == 2 &&
                         steps[0] == steps[1] && steps[0] >= 1;
    if (!spatial) throw ctx.error("slicing an activation is only supported as x[:, :, ::s, ::s]");
    ShortcutPadParams p;
    p.out_channels = in.c;
    p.stride = int(steps[0]);
    const onnx::NodeProto& node = ctx.node();
    auto users = ctx.consumers.find(node.output(0));
    if (users != ctx.consumers.end() && users->second.size() == 1 &&
        users->second[0]->op_type() == "Pad" &&
        attr_string(*users->second[0], "mode", "constant") == "constant") {
        const onnx::NodeProto& pad = *users->second[0];
        std::vector<int64_t> pads;
        float value = 0.0f;
        if (read_pad_node(ctx, pad, pads, value) && pads_only_channels_at_end(pads, value)) {
            p.out_channels += int(pads[5]);
            const int index =
                ctx.add(make_shortcut_pad(p), {ctx.runtime_input(0)}, 4, pad.output(0));
            OnnxValue v;
            v.node = index;
            ctx.define(pad.output(0), v);
            ctx.skipped.push_back(&pad);
            return;
        }
    }
    ctx.add(make_shortcut_pad(p), {ctx.runtime_input(0)}, 4);
}

}  // namespace

void import_slice(ImportContext& ctx, const onnx::NodeProto& node) {
    std::vector<int64_t> starts, ends, axes, steps;
    if (ctx.opset() < 10) {
        starts = attr_ints(node, "starts");
        ends = attr_ints(node, "ends");
        axes = attr_ints(node, "axes");
    } else {
        starts = ctx.constant_input(1).as_ints();
        ends = ctx.constant_input(2).as_ints();
        if (ctx.has_input(3)) axes = ctx.constant_input(3).as_ints();
        if (ctx.has_input(4)) steps = ctx.constant_input(4).as_ints();
    }
    if (!ctx.input_is_constant(0)) {
        if (ctx.opset() < 10)
            throw ctx.error("slicing an activation is not supported (only shape constants)");
        return import_slice_subsample(ctx, starts, ends, axes, steps);
    }
    const OnnxConstant& data = ctx.constant_input(0);
    if (data.dims.size() != 1 || starts.size() != 1 || ends.size() != 1 ||
        (!axes.empty() && normalize_axis(ctx, axes[0], 1) != 0))
        throw ctx.error("only slicing a 1-D constant is supported");
    const int64_t step = steps.empty() ? 1 : steps[0];
    if (step < 1) throw ctx.error("only positive slice steps are supported");
    const int64_t n = data.numel();
    int64_t b = starts[0] < 0 ? starts[0] + n : starts[0];
    int64_t e = ends[0] < 0 ? ends[0] + n : ends[0];
    b = std::clamp<int64_t>(b, 0, n);
    e = std::clamp<int64_t>(e, 0, n);
    OnnxConstant out;
    out.integer = data.integer;
    for (int64_t i = b; i < e; i = step < e - i ? i + step : e) {
        if (data.integer)
            out.ints.push_back(data.ints[size_t(i)]);
        else
            out.floats.push_back(data.floats[size_t(i)]);
    }
    out.dims = {int64_t(data.integer ? out.ints.size() : out.floats.size())};
    ctx.set_constant(std::move(out));
}

void import_cast(ImportContext& ctx, const onnx::NodeProto& node) {
    const int64_t to = attr_int(node, "to", onnx::TensorProto::FLOAT);
    const bool to_float = to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE;
    if (!ctx.input_is_constant(0)) {
        if (to == onnx::TensorProto::FLOAT) return ctx.alias(0);
        throw ctx.error("casting an activation to type " + std::to_string(to) +
                        " is not supported");
    }
    const OnnxConstant& in = ctx.constant_input(0);
    OnnxConstant out;
    out.dims = in.dims;
    out.integer = !to_float;
    if (to_float)
        out.floats = in.as_floats();
    else
        out.ints = in.as_ints();
    ctx.set_constant(std::move(out));
}

}  // namespace cl::onnx_detail
