// The table of shipped trained weights (see trained_weights.h). The commands and figures are
// the ones docs/zoo.md records; tests/zoo/test_shipped_weights.cpp re-evaluates every file.
#include "engine/zoo/trained_weights.h"

#include <cstdio>
#include <filesystem>

#include "engine/io/safetensors.h"
#include "engine/paths.h"
#include "engine/util/strings.h"

namespace cl {

const char* const k_random_weights_note =
    "random weights: these patterns mean nothing yet (He initialisation, never trained)";

const std::vector<TrainedWeights>& trained_weights_list() {
    static const std::vector<TrainedWeights> k_list = {
        {"lenet5", "lenet5-mnist.safetensors", "mnist", "MNIST", 0.9855, 0.16,
         "convlens train lenet5 --data mnist --epochs 20 --shift 2 --lr 0.002 --seed 1 "
         "--threads 2 --out assets/lenet5-mnist.safetensors",
         true},
        {"lenet5", "lenet5-fashion.safetensors", "fashion-mnist", "Fashion-MNIST", 0.9126, 0.93,
         "convlens train lenet5 --data fashion-mnist --epochs 15 --shift 1 --lr 0.002 --seed 1 "
         "--threads 2 --out assets/lenet5-fashion.safetensors",
         false},
        {"alexnet-mini", "alexnet-mini-fashion.safetensors", "fashion-mnist", "Fashion-MNIST",
         0.8929, 28.0,
         "convlens train alexnet-mini --data fashion-mnist --epochs 6 --shift 1 --flip --lr 0.002 "
         "--seed 1 --threads 2 --out assets/alexnet-mini-fashion.safetensors",
         true},
        {"vgg-mini", "vgg-mini-fashion.safetensors", "fashion-mnist", "Fashion-MNIST", 0.9087, 44.1,
         "convlens train vgg-mini --data fashion-mnist --epochs 6 --shift 1 --flip --lr 0.002 "
         "--seed 1 --threads 1 --out assets/vgg-mini-fashion.safetensors",
         true},
        {"googlenet-mini", "googlenet-mini-fashion.safetensors", "fashion-mnist", "Fashion-MNIST",
         0.9019, 63.4,
         "convlens train googlenet-mini --data fashion-mnist --epochs 6 --shift 1 --flip --lr "
         "0.002 --seed 1 --threads 1 --out assets/googlenet-mini-fashion.safetensors",
         true},
        {"resnet-mini", "resnet-mini-fashion.safetensors", "fashion-mnist", "Fashion-MNIST", 0.9301,
         48.4,
         "convlens train resnet-mini --data fashion-mnist --epochs 8 --shift 1 --flip --lr 0.002 "
         "--seed 1 --threads 2 --out assets/resnet-mini-fashion.safetensors",
         true},
    };
    return k_list;
}

const TrainedWeights* trained_weights_for(const std::string& weights_path) {
    if (weights_path.empty() || weights_path == "none") return nullptr;
    const std::string name = std::filesystem::path(weights_path).filename().string();
    for (const TrainedWeights& t : trained_weights_list())
        if (name == t.file && safetensors_producer(weights_path) == "convlens") return &t;
    return nullptr;
}

const TrainedWeights* default_trained_weights(const std::string& model) {
    for (const TrainedWeights& t : trained_weights_list())
        if (model == t.model && t.is_default) return &t;
    return nullptr;
}

std::string trained_dataset(const std::string& model, const std::string& weights_path) {
    const TrainedWeights* t =
        weights_path.empty() ? default_trained_weights(model) : trained_weights_for(weights_path);
    return t ? t->dataset : "";
}

bool has_random_weights(const std::string& model, const std::string& weights_path) {
    if (ends_with_nocase(model, ".onnx")) return false;  // an ONNX file carries its weights
    if (weights_path == "none") return true;
    if (!weights_path.empty()) return false;
    const TrainedWeights* t = default_trained_weights(model);
    return !t || !std::filesystem::exists(asset_path(t->file));
}

std::string weights_status(const std::string& model, const std::string& weights_path) {
    if (ends_with_nocase(model, ".onnx") && weights_path.empty())
        return "weights from the ONNX file";
    if (has_random_weights(model, weights_path)) return k_random_weights_note;
    const TrainedWeights* t = trained_weights_for(
        weights_path.empty() ? asset_path(default_trained_weights(model)->file) : weights_path);
    if (!t)
        return "weights from " + std::filesystem::path(weights_path).filename().string() +
               " (not trained by ConvLens: accuracy unknown)";
    char accuracy[32];
    std::snprintf(accuracy, sizeof accuracy, "%.1f %%", 100.0 * t->test_accuracy);
    return std::string("trained by ConvLens on ") + t->title + ", " + accuracy + " test accuracy";
}

}  // namespace cl
