// The weights ConvLens trained itself and ships in assets/: which model, on what data, with what
// command and what held-out accuracy. One table for the CLI's defaults, the window's "trained or
// random" notes, Compare's accuracy chart and the test that re-evaluates the shipped files.
#pragma once

#include <string>
#include <vector>

namespace cl {

struct TrainedWeights {
    const char* model;     // zoo name: "lenet5"
    const char* file;      // file name in assets/
    const char* dataset;   // dataset_load spec: "mnist", "fashion-mnist"
    const char* title;     // "MNIST"
    double test_accuracy;  // top-1 on the test split when shipped (convlens eval)
    double train_minutes;  // wall time of the training command on the reference machine
    const char* command;   // the reproducible command that wrote the file (docs/zoo.md)
    bool is_default;       // the weights load_model gives the model when none are named
};

const std::vector<TrainedWeights>& trained_weights_list();

// The entry for a weights path (matched by file name) whose safetensors header says it was
// produced by convlens; nullptr otherwise.
const TrainedWeights* trained_weights_for(const std::string& weights_path);

// The model's default shipped weights, nullptr when it ships none.
const TrainedWeights* default_trained_weights(const std::string& model);

// What a view says about a model's weights, in one line: "trained on Fashion-MNIST by ConvLens,
// 93.1 % test accuracy", "weights from the ONNX file", or the random-weights warning.
// weights_path "" means the model's defaults, "none" the He initialisation.
std::string weights_status(const std::string& model, const std::string& weights_path);

// The dataset_load spec the model's weights were trained on ("mnist", "fashion-mnist"), "" when
// unknown (random weights, an ONNX file, weights from elsewhere).
std::string trained_dataset(const std::string& model, const std::string& weights_path);

// True when the model runs on He-initialised weights (no file given, none shipped or missing).
bool has_random_weights(const std::string& model, const std::string& weights_path);

// The warning a view puts next to maps of a random-weight model.
extern const char* const k_random_weights_note;

}  // namespace cl
