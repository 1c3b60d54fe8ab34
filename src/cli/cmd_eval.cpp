// `convlens eval`: top-1 accuracy and confusion matrix of a model on a dataset split. The last
// line is always `accuracy: 0.9873 (1975/2000)`, which scripts and tests read.
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/error.h"
#include "engine/io/idx.h"
#include "engine/model_loader.h"
#include "engine/paths.h"
#include "engine/threading.h"
#include "engine/train/trainer.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {

struct EvalCliOptions {
    std::string model, weights, data, split = "test";
    int threads = 0, batch = 250;
};

// A built-in model evaluated on Fashion-MNIST without --weights uses its shipped
// Fashion-MNIST weights (assets/lenet5-fashion.safetensors) when there are some.
std::string weights_for(const EvalCliOptions& o) {
    if (!o.weights.empty() || o.data != "fashion-mnist" || zoo_find(o.model) == nullptr)
        return o.weights;
    const std::string fashion = assets_dir() + "/" + o.model + "-fashion.safetensors";
    return std::filesystem::exists(fashion) ? fashion : o.weights;
}

void print_confusion(const EvalResult& r, const Dataset& data) {
    std::printf("confusion matrix (rows: true class, columns: predicted class)\n      ");
    for (int p = 0; p < r.classes; ++p) std::printf(" %5d", p);
    std::printf("   recall\n");
    for (int t = 0; t < r.classes; ++t) {
        int row_total = 0;
        for (int p = 0; p < r.classes; ++p) row_total += r.count(t, p);
        std::printf("%5d ", t);
        for (int p = 0; p < r.classes; ++p) std::printf(" %5d", r.count(t, p));
        if (row_total > 0)
            std::printf("   %5.1f%%", 100.0 * r.count(t, t) / row_total);
        else
            std::printf("       -");
        if (size_t(t) < data.class_names.size() && data.class_names[size_t(t)] != std::to_string(t))
            std::printf("  %s", data.class_names[size_t(t)].c_str());
        std::printf("\n");
    }
}

int run_eval(const EvalCliOptions& o) {
    if (o.split != "train" && o.split != "test")
        throw Error("unknown split '" + o.split + "' (expected train or test)");
    set_thread_count(o.threads);
    const std::string weights = weights_for(o);
    Graph graph = load_model(o.model, weights);
    const Dataset data = dataset_load(o.data, o.split);
    const EvalResult r = evaluate(graph, data, o.batch);

    std::string used = weights.empty() ? default_weights_for(o.model) : weights;
    if (used.empty() || (weights.empty() && !std::filesystem::exists(used)))
        used = "none, He initialisation";
    std::printf("%s (weights: %s) on %s, %s split: %d images\n", o.model.c_str(), used.c_str(),
                data.name.c_str(), o.split.c_str(), r.total);
    print_confusion(r, data);
    std::printf("mean cross-entropy: %.4f\n", r.loss);
    std::printf("accuracy: %.4f (%d/%d)\n", r.accuracy(), r.correct, r.total);
    return 0;
}

}  // namespace

CommandRunner register_eval(CLI::App& app) {
    auto o = std::make_shared<EvalCliOptions>();
    app.add_option("MODEL", o->model, "Built-in model name or .onnx file")->required();
    app.add_option("--weights", o->weights, "Weights (.safetensors); default: the shipped ones");
    app.add_option("--data,--dataset", o->data, "mnist, fashion-mnist, or a folder of IDX files")
        ->required();
    app.add_option("--split", o->split, "train or test")->capture_default_str();
    app.add_option("--batch", o->batch, "Images per forward pass")->capture_default_str();
    app.add_option("--threads", o->threads, "CPU threads (0 = all cores)")->capture_default_str();
    return [o] { return run_eval(*o); };
}

}  // namespace cl
