// ONNX export: one ONNX node per ConvLens node (plus a Flatten where a Linear reads a 4-D
// input, since Gemm needs a matrix, and a Slice + Pad pair for ResNet's option-A shortcut),
// every hyper-parameter written from the op's attributes(), initializers from its parameters.
#include "engine/io/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <limits>

#include "engine/error.h"
#include "engine/io/atomic_file.h"

namespace cl {

namespace {

struct Exporter {
    const Graph& graph;
    onnx::GraphProto* out;
    std::vector<int> rank;  // ONNX rank of each node's output: 4, or 2 after Flatten/Linear

    onnx::NodeProto* node(const std::string& op_type, const std::string& name,
                          std::vector<std::string> inputs) {
        onnx::NodeProto* n = out->add_node();
        n->set_op_type(op_type);
        n->set_name(name);
        for (const auto& in : inputs) n->add_input(in);
        n->add_output(name);
        return n;
    }

    void initializer(const std::string& name, const float* values, int64_t count,
                     std::vector<int64_t> dims) {
        onnx::TensorProto* init = out->add_initializer();
        init->set_name(name);
        init->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : dims) init->add_dims(d);
        init->set_raw_data(
            std::string(reinterpret_cast<const char*>(values), size_t(count) * sizeof(float)));
    }

    // A constant the exporter makes up (Clip bounds, Pad values, Dropout's ratio): dims {} is
    // a scalar. Returns its name.
    std::string float_constant(const std::string& name, std::vector<float> values,
                               std::vector<int64_t> dims = {}) {
        initializer(name, values.data(), int64_t(values.size()), dims);
        return name;
    }

    std::string int_constant(const std::string& name, const std::vector<int64_t>& values) {
        onnx::TensorProto* init = out->add_initializer();
        init->set_name(name);
        init->set_data_type(onnx::TensorProto::INT64);
        init->add_dims(int64_t(values.size()));
        for (int64_t v : values) init->add_int64_data(v);
        return name;
    }

    // The op's parameter `name` as initializer "<node>.<name>"; returns its tensor name.
    std::string param(const Node& n, const std::string& name, std::vector<int64_t> dims) {
        const Tensor* t = param_tensor(n, name);
        CL_ASSERT(t != nullptr);
        const std::string full = n.name + "." + name;
        initializer(full, t->data(), t->numel(), dims);
        return full;
    }

    const Tensor* param_tensor(const Node& n, const std::string& name) {
        for (const NamedParam& p : n.op->read_params())
            if (p.name == name) return p.value;
        return nullptr;
    }
};

void set_ints(onnx::NodeProto* n, const std::string& name, std::vector<int64_t> values) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) a->add_ints(v);
}

void set_int(onnx::NodeProto* n, const std::string& name, int64_t value) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void set_float(onnx::NodeProto* n, const std::string& name, float value) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
}

void set_string(onnx::NodeProto* n, const std::string& name, const std::string& value) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(value);
}

// kernel_shape, strides and pads of a square window with symmetric padding.
void set_window(onnx::NodeProto* n, int kernel, int stride, int pad) {
    set_ints(n, "kernel_shape", {kernel, kernel});
    set_ints(n, "strides", {stride, stride});
    set_ints(n, "pads", {pad, pad, pad, pad});
}

void value_info(onnx::ValueInfoProto* vi, const std::string& name, const Shape& s, int rank) {
    vi->set_name(name);
    auto* t = vi->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = t->mutable_shape();
    shape->add_dim()->set_dim_param("N");
    shape->add_dim()->set_dim_value(s.c);
    if (rank == 4) {
        shape->add_dim()->set_dim_value(s.h);
        shape->add_dim()->set_dim_value(s.w);
    }
}

