// ONNX export: one ONNX node per ConvLens node (plus a Flatten where a Linear reads a 4-D
// input, since Gemm needs a matrix), initializers from the ops' parameters.
#include "engine/io/onnx_export.h"

#include <onnx/onnx_pb.h>

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

    void initializer(const std::string& name, const Tensor& t, std::vector<int64_t> dims) {
        onnx::TensorProto* init = out->add_initializer();
        init->set_name(name);
        init->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : dims) init->add_dims(d);
        init->set_raw_data(std::string(reinterpret_cast<const char*>(t.data()),
                                       size_t(t.numel()) * sizeof(float)));
    }

    // The op's parameter `name` as initializer "<node>.<name>"; returns its tensor name.
    std::string param(const Node& n, const std::string& name, std::vector<int64_t> dims) {
        for (NamedParam& p : n.op->params())
            if (p.name == name) {
                const std::string full = n.name + "." + name;
                initializer(full, *p.value, dims);
                return full;
            }
        return "";
    }

    const Tensor* param_tensor(const Node& n, const std::string& name) {
        for (NamedParam& p : n.op->params())
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
    const LayerGeometry g = n.op->geometry();
    switch (n.op->kind()) {
        case OpKind::Conv2d: {
            const Tensor& w = *ex.param_tensor(n, "weight");  // [Cout, Cin/g, K, K]
            const Shape ws = w.shape();
            inputs.push_back(ex.param(n, "weight", {ws.n, ws.c, ws.h, ws.w}));
            if (ex.param_tensor(n, "bias")) inputs.push_back(ex.param(n, "bias", {ws.n}));
            auto* c = ex.node("Conv", n.name, inputs);
            set_ints(c, "kernel_shape", {g.kernel, g.kernel});
            set_ints(c, "strides", {g.stride, g.stride});
            set_ints(c, "pads", {g.pad, g.pad, g.pad, g.pad});
            set_ints(c, "dilations", {g.dilation, g.dilation});
            set_int(c, "group", in_shape.c / ws.c);
            break;
        }
        case OpKind::MaxPool2d:
        case OpKind::AvgPool2d: {
            const bool max = n.op->kind() == OpKind::MaxPool2d;
            auto* p = ex.node(max ? "MaxPool" : "AveragePool", n.name, inputs);
            set_ints(p, "kernel_shape", {g.kernel, g.kernel});
            set_ints(p, "strides", {g.stride, g.stride});
            set_ints(p, "pads", {g.pad, g.pad, g.pad, g.pad});
            // The op keeps ceil_mode to itself; the output size tells.
            const int floor_h = (in_shape.h + 2 * g.pad - g.kernel) / g.stride + 1;
            const int floor_w = (in_shape.w + 2 * g.pad - g.kernel) / g.stride + 1;
            set_int(p, "ceil_mode", (n.shape.h != floor_h || n.shape.w != floor_w) ? 1 : 0);
            if (!max) set_int(p, "count_include_pad", 1);  // PyTorch's default, and ours
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
        case OpKind::Dropout:
            ex.node("Dropout", n.name, inputs);
            break;
        case OpKind::Lrn: {
            const LrnParams defaults;  // the op keeps its parameters private: AlexNet's values
            auto* l = ex.node("LRN", n.name, inputs);
            set_int(l, "size", defaults.size);
            set_float(l, "alpha", defaults.alpha);
            set_float(l, "beta", defaults.beta);
            set_float(l, "bias", defaults.k);
            break;
        }
        case OpKind::BatchNorm2d: {
            const int64_t c = in_shape.c;
            for (const char* p : {"weight", "bias", "running_mean", "running_var"})
                inputs.push_back(ex.param(n, p, {c}));
            ex.node("BatchNormalization", n.name, inputs);
            break;
        }
        case OpKind::Linear: {
            if (in_rank != 2) {  // Gemm multiplies matrices: flatten [N,C,H,W] first
                const std::string flat = n.name + "/flatten";
                set_int(ex.node("Flatten", flat, inputs), "axis", 1);
                inputs = {flat};
            }
            const Shape ws = ex.param_tensor(n, "weight")->shape();  // [out, in, 1, 1]
            inputs.push_back(ex.param(n, "weight", {ws.n, ws.c}));
            if (ex.param_tensor(n, "bias")) inputs.push_back(ex.param(n, "bias", {ws.n}));
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
        case OpKind::Add: {
            if (inputs.size() < 2)
                throw Error("export: node '" + n.name + "' adds a constant, which is not exported");
            // ONNX Add is binary: a chain for more inputs.
            std::string acc = inputs[0];
            for (size_t k = 1; k < inputs.size(); ++k) {
                const std::string name =
                    k + 1 == inputs.size() ? n.name : n.name + "/sum" + std::to_string(k);
                ex.node("Add", name, {acc, inputs[k]});
                acc = name;
            }
            break;
        }
        default:
            throw Error("export: node '" + n.name + "' (" + op_kind_name(n.op->kind()) +
                        ") has no ONNX form in ConvLens's exporter");
    }
    ex.rank[size_t(index)] = rank;
}

}  // namespace

void onnx_export(const Graph& graph, const std::string& path) {
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
    if (!model.SerializeToString(&bytes)) throw Error(path + ": cannot serialise the ONNX model");
    write_file_atomic(path, bytes);
}

}  // namespace cl
