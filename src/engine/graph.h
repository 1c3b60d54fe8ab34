// Graph: named nodes in topological order. forward() keeps EVERY node's output, because
// showing the intermediate activations is the whole point of ConvLens.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/activation_arena.h"
#include "engine/ops/op.h"
#include "engine/tensor.h"

namespace cl {

struct Node {
    std::string name;  // as a teacher reads it on the slide: "conv1", "layer2.0.conv1"
    std::unique_ptr<Op> op;
    std::vector<int> inputs;  // indices of earlier nodes
    Shape shape;              // output shape for batch 1
    // The op's parameter `name` ("weight", "bias"), for reading; nullptr when there is none.
    const Tensor* param(const std::string& param_name) const;
};

struct RunControl {
    // Cancellation hook, checked between nodes: return false to stop.
    std::function<bool(int done, int total)> keep_going;
    // Tests: fill every output with NaN before its op runs, proving that each op writes all of
    // its output (outputs come from a reused arena, not zero-filled).
    bool poison_outputs = false;
    // Run nodes up to this one only (-1: all); the later outputs stay empty and the pass is not
    // cancelled. For work that needs one layer of many images (explain/top_k.h).
    int stop_after = -1;
};

// Immutable once returned: the arena recycles a pass's memory only after every tensor of it
// (views included) is gone.
struct Activations {
    std::vector<Tensor> outputs;  // outputs[i] belongs to graph.nodes()[i]
    std::vector<double> millis;   // per node wall time
    // fused[i]: node i (a ReLU) was written by node i-1's op (a Conv2d, BatchNorm2d or Add) in
    // the same pass; millis[i] is 0 and its time is in millis[i-1].
    std::vector<bool> fused;
    bool cancelled = false;
    double total_millis() const;
};

// A parameter with its graph-wide name: "conv1.weight".
struct GraphParam {
    std::string name;
    NamedParam param;
};

class Graph {
public:
    explicit Graph(std::string name = "graph")
        : name_(std::move(name)), arena_(std::make_unique<ActivationArena>()) {}
    Graph(Graph&& other) noexcept;
    Graph& operator=(Graph&& other) noexcept;

    int add_input(std::string name, Shape shape);
    // Infers the shape now; throws cl::Error naming the node when inputs do not fit.
    int add(std::string name, std::unique_ptr<Op> op, std::vector<int> inputs);

    int find(std::string_view name) const;     // -1 if absent
    int require(std::string_view name) const;  // throws cl::Error if absent
    const std::vector<Node>& nodes() const { return nodes_; }
    const Node& node(int index) const { return nodes_.at(size_t(index)); }
    Node& node(int index) { return nodes_.at(size_t(index)); }
    int size() const { return int(nodes_.size()); }
    const std::string& name() const { return name_; }
    void set_name(std::string name) { name_ = std::move(name); }
    Shape input_shape() const;  // batch 1
    int output_index() const { return size() - 1; }

    // Every node's output for this input ([N,C,H,W] with C,H,W of input_shape()).
    Activations forward(const Tensor& input, const RunControl& control = {}) const;
    // Input shapes of node i for batch n.
    std::vector<Shape> input_shapes(int index, int batch = 1) const;

    std::vector<GraphParam> params();  // every node's params, "node.param"
    int64_t param_count() const;       // trainable parameters
    void set_training(bool training);
    bool training() const { return training_; }  // the last set_training(); false when new
    Graph clone() const;                         // deep copy

private:
    // Node index+1 is a ReLU of node index alone (forward() offers it to node index's op).
    bool relu_follows(int index) const;

    std::string name_;
    std::vector<Node> nodes_;
    bool training_ = false;
    // Where forward() puts the outputs; never null (a moved-from graph gets an empty one).
    std::unique_ptr<ActivationArena> arena_;
};

}  // namespace cl
