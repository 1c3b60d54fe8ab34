// Graph construction (shape inference at add time) and the forward pass that keeps every
// node's output with its wall time.
#include "engine/graph.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "engine/error.h"

namespace cl {

double Activations::total_millis() const {
    double total = 0;
    for (double m : millis) total += m;
    return total;
}

namespace {
class InputOp final : public Op {
public:
    explicit InputOp(Shape shape) : shape_(shape) {}
    OpKind kind() const override { return OpKind::Input; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<InputOp>(*this); }
    Shape infer_shape(const std::vector<Shape>&) const override { return shape_; }
    void forward(const std::vector<const Tensor*>&, Tensor&) const override {}

private:
    Shape shape_;
};
}  // namespace

Graph::Graph(Graph&& other) noexcept
    : name_(std::move(other.name_)),
      nodes_(std::move(other.nodes_)),
      training_(other.training_),
      arena_(std::move(other.arena_)) {
    other.arena_ = std::make_unique<ActivationArena>();
}

Graph& Graph::operator=(Graph&& other) noexcept {
    if (this != &other) {
        name_ = std::move(other.name_);
        nodes_ = std::move(other.nodes_);
        training_ = other.training_;
        arena_ = std::move(other.arena_);
        other.arena_ = std::make_unique<ActivationArena>();
    }
    return *this;
}

int Graph::add_input(std::string name, Shape shape) {
    if (!nodes_.empty()) throw Error(name_ + ": the input must be the first node");
    shape.n = 1;
    Node node;
    node.name = std::move(name);
    node.op = std::make_unique<InputOp>(shape);
    node.shape = shape;
    nodes_.push_back(std::move(node));
    return 0;
}

int Graph::add(std::string name, std::unique_ptr<Op> op, std::vector<int> inputs) {
    CL_ASSERT(op != nullptr);
    if (find(name) >= 0) throw Error(name_ + ": duplicate node name '" + name + "'");
    std::vector<Shape> shapes;
    for (int i : inputs) {
        if (i < 0 || i >= size())
            throw Error(name_ + ": node '" + name + "' refers to a node that does not exist yet");
        shapes.push_back(nodes_[size_t(i)].shape);
    }
    Node node;
    try {
        node.shape = op->infer_shape(shapes);
    } catch (const Error& e) {
        throw Error(name + ": " + e.what());
    }
    node.name = std::move(name);
    node.op = std::move(op);
    node.inputs = std::move(inputs);
    nodes_.push_back(std::move(node));
    return size() - 1;
}

int Graph::find(std::string_view name) const {
    for (int i = 0; i < size(); ++i)
        if (nodes_[size_t(i)].name == name) return i;
    return -1;
}

int Graph::require(std::string_view name) const {
    const int i = find(name);
    if (i < 0) throw Error(name_ + ": no layer named '" + std::string(name) + "'");
    return i;
}

Shape Graph::input_shape() const {
    if (nodes_.empty()) throw Error(name_ + ": the graph is empty");
    return nodes_[0].shape;
}

std::vector<Shape> Graph::input_shapes(int index, int batch) const {
    std::vector<Shape> shapes;
    for (int i : node(index).inputs) {
        Shape s = nodes_[size_t(i)].shape;
        s.n = batch;
        shapes.push_back(s);
    }
    return shapes;
}

Activations Graph::forward(const Tensor& input, const RunControl& control) const {
    const Shape expected = input_shape();
    const Shape& got = input.shape();
    if (got.c != expected.c || got.h != expected.h || got.w != expected.w)
        throw Error(name_ + ": expects input " + expected.chw() + ", got " + got.chw());

    using Clock = std::chrono::steady_clock;
    const int batch = got.n;
    const int last =
        control.stop_after >= 0 ? std::min(control.stop_after, size() - 1) : size() - 1;
    std::vector<Shape> shapes;  // nodes 1..last (the input is kept as given, not copied)
    for (int i = 1; i <= last; ++i) {
        Shape s = nodes_[size_t(i)].shape;
        s.n = batch;
        shapes.push_back(s);
    }
    std::vector<Tensor> outputs = arena_->acquire(shapes);
    Activations acts;
    acts.outputs.resize(nodes_.size());
    acts.millis.assign(nodes_.size(), 0.0);
    acts.fused.assign(nodes_.size(), false);
    acts.outputs[0] = input;
    for (int i = 1; i <= last; ++i) {
        if (control.keep_going && !control.keep_going(i, last + 1)) {
            acts.cancelled = true;
            return acts;
        }
        const Node& node = nodes_[size_t(i)];
        const auto start = Clock::now();
        std::vector<const Tensor*> inputs;
        for (int j : node.inputs) inputs.push_back(&acts.outputs[size_t(j)]);
        Tensor& out = acts.outputs[size_t(i)];
        if (out.empty()) out = std::move(outputs[size_t(i - 1)]);  // unless taken for fusion
        if (control.poison_outputs) out.fill(std::numeric_limits<float>::quiet_NaN());
        if (i < last && relu_follows(i)) {  // the ReLU in the same pass, while in cache
            Tensor& relu = acts.outputs[size_t(i + 1)];
            relu = std::move(outputs[size_t(i)]);  // kept for the ReLU's turn if not fused
            if (control.poison_outputs) relu.fill(std::numeric_limits<float>::quiet_NaN());
            if (node.op->forward_with_relu(inputs, out, relu)) {
                acts.fused[size_t(i + 1)] = true;
                acts.millis[size_t(i)] =
                    std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                ++i;
                continue;
            }
        }
        node.op->forward(inputs, out);
        acts.millis[size_t(i)] =
            std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    }
    return acts;
}

bool Graph::relu_follows(int index) const {
    if (index + 1 >= size()) return false;
    const Node& next = nodes_[size_t(index + 1)];
    return next.op->kind() == OpKind::Relu && next.inputs.size() == 1 && next.inputs[0] == index;
}

std::vector<GraphParam> Graph::params() {
    std::vector<GraphParam> all;
    for (Node& node : nodes_)
        for (NamedParam& p : node.op->params()) all.push_back({node.name + "." + p.name, p});
    return all;
}

const Tensor* Node::param(const std::string& param_name) const {
    if (!op) return nullptr;
    for (const NamedParam& p : op->read_params())
        if (p.name == param_name) return p.value;
    return nullptr;
}

int64_t Graph::param_count() const {
    int64_t total = 0;
    for (const Node& node : nodes_)
        for (const NamedParam& p : node.op->read_params())
            if (p.trainable) total += p.value->numel();
    return total;
}

void Graph::set_training(bool training) {
    training_ = training;
    for (Node& node : nodes_) node.op->set_training(training);
}

Graph Graph::clone() const {
    Graph copy(name_);
    for (const Node& node : nodes_) {
        Node n;
        n.name = node.name;
        n.op = node.op->clone();
        n.inputs = node.inputs;
        n.shape = node.shape;
        copy.nodes_.push_back(std::move(n));
    }
    copy.training_ = training_;
    return copy;
}

}  // namespace cl
