// ONNX import: parse with the ONNX library's protobuf classes, check every tensor reference,
// then walk the nodes in their (topological) order through the one table of import functions.
// Shape plumbing is folded into constants; every other node becomes a ConvLens node named
// after its ONNX output tensor.
#include "engine/io/onnx_import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include "engine/io/limits.h"
#include "engine/io/onnx_context.h"

namespace cl {

namespace {

using namespace onnx_detail;

struct OnnxOpEntry {
    const char* op_type;
    ImportFn import;
};

const OnnxOpEntry k_onnx_ops[] = {
    {"Add", import_add},
    {"AveragePool", import_average_pool},
    {"BatchNormalization", import_batch_norm},
    {"Cast", import_cast},
    {"Clip", import_clip},
    {"Concat", import_concat},
    {"Constant", import_constant},
    {"Conv", import_conv},
    {"Div", import_div},
    {"Dropout", import_dropout},
    {"Flatten", import_flatten},
    {"Gather", import_gather},
    {"Gemm", import_gemm},
    {"GlobalAveragePool", import_global_average_pool},
    {"Identity", import_identity},
    {"LRN", import_lrn},
    {"MatMul", import_matmul},
    {"MaxPool", import_max_pool},
    {"Mul", import_mul},
    {"Pad", import_pad},
    {"Relu", import_relu},
    {"Reshape", import_reshape},
    {"Shape", import_shape},
    {"Sigmoid", import_sigmoid},
    {"Slice", import_slice},
    {"Softmax", import_softmax},
    {"Squeeze", import_squeeze},
    {"Sub", import_sub},
    {"Tanh", import_tanh},
    {"Unsqueeze", import_unsqueeze},
};

ImportFn find_import(const onnx::NodeProto& node) {
    if (!node.domain().empty() && node.domain() != "ai.onnx") return nullptr;
    for (const OnnxOpEntry& e : k_onnx_ops)
        if (node.op_type() == e.op_type) return e.import;
    return nullptr;
}

std::string node_label(const onnx::NodeProto& node) {
    if (!node.name().empty()) return node.name();
    return node.output_size() > 0 ? node.output(0) : std::string("?");
}

void check_parsed(bool parsed, const onnx::ModelProto& model, const std::string& path) {
    if (!parsed)
        throw Error(path + ": not a valid ONNX file (the protobuf does not parse; truncated?)");
    if (!model.has_graph() || model.graph().node_size() == 0)
        throw Error(path + ": not an ONNX model (it has no graph nodes)");
}

int64_t default_opset(const onnx::ModelProto& model) {
    for (const auto& op : model.opset_import())
        if (op.domain().empty() || op.domain() == "ai.onnx") return op.version();
    return 1;
}

// The one real input ([N,C,H,W] or [N,F]); older exports also list initializers as inputs.
void add_graph_input(ImportContext& ctx, const onnx::GraphProto& g,
                     const std::set<std::string>& initializers) {
    const onnx::ValueInfoProto* input = nullptr;
    for (const auto& vi : g.input()) {
        if (initializers.count(vi.name())) continue;
        if (input)
            throw Error(ctx.file() + ": the model has several inputs ('" + input->name() + "', '" +
                        vi.name() + "'); ConvLens runs models with one image input");
        input = &vi;
    }
    if (!input) throw Error(ctx.file() + ": the model has no input");
    const auto& type = input->type();
    if (!type.has_tensor_type() || !type.tensor_type().has_shape())
        throw Error(ctx.file() + ": input '" + input->name() + "' has no tensor shape");
    const auto& shape = type.tensor_type().shape();
    const int rank = shape.dim_size();
    if (rank != 4 && rank != 2)
        throw Error(ctx.file() + ": input '" + input->name() + "' has rank " +
                    std::to_string(rank) + "; ConvLens needs [N,C,H,W] (or [N,features])");
    std::vector<int> dims;
    std::vector<int64_t> sizes;
    for (int k = 1; k < rank; ++k) {
        const auto& d = shape.dim(k);
        if (!d.has_dim_value() || d.dim_value() < 1)
            throw Error(ctx.file() + ": input '" + input->name() + "' dimension " +
                        std::to_string(k) + " is not a fixed size; export with a fixed C,H,W");
        sizes.push_back(d.dim_value());
    }
    // A declared shape of 10^12 values would be allocated by the first run: refused now.
    if (bounded_product(sizes, k_max_tensor_elements) < 0) {
        std::string text;
        for (int64_t s : sizes) text += "," + std::to_string(s);
        throw Error(ctx.file() + ": input '" + input->name() + "' has shape [N" + text +
                    "], more values than ConvLens computes (" +
                    std::to_string(k_max_tensor_elements) + ")");
    }
    for (int64_t s : sizes) dims.push_back(int(s));
    const Shape s = rank == 4 ? Shape{1, dims[0], dims[1], dims[2]} : Shape{1, dims[0], 1, 1};
    OnnxValue v;
    v.node = ctx.graph().add_input(input->name(), s);
    v.rank = rank;
    ctx.define(input->name(), v);
}

// Indices of the nodes the first graph output depends on, in file order. Checks that every
// tensor a needed node reads exists and is produced before it (a cycle or a missing initializer
// shows up as a reference to a tensor that is never produced earlier).
std::vector<int> needed_nodes(const std::string& file, const onnx::GraphProto& g,
                              const std::set<std::string>& available) {
    std::unordered_map<std::string, int> producer;
    for (int i = 0; i < g.node_size(); ++i)
        for (const auto& out : g.node(i).output())
            if (!out.empty()) producer[out] = i;
    if (g.output_size() == 0) throw Error(file + ": the graph has no output");
    const std::string& output = g.output(0).name();
    std::vector<bool> needed(size_t(g.node_size()), false);
    std::vector<std::string> stack{output};
    std::set<std::string> seen;
    while (!stack.empty()) {
        const std::string name = stack.back();
        stack.pop_back();
        if (name.empty() || !seen.insert(name).second || available.count(name)) continue;
        auto it = producer.find(name);
        if (it == producer.end())
            throw Error(file + ": tensor '" + name +
                        "' is read but is neither an initializer, the input nor a node's output");
        needed[size_t(it->second)] = true;
        for (const auto& in : g.node(it->second).input()) stack.push_back(in);
    }
    std::vector<int> order;
    for (int i = 0; i < g.node_size(); ++i) {
        if (!needed[size_t(i)]) continue;
        for (const auto& in : g.node(i).input()) {
            if (in.empty() || available.count(in)) continue;
            if (producer.at(in) >= i)
                throw Error(file + ": node '" + node_label(g.node(i)) + "' reads '" + in +
                            "' before it is produced (the nodes are not in topological order, "
                            "or they form a cycle)");
        }
        order.push_back(i);
    }
    return order;
}

// The graph of a parsed model; `path` names it in errors.
Graph import_model(onnx::ModelProto& model, const std::string& path) {
    const onnx::GraphProto& g = model.graph();
    ImportContext ctx(path, default_opset(model));

    std::set<std::string> available;
    for (auto& init : *model.mutable_graph()->mutable_initializer()) {
        OnnxValue v;
        v.is_constant = true;
        v.constant = tensor_to_constant(init, path);
        // A VGG16 holds 0.5 GB of weights: drop the file's copy once converted.
        std::string().swap(*init.mutable_raw_data());
        google::protobuf::RepeatedField<float>().Swap(init.mutable_float_data());
        ctx.define(init.name(), std::move(v));
        available.insert(init.name());
    }
    add_graph_input(ctx, g, available);
    for (const auto& vi : g.input()) available.insert(vi.name());

    const std::vector<int> order = needed_nodes(path, g, available);
    // Every op type first, so that an unsupported one is the error a user sees.
    for (int i : order)
        if (!find_import(g.node(i)))
            throw Error(path + ": unsupported ONNX op '" + g.node(i).op_type() + "' (node '" +
                        node_label(g.node(i)) + "')");
    for (int i : order)
        for (const auto& in : g.node(i).input()) ctx.consumers[in].push_back(&g.node(i));

    for (int i : order) {
        const onnx::NodeProto& node = g.node(i);
        if (std::find(ctx.skipped.begin(), ctx.skipped.end(), &node) != ctx.skipped.end()) continue;
        ctx.begin(node);
        find_import(node)(ctx, node);
    }

    const OnnxValue* out = ctx.find(g.output(0).name());
    // A file can name an output that nothing defines (an empty name, say): its mistake, not ours.
    if (out == nullptr)
        throw Error(path + ": the output '" + g.output(0).name() + "' is never computed");
    if (out->is_constant)
        throw Error(path + ": the output '" + g.output(0).name() + "' is a constant");
    Graph graph = ctx.take_graph();
    if (out->node != graph.output_index())
        throw Error(path + ": the output '" + g.output(0).name() +
                    "' is not the last layer computed");
    std::string name = std::filesystem::path(path).stem().string();
    graph.set_name(name.empty() ? "onnx" : name);
    return graph;
}

}  // namespace

Graph onnx_import(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open the file");
    onnx::ModelProto model;
    check_parsed(model.ParseFromIstream(&in), model, path);
    return import_model(model, path);
}

Graph onnx_import_bytes(const std::string& bytes, const std::string& name) {
    onnx::ModelProto model;
    check_parsed(model.ParseFromString(bytes), model, name);
    return import_model(model, name);
}

std::vector<std::string> onnx_supported_ops() {
    std::vector<std::string> names;
    for (const OnnxOpEntry& e : k_onnx_ops) names.push_back(e.op_type);
    return names;
}

}  // namespace cl
