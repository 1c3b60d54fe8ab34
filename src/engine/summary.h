// The structural table of a model, one row per graph node, as lecture slides print it: shapes,
// kernel, stride, pad, channels, parameters (weights and bias apart), MACs, activation memory
// and the formulas with the numbers filled in. Every figure is read from the graph's own ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace cl {

struct LayerSummary {
    std::string name;
    std::string op;       // op_kind_name()
    Shape input, output;  // batch 1; input is the first input (the Input node: itself)
    int kernel = 0, stride = 0, pad = 0;  // 0 0 0 when the layer is not a sliding window
    int in_channels = 0;                  // Linear: input features; Concat: summed over its inputs
    int out_channels = 0;
    int64_t weight_params = 0;  // trainable, except the tensors named "bias"
    int64_t bias_params = 0;
    int64_t params = 0;            // weight_params + bias_params
    int64_t macs = 0;              // multiply-accumulates of one forward pass, batch 1
    int64_t activation_bytes = 0;  // float32 output, batch 1
    std::string output_formula;    // "⌊(227 − 11 + 2·0)/4⌋ + 1 = 55"; empty if not spatial
    std::string param_formula;     // "(11·11·3 + 1)·96 = 34,944"; empty without parameters
};

struct ModelSummary {
    std::string model;
    Shape input;
    std::vector<LayerSummary> layers;  // one per graph node, in execution order
    int64_t total_params = 0;
    int64_t total_macs = 0;
    int64_t total_activation_bytes = 0;  // every node's output kept, as Graph::forward does
    int64_t weight_bytes = 0;            // every parameter tensor, buffers such as BN stats too
};

ModelSummary summarize(const Graph& graph);

// Aligned text: one row per layer with the lecture columns, the totals, then the formulas.
std::string summary_table(const ModelSummary& summary);
// Header line + one row per layer; fields with commas are quoted.
std::string summary_csv(const ModelSummary& summary);
// DESIGN.md's {"layers": [...], "total_params", "total_macs"} with extra fields; shapes as
// [C,H,W].
std::string summary_json(const ModelSummary& summary);

// The lecture's columns (input HxWxC, output HxWxC, stride, pad, kernel, in, out, # params) plus
// MACs: the header and one row's cells exactly as the Walkthrough's table and the Markdown
// export print them ("-" where a layer has no sliding window).
std::vector<std::string> lecture_columns();
std::vector<std::string> lecture_cells(const LayerSummary& layer);
// A GitHub-flavoured Markdown table of the lecture columns, the totals, then the formulas.
std::string summary_markdown(const ModelSummary& summary);

std::string format_thousands(int64_t value);  // 62378344 -> "62,378,344"
std::string format_bytes(int64_t bytes);      // 1 decimal, KiB / MiB / GiB

}  // namespace cl
