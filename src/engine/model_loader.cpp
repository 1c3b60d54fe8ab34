// Resolves what a user typed (built-in name or .onnx path, optional weights) into a Graph.
#include "engine/model_loader.h"

#include <filesystem>

#include "engine/error.h"
#include "engine/imagenet_labels.h"
#include "engine/io/idx.h"
#include "engine/io/onnx_import.h"
#include "engine/io/safetensors.h"
#include "engine/paths.h"
#include "engine/util/strings.h"
#include "engine/zoo/trained_weights.h"
#include "engine/zoo/zoo.h"

namespace cl {

std::string default_weights_for(const std::string& model) {
    const TrainedWeights* t = default_trained_weights(model);
    return t ? asset_path(t->file) : std::string();
}

Graph load_model(const std::string& name_or_path, const std::string& weights) {
    if (ends_with(name_or_path, ".onnx")) {
        Graph graph = onnx_import(name_or_path);
        if (!weights.empty() && weights != "none") safetensors_load(weights, graph);
        return graph;
    }
    Graph graph = zoo_build(name_or_path);
    std::string path = weights.empty() ? default_weights_for(name_or_path) : weights;
    if (path == "none") return graph;
    if (!path.empty()) {
        // A missing default file leaves the He initialisation (a fresh checkout before training).
        if (weights.empty() && !std::filesystem::exists(path)) return graph;
        safetensors_load(path, graph);
    }
    return graph;
}

std::vector<std::string> class_names_for_model(const Graph& graph, const std::string& weights) {
    const int classes = graph.node(graph.output_index()).shape.c;
    if (classes == 10 && graph.input_shape().c == 1 && graph.input_shape().h == 28) {
        // The defaults of a built-in model name the data they were trained on.
        const std::string w = weights.empty() ? default_weights_for(graph.name()) : weights;
        return class_names_for(w.find("fashion") != std::string::npos ? "fashion-mnist" : "mnist");
    }
    if (classes == k_imagenet_classes) return imagenet_labels();
    std::vector<std::string> names;
    for (int i = 0; i < classes; ++i) names.push_back("class " + std::to_string(i));
    return names;
}

}  // namespace cl
