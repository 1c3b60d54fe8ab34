// The Compare view's table and its export (see compare_table.h).
#include "app/views/compare/compare_table.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/explain/imagenet_history.h"

namespace cl {

namespace {

std::string fixed(double v, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string md_field(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}
}  // namespace

std::string format_short(double value) {
    const char* units[] = {"", " k", " M", " G", " T"};
    int u = 0;
    while (std::fabs(value) >= 999.5 && u < 4) value /= 1000.0, ++u;
    char text[32];
    if (u == 0)
        std::snprintf(text, sizeof text, "%.0f", value);
    else
        std::snprintf(text, sizeof text, std::fabs(value) < 99.95 ? "%.1f%s" : "%.0f%s", value,
                      units[u]);
    return text;
}

CompareRow compare_row(const std::string& model, const Graph& graph, const ModelSummary& summary) {
    CompareRow r;
    r.model = model;
    r.input = summary.input.chw();
    r.depth = weight_layer_depth(graph);
    r.params = summary.total_params;
    r.macs = summary.total_macs;
    r.weight_bytes = summary.weight_bytes;
    r.activation_bytes = summary.total_activation_bytes;
    return r;
}

std::string compare_csv(const std::vector<CompareRow>& rows) {
    std::string out =
        "model,input,depth,params,macs,weight_bytes,activation_bytes,latency_median_ms,"
        "latency_runs,test_accuracy,accuracy_note\n";
    for (const CompareRow& r : rows) {
        out += csv_field(r.model) + "," + csv_field(r.input) + "," + std::to_string(r.depth) + "," +
               std::to_string(r.params) + "," + std::to_string(r.macs) + "," +
               std::to_string(r.weight_bytes) + "," + std::to_string(r.activation_bytes) + ",";
        out += r.latency_ms ? fixed(*r.latency_ms, 3) + "," + std::to_string(r.latency_runs)
                            : std::string(",");
        out += "," + (r.accuracy ? fixed(*r.accuracy, 4) : std::string()) + "," +
               csv_field(r.accuracy_note) + "\n";
    }
    return out;
}

std::string compare_markdown(const std::vector<CompareRow>& rows) {
    std::string out =
        "| model | input | depth (weight layers) | params | MACs | weight memory | "
        "activation memory | latency (median) | test accuracy |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n";
    for (const CompareRow& r : rows) {
        const std::string latency = r.latency_ms ? fixed(*r.latency_ms, 1) + " ms (" +
                                                       std::to_string(r.latency_runs) + " runs)"
                                                 : std::string("not measured");
        const std::string accuracy =
            r.accuracy ? fixed(100.0 * *r.accuracy, 2) + " % (" + r.accuracy_note + ")"
                       : std::string("—");
        out += "| " + md_field(r.model) + " | " + r.input + " | " + std::to_string(r.depth) +
               " | " + format_thousands(r.params) + " | " + format_thousands(r.macs) + " | " +
               format_bytes(r.weight_bytes) + " | " + format_bytes(r.activation_bytes) + " | " +
               latency + " | " + md_field(accuracy) + " |\n";
    }
    out +=
        "\nDepth: weight layers (conv + fully connected) on the longest path. Latency: "
        "median forward pass with every activation kept, measured by ConvLens in this run.\n";
    return out;
}

}  // namespace cl
