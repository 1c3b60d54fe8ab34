// `convlens infer`: run a model on one input, print the top classes, and with --dump write
// every node's output as .npy plus index.json (the contract scripts and tests rely on).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/error.h"
#include "engine/io/atomic_file.h"
#include "engine/io/npy.h"
#include "engine/model_loader.h"

namespace cl {

namespace {
struct InferOptions {
    std::string model, input, weights, dump;
    int top = 5;
};

// Node names may hold '/' or '.' ("inception3a/3x3", "layer1.0.conv1"): keep them readable
// but safe as file names.
std::string file_name_for(const std::string& node_name) {
    std::string out;
    for (char ch : node_name)
        out += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_')
                   ? ch
                   : '_';
    return out.empty() ? "node" : out;
}

void dump_activations(const Graph& graph, const Activations& acts, const std::string& dir) {
    std::filesystem::create_directories(dir);
    nlohmann::json index = nlohmann::json::array();
    std::vector<std::string> used;
    for (int i = 0; i < graph.size(); ++i) {
        const Node& node = graph.node(i);
        std::string file = file_name_for(node.name);
        std::string unique = file;
        for (int k = 2; std::find(used.begin(), used.end(), unique) != used.end(); ++k)
            unique = file + "_" + std::to_string(k);
        used.push_back(unique);
        const Tensor& t = acts.outputs[size_t(i)];
        npy_write(dir + "/" + unique + ".npy", t);
        const Shape& s = t.shape();
        index.push_back({{"name", node.name},
                         {"op", op_kind_name(node.op->kind())},
                         {"shape", {s.n, s.c, s.h, s.w}},
                         {"file", unique + ".npy"}});
    }
    // Written last: a reader that finds index.json finds every file it names.
    write_file_atomic(dir + "/index.json", index.dump(2) + "\n");
}

int run_infer(const InferOptions& o) {
    if (o.top < 1) throw Error("--top must be at least 1");
    Graph graph = load_model(o.model, o.weights);
    const Tensor input = read_model_input(o.input, graph.input_shape());
    const Activations acts = graph.forward(input);
    const Tensor& out = acts.outputs.back();
    const int classes = out.shape().c;
    std::vector<float> probs(static_cast<size_t>(classes), 0.0f);
    const bool is_softmax = graph.node(graph.output_index()).op->kind() == OpKind::Softmax;
    if (is_softmax) {
        for (int k = 0; k < classes; ++k) probs[size_t(k)] = out.at(0, k, 0, 0);
    } else {  // logits: show probabilities all the same
        float m = out.at(0, 0, 0, 0);
        for (int k = 1; k < classes; ++k) m = std::max(m, out.at(0, k, 0, 0));
        double sum = 0;
        for (int k = 0; k < classes; ++k)
            sum += probs[size_t(k)] = std::exp(out.at(0, k, 0, 0) - m);
        for (float& p : probs) p = float(p / sum);
    }
    std::vector<int> order(static_cast<size_t>(classes), 0);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return probs[size_t(a)] > probs[size_t(b)]; });
    const auto names = class_names_for_model(graph, o.weights);
    std::printf("%s on %s (%.2f ms, %d layers)\n", graph.name().c_str(), o.input.c_str(),
                acts.total_millis(), graph.size());
    for (int r = 0; r < std::min(o.top, classes); ++r) {
        const int k = order[size_t(r)];
        std::printf("%d. %-24s %6.2f%%\n", r + 1, names[size_t(k)].c_str(),
                    100.0 * probs[size_t(k)]);
    }
    if (!o.dump.empty()) {
        dump_activations(graph, acts, o.dump);
        std::printf("wrote %d activations to %s/ (index.json)\n", graph.size(), o.dump.c_str());
    }
    return 0;
}
}  // namespace

CommandRunner register_infer(CLI::App& app) {
    auto o = std::make_shared<InferOptions>();
    app.add_option("MODEL", o->model, "Built-in model name or .onnx file")->required();
    app.add_option("--input", o->input,
                   "Image (PNG/JPEG/BMP), or .npy of the model's input shape ([1,C,H,W] or "
                   "[C,H,W]; [N,F] for a model of features)")
        ->required();
    app.add_option("--weights", o->weights, "Weights (.safetensors) instead of the shipped ones");
    app.add_option("--dump", o->dump, "Folder for index.json and one .npy per node");
    app.add_option("--top", o->top, "How many classes to print");
    return [o] { return run_infer(*o); };
}

}  // namespace cl
