// The Compare view's table: one row per pane with the engine's figures (summary, depth) and
// what was measured in this run, and its CSV / Markdown export. No ImGui here (tested headless).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/summary.h"

namespace cl {

struct CompareRow {
    std::string model;  // as the pane names it: "alexnet", "lenet5 (Fashion-MNIST weights)"
    std::string input;  // "3x227x227"
    int depth = 0;      // weight layers on the longest path (weight_layer_depth)
    int64_t params = 0, macs = 0, weight_bytes = 0, activation_bytes = 0;
    // Measured in this run only; empty until then (never loaded from a file or typed in).
    std::optional<double> latency_ms;
    int latency_runs = 0;
    std::optional<double> accuracy;  // fraction of the test split
    std::string accuracy_note;       // "MNIST test split, 1971/2000; trained by ConvLens: ..."
};

CompareRow compare_row(const std::string& model, const Graph& graph, const ModelSummary& summary);

// 62378344 -> "62.4 M", 15470264320 -> "15.5 G", 431080 -> "431 k" (for charts and cells).
std::string format_short(double value);

std::string compare_csv(const std::vector<CompareRow>& rows);
std::string compare_markdown(const std::vector<CompareRow>& rows);

}  // namespace cl
