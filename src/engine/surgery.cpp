// Kernel surgery (see surgery.h): edits of single conv filters, applied to a copy of the model.
#include "engine/surgery.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace cl {

namespace {
const std::string k_prefix = "kernel surgery: ";

const Node* conv_node(const Graph& graph, const std::string& name) {
    const int index = graph.find(name);
    if (index < 0) return nullptr;
    const Node& node = graph.node(index);
    return node.op && node.op->kind() == OpKind::Conv2d ? &node : nullptr;
}

// The conv node an edit names, or a one-line error saying why there is none.
Node& require_conv(Graph& graph, const FilterEdit& edit) {
    const int index = graph.find(edit.node);
    if (index < 0) throw Error(k_prefix + "the model has no layer named '" + edit.node + "'");
    Node& node = graph.node(index);
    if (!node.op || node.op->kind() != OpKind::Conv2d) {
        const std::string kind = node.op ? op_kind_name(node.op->kind()) : "Input";
        const bool vowel = std::string("AEIOU").find(kind[0]) != std::string::npos;
        throw Error(k_prefix + edit.node + " is " +
                    (kind == "Input" ? "the input" : (vowel ? "an " : "a ") + kind + " layer") +
                    ", not a convolution");
    }
    return node;
}

FilterEdit edit_of(FilterEdit::Kind kind, const std::string& node, int channel) {
    FilterEdit e;
    e.kind = kind;
    e.node = node;
    e.channel = channel;
    return e;
}

FilterEdit replacement_edit(const FilterReplacement& r) {
    FilterEdit e = edit_of(FilterEdit::Kind::Replace, r.node, r.channel);
    e.weights = r.weights;
    e.bias = r.bias;
    return e;
}
}  // namespace

bool has_filter(const Graph& graph, const std::string& node, int channel) {
    const Node* n = conv_node(graph, node);
    const Tensor* weight = n ? n->param("weight") : nullptr;  // [O, I/g, K, K]
    return weight && channel >= 0 && channel < weight->shape().n;
}

void apply_edit(Graph& graph, const FilterEdit& edit) {
    Node& node = require_conv(graph, edit);
    if (edit.kind == FilterEdit::Kind::Scale && !std::isfinite(edit.factor))
        throw Error(k_prefix + edit.node + " filter " + std::to_string(edit.channel) +
                    " cannot be scaled by " + std::to_string(edit.factor));
    // params(), not read_params(): writing through it makes the op drop derived weights.
    const std::vector<NamedParam> params = node.op->params();
    for (const NamedParam& p : params) {
        if (p.name != "weight" && p.name != "bias") continue;
        const int out = p.value->shape().n;  // weight [O, I/g, K, K], bias [O]
        if (edit.channel < 0 || edit.channel >= out)
            throw Error(k_prefix + edit.node + " has no filter " + std::to_string(edit.channel) +
                        " (it has " + std::to_string(out) + ", 0 to " + std::to_string(out - 1) +
                        ")");
        const int64_t per = p.value->numel() / out;
        if (p.name == "weight" && edit.kind == FilterEdit::Kind::Replace &&
            int64_t(edit.weights.size()) != per)
            throw Error(k_prefix + edit.node + " filters have " + std::to_string(per) +
                        " weights, the replacement has " + std::to_string(edit.weights.size()));
    }
    // Checked in full before the first write: a refused edit leaves the graph as it was.
    for (const NamedParam& p : params) {
        if (p.name != "weight" && p.name != "bias") continue;
        const int64_t per = p.value->numel() / p.value->shape().n;
        float* first = p.value->data() + edit.channel * per;
        float* last = first + per;
        switch (edit.kind) {
            case FilterEdit::Kind::Zero:
                std::fill(first, last, 0.0f);
                break;
            case FilterEdit::Kind::Scale:
                for (float* v = first; v != last; ++v) *v *= edit.factor;
                break;
            case FilterEdit::Kind::Replace:
                if (p.name == "weight")
                    std::copy(edit.weights.begin(), edit.weights.end(), first);
                else
                    *first = edit.bias;
                break;
        }
    }
}

void Surgery::add(FilterEdit edit) {
    if (edit.kind != FilterEdit::Kind::Scale) restore_filter(edit.node, edit.channel);
    edits_.push_back(std::move(edit));
}

void Surgery::zero(const std::string& node, int channel) {
    add(edit_of(FilterEdit::Kind::Zero, node, channel));
}

void Surgery::scale(const std::string& node, int channel, float factor) {
    FilterEdit e = edit_of(FilterEdit::Kind::Scale, node, channel);
    e.factor = factor;
    add(std::move(e));
}

void Surgery::replace(const FilterReplacement& replacement) {
    add(replacement_edit(replacement));
}

void Surgery::restore_filter(const std::string& node, int channel) {
    edits_.erase(
        std::remove_if(edits_.begin(), edits_.end(),
                       [&](const FilterEdit& e) { return e.node == node && e.channel == channel; }),
        edits_.end());
}

void Surgery::restore_layer(const std::string& node) {
    edits_.erase(std::remove_if(edits_.begin(), edits_.end(),
                                [&](const FilterEdit& e) { return e.node == node; }),
                 edits_.end());
}

Graph Surgery::apply(const Graph& original) const {
    Graph g = original.clone();
    for (const FilterEdit& e : edits_) apply_edit(g, e);
    return g;
}

Graph zero_channels(const Graph& graph, const std::vector<std::pair<std::string, int>>& zeroed) {
    Surgery s;
    for (const auto& [node, channel] : zeroed)
        if (has_filter(graph, node, channel)) s.zero(node, channel);
    return s.apply(graph);
}

void replace_filters(Graph& graph, const std::vector<FilterReplacement>& replaced) {
    for (const FilterReplacement& r : replaced) apply_edit(graph, replacement_edit(r));
}

}  // namespace cl
