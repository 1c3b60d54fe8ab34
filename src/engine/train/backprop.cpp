// Reverse-mode differentiation over the node list: the graph is topological, so walking it
// backwards visits every consumer of a node before the node itself.
#include "engine/train/backprop.h"

#include "engine/error.h"

namespace cl {

NodeGradients graph_backward(Graph& graph, const Activations& acts, int from,
                             const Tensor& grad_from, bool with_input_grad) {
    BackwardOptions options;
    options.wanted = with_input_grad ? 0 : -1;
    return graph_backward(graph, acts, from, grad_from, options);
}

namespace {

// Both entry points. Op::backward is not const because training writes parameter gradients
// into the op; `graph` is only const_cast for it when the caller's graph is mutable, or when
// options.param_grads is false and the ops write nothing of their own.
NodeGradients backward(const Graph& graph, const Activations& acts, int from,
                       const Tensor& grad_from, const BackwardOptions& options) {
    CL_ASSERT(from >= 0 && from < graph.size());
    CL_ASSERT(options.wanted >= -1 && options.wanted < graph.size());
    CL_ASSERT(int(acts.outputs.size()) == graph.size());
    if (acts.cancelled) throw Error(graph.name() + ": cannot run backward on a cancelled forward");
    const Shape& out_shape = acts.outputs[size_t(from)].shape();
    if (grad_from.shape() != out_shape)
        throw Error(graph.node(from).name + ": gradient shape " + grad_from.shape().str() +
                    " does not match the output " + out_shape.str());

    // Which nodes lie on a path from a parameter (when wanted) or the wanted node to `from`:
    // only those need a gradient of their output.
    std::vector<bool> needs(size_t(graph.size()), false);
    if (options.wanted >= 0) needs[size_t(options.wanted)] = true;
    for (int i = 1; i <= from; ++i) {
        const Node& node = graph.node(i);
        bool need = i == options.wanted;
        if (options.param_grads)
            for (const NamedParam& p : node.op->read_params()) need = need || p.grad != nullptr;
        for (int j : node.inputs) need = need || needs[size_t(j)];
        needs[size_t(i)] = need;
    }

    NodeGradients result;
    result.grads.resize(size_t(graph.size()));
    result.grads[size_t(from)] = grad_from.clone();
    for (int i = from; i >= 1; --i) {
        const Tensor& dy = result.grads[size_t(i)];
        if (dy.empty()) continue;  // nothing downstream of `from` uses this node
        const Node& node = graph.node(i);
        if (!options.param_grads) {  // only input gradients: skip nodes that pass none on
            bool passes = false;
            for (int j : node.inputs) passes = passes || needs[size_t(j)];
            if (!passes) continue;
        }
        BackwardArgs args;
        args.output = &acts.outputs[size_t(i)];
        args.grad_output = &dy;
        args.param_grads = options.param_grads;
        for (int j : node.inputs) {
            args.inputs.push_back(&acts.outputs[size_t(j)]);
            Tensor& g = result.grads[size_t(j)];
            // A node with several consumers gets one zeroed tensor that each consumer adds into.
            if (needs[size_t(j)] && g.empty()) g = Tensor::zeros(acts.outputs[size_t(j)].shape());
            args.grad_inputs.push_back(needs[size_t(j)] ? &g : nullptr);
        }
        try {
            const_cast<Op&>(*node.op).backward(args);
        } catch (const Error& e) {
            throw Error(node.name + ": " + e.what());
        }
    }
    return result;
}

}  // namespace

NodeGradients graph_backward(Graph& graph, const Activations& acts, int from,
                             const Tensor& grad_from, const BackwardOptions& options) {
    return backward(graph, acts, from, grad_from, options);
}

NodeGradients graph_backward_to(const Graph& graph, const Activations& acts, int from,
                                const Tensor& grad_from, int wanted) {
    BackwardOptions options;
    options.wanted = wanted;
    options.param_grads = false;
    return backward(graph, acts, from, grad_from, options);
}

void zero_param_grads(Graph& graph) {
    for (GraphParam& p : graph.params()) {
        if (!p.param.grad) continue;
        if (p.param.grad->empty())  // ops allocate their gradients lazily
            *p.param.grad = Tensor::zeros(p.param.value->shape());
        else
            p.param.grad->fill(0.0f);
    }
}

}  // namespace cl
