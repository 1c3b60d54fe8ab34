// Mini-batch training of a classifier Graph on a Dataset, and its evaluation (accuracy and
// confusion matrix). No terminal or GUI code: progress goes out through callbacks, so the CLI
// draws a progress bar and the GUI's Train view draws curves from the same loop.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/io/idx.h"
#include "engine/train/optimizer.h"

namespace cl {

enum class LrSchedule { Constant, Cosine };  // cosine: from lr down to 0 over all the steps

struct TrainOptions {
    int epochs = 10;
    int batch = 64;
    OptimizerOptions optimizer;
    LrSchedule schedule = LrSchedule::Cosine;
    int max_shift = 0;  // augmentation: each image moved by up to this many pixels
    bool flip = false;  // augmentation: each image mirrored left-right with probability 1/2
    uint64_t seed = 1;  // shuffling, shifts and dropout masks
    int threads = 0;    // the batch is split over this many workers (0: thread_count())
    std::vector<std::string> frozen;  // node names whose parameters stay as they are
    int eval_batch = 250;
};

struct TrainProgress {
    int epoch = 0, epochs = 0;   // the epoch being trained, 1-based
    int batch = 0, batches = 0;  // batches finished in this epoch
    double loss = 0;             // mean loss of this epoch's samples so far
    double accuracy = 0;         // running training accuracy of this epoch
    double lr = 0;
    double samples_per_second = 0;  // over the whole run, training batches only
    double elapsed_seconds = 0, eta_seconds = 0;
};

struct EpochResult {
    int epoch = 0;
    double loss = 0, train_accuracy = 0;
    double test_accuracy = -1;  // -1 without a test set
    double seconds = 0;         // training time of the epoch (evaluation excluded)
    double samples_per_second = 0;
};

struct TrainCallbacks {
    std::function<void(const TrainProgress&)> on_batch;
    // After each finished epoch, with the graph holding that epoch's weights (save them here).
    std::function<void(const EpochResult&, Graph&)> on_epoch;
    std::function<bool()> keep_going;  // checked between batches; false stops cleanly
};

struct TrainResult {
    std::vector<EpochResult> epochs;  // the finished ones
    bool cancelled = false;           // the graph then holds the last finished epoch's weights
    double seconds = 0;
};

// Trains graph in place. test may be nullptr. A NaN or infinite loss restores the weights of
// the last finished epoch (the initial ones before the first) and throws a cl::Error naming
// the epoch and batch. Deterministic for a given seed and thread count.
TrainResult train(Graph& graph, const Dataset& train_set, const Dataset* test,
                  const TrainOptions& options, const TrainCallbacks& callbacks = {});

struct EvalResult {
    int classes = 0;
    int correct = 0, total = 0;
    double loss = 0;             // mean cross-entropy
    std::vector<int> confusion;  // [classes x classes], row = true label, column = prediction
    double accuracy() const { return total > 0 ? double(correct) / total : 0.0; }
    int count(int truth, int predicted) const {
        return confusion[size_t(truth * classes + predicted)];
    }
};

// Top-1 accuracy of the graph as it is (call graph.set_training(false) first if it was
// training). Batches run in parallel on thread_count() threads.
EvalResult evaluate(const Graph& graph, const Dataset& data, int batch = 250);

// Throws cl::Error when the dataset's images do not fit the model's input or its labels
// exceed the model's classes.
void check_dataset_fits(const Graph& graph, const Dataset& data);

}  // namespace cl
