// Kernel surgery: one conv output channel's filter (weights and bias) zeroed, scaled or replaced
// by hand, always in a copy of the model, so that restoring an edit is dropping it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/graph.h"

namespace cl {

// One conv output channel's filter and bias replaced by hand-made values (the Kernel Lab's
// "use as conv1 filter k"). weights holds (in_channels / groups) * k * k values, row by row.
struct FilterReplacement {
    std::string node;
    int channel = 0;
    std::vector<float> weights;
    float bias = 0.0f;
    bool operator==(const FilterReplacement& o) const {
        return node == o.node && channel == o.channel && weights == o.weights && bias == o.bias;
    }
    bool operator!=(const FilterReplacement& o) const { return !(*this == o); }
};

// One edit of one filter. Zero and Replace set every value of the filter; Scale multiplies its
// weights and bias by `factor`.
struct FilterEdit {
    enum class Kind { Zero, Scale, Replace };
    Kind kind = Kind::Zero;
    std::string node;
    int channel = 0;
    float factor = 1.0f;         // Scale
    std::vector<float> weights;  // Replace
    float bias = 0.0f;           // Replace
    bool operator==(const FilterEdit& o) const {
        return kind == o.kind && node == o.node && channel == o.channel && factor == o.factor &&
               weights == o.weights && bias == o.bias;
    }
    bool operator!=(const FilterEdit& o) const { return !(*this == o); }
};

// Writes one edit into `graph` in place (through Op::params(), which drops what a conv derived
// from its weights, such as Winograd-transformed filters). Throws cl::Error with one line naming
// the node and the channel: no such convolution, no such filter, a replacement of the wrong size.
void apply_edit(Graph& graph, const FilterEdit& edit);
// true when `node` is a convolution of the graph with an output channel `channel`.
bool has_filter(const Graph& graph, const std::string& node, int channel);

// An ordered list of edits, applied to a clone of the original graph. A Zero or Replace drops
// the earlier edits of its filter (it overwrites them all); Scales accumulate.
class Surgery {
public:
    void zero(const std::string& node, int channel);
    void scale(const std::string& node, int channel, float factor);
    void replace(const FilterReplacement& replacement);

    void restore_filter(const std::string& node, int channel);  // drops that filter's edits
    void restore_layer(const std::string& node);                // drops every edit of the layer
    void restore_all() { edits_.clear(); }

    const std::vector<FilterEdit>& edits() const { return edits_; }
    bool empty() const { return edits_.empty(); }
    // A deep copy of `original` with every edit applied in order; `original` is untouched.
    Graph apply(const Graph& original) const;

    bool operator==(const Surgery& o) const { return edits_ == o.edits_; }
    bool operator!=(const Surgery& o) const { return !(*this == o); }

private:
    void add(FilterEdit edit);
    std::vector<FilterEdit> edits_;
};

// The GUI's request form. A copy of `graph` with the filters and biases of these (conv node,
// output channel) pairs zeroed; pairs the graph does not have are skipped, since a saved list may
// name another model's layers.
Graph zero_channels(const Graph& graph, const std::vector<std::pair<std::string, int>>& zeroed);
// Writes each replacement into the (already copied) graph; throws naming a bad one.
void replace_filters(Graph& graph, const std::vector<FilterReplacement>& replaced);

}  // namespace cl
