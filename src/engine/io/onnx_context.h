// Internals of the ONNX importer shared by its files: what each ONNX tensor name stands for
// while the graph is walked (a ConvLens node or a constant folded at load time), attribute
// readers, and the import functions of the one op table in onnx_import.cpp.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/error.h"
#include "engine/graph.h"

namespace cl::onnx_detail {

// A constant known at load time: an initializer, a Constant node, or shape plumbing folded.
struct OnnxConstant {
    std::vector<int64_t> dims;  // ONNX shape; {} is a scalar
    std::vector<float> floats;  // used when !integer
    std::vector<int64_t> ints;  // used when integer
    bool integer = false;
    int64_t numel() const;
    double at(int64_t i) const {
        return integer ? double(ints[size_t(i)]) : double(floats[size_t(i)]);
    }
    std::vector<int64_t> as_ints() const;  // values as int64 (shape constants)
    std::vector<float> as_floats() const;
};

// What an ONNX tensor name refers to.
struct OnnxValue {
    bool is_constant = false;
    OnnxConstant constant;
    int node = -1;  // the ConvLens node that computes it
    int rank = 4;   // its ONNX rank: 4 for [N,C,H,W], 2 for [N,F] (stored as [N,F,1,1]),
                    // 3 for one picked channel [N,H,W] (stored as [N,1,H,W])
};

OnnxConstant tensor_to_constant(const onnx::TensorProto& tensor, const std::string& file);

class ImportContext {
public:
    ImportContext(std::string file, int64_t opset);

    const std::string& file() const { return file_; }
    int64_t opset() const { return opset_; }
    Graph& graph() { return graph_; }
    Graph take_graph() { return std::move(graph_); }

    // The node being imported (for error messages and naming).
    void begin(const onnx::NodeProto& node) { node_ = &node; }
    const onnx::NodeProto& node() const { return *node_; }
    // "model.onnx: node 'conv1' (Conv): <message>"
    Error error(const std::string& message) const;

    bool has_input(int i) const;  // present and not the empty "optional" name
    const OnnxValue& input(int i) const;
    bool input_is_constant(int i) const { return input(i).is_constant; }
    const OnnxConstant& constant_input(int i) const;  // throws when it is computed at run time
    int runtime_input(int i) const;                   // ConvLens node; throws for constants
    int runtime_rank(int i) const { return input(i).rank; }
    Shape runtime_shape(int i) const;  // batch-1 shape of a run-time input

    // Frees a constant input's values once a layer has copied them, unless another node reads it.
    void release_constant(int i);
    void define(const std::string& name, OnnxValue value);
    bool defined(const std::string& name) const { return values_.count(name) != 0; }
    const OnnxValue* find(const std::string& name) const;

    // Adds a ConvLens node named after output 0 of the current node (or `name`).
    int add(std::unique_ptr<Op> op, std::vector<int> inputs, int rank,
            const std::string& name = "");
    void set_constant(OnnxConstant constant);    // output 0 is a constant
    void alias(int input_index, int rank = -1);  // output 0 is input i (rank changes allowed)

    // MatMul + Add fusion: the importer may consume a later node; it is then skipped.
    std::unordered_map<std::string, std::vector<const onnx::NodeProto*>> consumers;
    std::vector<const onnx::NodeProto*> skipped;

private:
    std::string file_;
    int64_t opset_;
    Graph graph_;
    std::unordered_map<std::string, OnnxValue> values_;
    const onnx::NodeProto* node_ = nullptr;
};

// Copies `values` (the ONNX layout of that parameter) into the op's param called `name`.
void set_param(ImportContext& ctx, Op& op, const std::string& name,
               const std::vector<float>& values);

// Attributes by name, with ONNX's defaults.
bool has_attr(const onnx::NodeProto& node, const std::string& name);
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback);
std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        const std::string& fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name);
std::vector<float> attr_floats(const onnx::NodeProto& node, const std::string& name);
const onnx::TensorProto* attr_tensor(const onnx::NodeProto& node, const std::string& name);

// A Pad node's pads ([begin N,C,H,W, end N,C,H,W]) and value, from its attributes (opset < 11)
// or constant inputs; false when those inputs are not constants.
bool read_pad_node(const ImportContext& ctx, const onnx::NodeProto& node,
                   std::vector<int64_t>& pads, float& value);
// Zero channels appended and nothing else: the channel half of ResNet's option-A shortcut.
bool pads_only_channels_at_end(const std::vector<int64_t>& pads, float value);

using ImportFn = void (*)(ImportContext& ctx, const onnx::NodeProto& node);

// Layers (onnx_import_layers.cpp)
void import_conv(ImportContext& ctx, const onnx::NodeProto& node);
void import_max_pool(ImportContext& ctx, const onnx::NodeProto& node);
void import_average_pool(ImportContext& ctx, const onnx::NodeProto& node);
void import_global_average_pool(ImportContext& ctx, const onnx::NodeProto& node);
void import_batch_norm(ImportContext& ctx, const onnx::NodeProto& node);
void import_lrn(ImportContext& ctx, const onnx::NodeProto& node);
void import_gemm(ImportContext& ctx, const onnx::NodeProto& node);
void import_matmul(ImportContext& ctx, const onnx::NodeProto& node);
void import_relu(ImportContext& ctx, const onnx::NodeProto& node);
void import_sigmoid(ImportContext& ctx, const onnx::NodeProto& node);
void import_tanh(ImportContext& ctx, const onnx::NodeProto& node);
void import_clip(ImportContext& ctx, const onnx::NodeProto& node);
void import_softmax(ImportContext& ctx, const onnx::NodeProto& node);
void import_dropout(ImportContext& ctx, const onnx::NodeProto& node);
void import_pad(ImportContext& ctx, const onnx::NodeProto& node);
// Element-wise and tensor plumbing (onnx_import_tensor.cpp)
void import_add(ImportContext& ctx, const onnx::NodeProto& node);
void import_sub(ImportContext& ctx, const onnx::NodeProto& node);
void import_mul(ImportContext& ctx, const onnx::NodeProto& node);
void import_div(ImportContext& ctx, const onnx::NodeProto& node);
void import_concat(ImportContext& ctx, const onnx::NodeProto& node);
void import_flatten(ImportContext& ctx, const onnx::NodeProto& node);
void import_reshape(ImportContext& ctx, const onnx::NodeProto& node);
void import_identity(ImportContext& ctx, const onnx::NodeProto& node);
void import_constant(ImportContext& ctx, const onnx::NodeProto& node);
void import_shape(ImportContext& ctx, const onnx::NodeProto& node);
void import_gather(ImportContext& ctx, const onnx::NodeProto& node);
void import_unsqueeze(ImportContext& ctx, const onnx::NodeProto& node);
void import_squeeze(ImportContext& ctx, const onnx::NodeProto& node);
void import_slice(ImportContext& ctx, const onnx::NodeProto& node);
void import_cast(ImportContext& ctx, const onnx::NodeProto& node);

}  // namespace cl::onnx_detail