void export_node(Exporter& ex, int index) {
    const Node& n = ex.graph.node(index);
    std::vector<std::string> inputs;
    for (int i : n.inputs) inputs.push_back(ex.graph.node(i).name);
    const int in_rank = n.inputs.empty() ? 4 : ex.rank[size_t(n.inputs[0])];
    const Shape in_shape = n.inputs.empty() ? n.shape : ex.graph.node(n.inputs[0]).shape;
    int rank = in_rank;
    const OpAttributes attributes = n.op->attributes();
    switch (n.op->kind()) {
        case OpKind::Conv2d: {
            const auto& c = std::get<Conv2dParams>(attributes);
            // [Cout, Cin/groups, K, K]
            inputs.push_back(ex.param(
                n, "weight", {c.out_channels, c.in_channels / c.groups, c.kernel, c.kernel}));
            if (c.bias) inputs.push_back(ex.param(n, "bias", {c.out_channels}));
            auto* conv = ex.node("Conv", n.name, inputs);
            set_window(conv, c.kernel, c.stride, c.pad);
            set_ints(conv, "dilations", {c.dilation, c.dilation});
            set_int(conv, "group", c.groups);
            break;
        }
        case OpKind::MaxPool2d:
        case OpKind::AvgPool2d: {
            const bool max = n.op->kind() == OpKind::MaxPool2d;
            const auto& p = std::get<PoolParams>(attributes);
            auto* pool = ex.node(max ? "MaxPool" : "AveragePool", n.name, inputs);
            set_window(pool, p.kernel, p.stride, p.pad);
            set_int(pool, "ceil_mode", p.ceil_mode ? 1 : 0);
            if (!max) set_int(pool, "count_include_pad", p.count_include_pad ? 1 : 0);
            break;
        }
        case OpKind::GlobalAvgPool:
            ex.node("GlobalAveragePool", n.name, inputs);
            break;
        case OpKind::Relu:
            ex.node("Relu", n.name, inputs);
            break;
        case OpKind::Tanh:
            ex.node("Tanh", n.name, inputs);
            break;
        case OpKind::Sigmoid:
            ex.node("Sigmoid", n.name, inputs);
            break;
        case OpKind::Dropout: {  // since opset 12 the ratio is an input
            const auto& d = std::get<DropoutParams>(attributes);
            inputs.push_back(ex.float_constant(n.name + ".ratio", {d.p}));
            ex.node("Dropout", n.name, inputs);
            break;
        }
        case OpKind::Lrn: {
            const auto& p = std::get<LrnParams>(attributes);
            auto* l = ex.node("LRN", n.name, inputs);
            set_int(l, "size", p.size);
            set_float(l, "alpha", p.alpha);  // both divide by size: PyTorch's alpha is ONNX's
            set_float(l, "beta", p.beta);
            set_float(l, "bias", p.k);
            break;
        }
        case OpKind::BatchNorm2d: {
            const auto& p = std::get<BatchNormParams>(attributes);
            for (const char* name : {"weight", "bias", "running_mean", "running_var"})
                inputs.push_back(ex.param(n, name, {p.channels}));
            auto* bn = ex.node("BatchNormalization", n.name, inputs);
            set_float(bn, "epsilon", p.eps);
            // ONNX weighs the running value by momentum, PyTorch the batch's.
            set_float(bn, "momentum", float(1.0 - double(p.momentum)));
            break;
        }
        case OpKind::Linear: {
            const auto& p = std::get<LinearParams>(attributes);
            if (in_rank != 2) {  // Gemm multiplies matrices: flatten [N,C,H,W] first
                const std::string flat = n.name + "/flatten";
                set_int(ex.node("Flatten", flat, inputs), "axis", 1);
                inputs = {flat};
            }
            inputs.push_back(ex.param(n, "weight", {p.out_features, p.in_features}));
            if (p.bias) inputs.push_back(ex.param(n, "bias", {p.out_features}));
            set_int(ex.node("Gemm", n.name, inputs), "transB", 1);
            rank = 2;
            break;
        }
        case OpKind::Flatten:
            if (in_rank == 2)
                ex.node("Identity", n.name, inputs);
            else
                set_int(ex.node("Flatten", n.name, inputs), "axis", 1);
            rank = 2;
            break;
        case OpKind::Concat:
            set_int(ex.node("Concat", n.name, inputs), "axis", 1);
            break;
        case OpKind::Softmax:
            set_int(ex.node("Softmax", n.name, inputs), "axis", 1);
            break;
        case OpKind::Add:
        case OpKind::Sub:
        case OpKind::Mul:
        case OpKind::Div: {
            const char* op_type = n.op->kind() == OpKind::Add   ? "Add"
                                  : n.op->kind() == OpKind::Sub ? "Sub"
                                  : n.op->kind() == OpKind::Mul ? "Mul"
                                                                : "Div";
            const auto& p = std::get<ElementwiseParams>(attributes);
            if (p.with_constant) {
                // [1,1,1,1] -> a scalar; [1,C,1,1] -> [C,1,1] (or [C] against [N,C]), which
                // ONNX broadcasts from the right over [N,C,H,W].
                const Tensor& c = *ex.param_tensor(n, "constant");
                std::vector<int64_t> dims;
                if (c.numel() != 1)
                    dims = in_rank == 4 ? std::vector<int64_t>{c.numel(), 1, 1}
                                        : std::vector<int64_t>{c.numel()};
                const std::string name = n.name + ".constant";
                ex.initializer(name, c.data(), c.numel(), dims);
                inputs.insert(p.constant_first ? inputs.begin() : inputs.end(), name);
                ex.node(op_type, n.name, inputs);
                break;
            }
            // ONNX's are binary: a chain for more inputs.
            std::string acc = inputs[0];
            for (size_t k = 1; k < inputs.size(); ++k) {
                const std::string name =
                    k + 1 == inputs.size() ? n.name : n.name + "/sum" + std::to_string(k);
                ex.node(op_type, name, {acc, inputs[k]});
                acc = name;
            }
            break;
        }
        case OpKind::Clip: {  // since opset 11 the bounds are inputs
            const auto& p = std::get<ClipParams>(attributes);
            inputs.push_back(ex.float_constant(n.name + ".min", {p.min_value}));
            inputs.push_back(ex.float_constant(n.name + ".max", {p.max_value}));
            ex.node("Clip", n.name, inputs);
            break;
        }
        case OpKind::Pad: {  // since opset 11 the pads and the value are inputs
            const auto& p = std::get<PadParams>(attributes);
            // [begin N, C, H, W, end N, C, H, W]
            inputs.push_back(
                ex.int_constant(n.name + ".pads", {0, 0, p.top, p.left, 0, 0, p.bottom, p.right}));
            inputs.push_back(ex.float_constant(n.name + ".value", {p.value}));
            set_string(ex.node("Pad", n.name, inputs), "mode", "constant");
            break;
        }
        case OpKind::ChannelPick: {
            // indices [k], not the scalar k: the output keeps its channel axis, [N,1,H,W]
            const auto& p = std::get<ChannelPickParams>(attributes);
            inputs.push_back(ex.int_constant(n.name + ".index", {p.channel}));
            set_int(ex.node("Gather", n.name, inputs), "axis", 1);
            break;
        }
        case OpKind::ShortcutPad: {
            // x[:, :, ::s, ::s] as a Slice, then zero channels appended by a Pad: the importer
            // reads the pair back as one ShortcutPad.
            const auto& p = std::get<ShortcutPadParams>(attributes);
            const std::string sub = n.name + "/subsample";
            const int64_t end = std::numeric_limits<int64_t>::max();
            ex.node(
                "Slice", sub,
                {inputs[0], ex.int_constant(sub + ".starts", {0, 0}),
                 ex.int_constant(sub + ".ends", {end, end}), ex.int_constant(sub + ".axes", {2, 3}),
                 ex.int_constant(sub + ".steps", {p.stride, p.stride})});
            const int64_t extra = p.out_channels - in_shape.c;
            auto* pad =
                ex.node("Pad", n.name,
                        {sub, ex.int_constant(n.name + ".pads", {0, 0, 0, 0, 0, extra, 0, 0})});
            set_string(pad, "mode", "constant");
            break;
        }
        default:
            throw Error("export: node '" + n.name + "' (" + op_kind_name(n.op->kind()) +
                        ") has no ONNX form in ConvLens's exporter");
    }
    ex.rank[size_t(index)] = rank;
}

}  // namespace

std::string onnx_export_bytes(const Graph& graph) {
    if (graph.size() < 2) throw Error("export: the graph '" + graph.name() + "' has no layers");
    onnx::ModelProto model;
    model.set_ir_version(onnx::IR_VERSION);
    model.set_producer_name("ConvLens");
    model.set_producer_version("0.1.0");
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(k_onnx_export_opset);
    onnx::GraphProto* g = model.mutable_graph();
    g->set_name(graph.name());

    Exporter ex{graph, g, std::vector<int>(size_t(graph.size()), 4)};
    value_info(g->add_input(), graph.node(0).name, graph.node(0).shape, 4);
    for (int i = 1; i < graph.size(); ++i) export_node(ex, i);
    const int last = graph.output_index();
    value_info(g->add_output(), graph.node(last).name, graph.node(last).shape,
               ex.rank[size_t(last)]);

    std::string bytes;
    if (!model.SerializeToString(&bytes))
        throw Error("export: cannot serialise the graph '" + graph.name() + "' as ONNX");
    return bytes;
}

void onnx_export(const Graph& graph, const std::string& path) {
    write_file_atomic(path, onnx_export_bytes(graph));
}

}  // namespace cl
