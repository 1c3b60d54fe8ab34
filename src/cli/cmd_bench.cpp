// `convlens bench`: forward latency with every activation kept (the figure that matters for
// interaction), and where the time goes, layer by layer.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "cli/cli.h"
#include "engine/error.h"
#include "engine/model_loader.h"
#include "engine/threading.h"
#include "engine/util/stats.h"

namespace cl {

namespace {
struct BenchOptions {
    std::string model;
    int threads = 0, runs = 20, warmup = 3, top = 10;
    bool json = false;
};

struct LayerTiming {
    int index;
    double median_ms;
    int64_t macs;
};

int run_bench(const BenchOptions& o) {
    if (o.runs < 1) throw Error("--runs must be at least 1");
    if (o.warmup < 0) throw Error("--warmup must not be negative");
    set_thread_count(o.threads);
    Graph graph = load_model(o.model);
    Shape shape = graph.input_shape();
    Tensor input = Tensor::zeros(shape);
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(0.0f, 1.0f);
    for (int64_t i = 0; i < input.numel(); ++i) input[i] = dist(rng);

    for (int i = 0; i < o.warmup; ++i) graph.forward(input);
    std::vector<double> totals;
    std::vector<std::vector<double>> per_node(size_t(graph.size()));
    std::vector<bool> fused(size_t(graph.size()), false);  // computed by the node before
    for (int r = 0; r < o.runs; ++r) {
        const Activations acts = graph.forward(input);
        fused = acts.fused;
        totals.push_back(acts.total_millis());
        for (int i = 0; i < graph.size(); ++i)
            per_node[size_t(i)].push_back(acts.millis[size_t(i)]);
    }
    const double med = median(totals);
    const double lo = *std::min_element(totals.begin(), totals.end());
    const double hi = *std::max_element(totals.begin(), totals.end());

    std::vector<LayerTiming> layers;
    for (int i = 1; i < graph.size(); ++i) {
        const Node& node = graph.node(i);
        layers.push_back(
            {i, median(per_node[size_t(i)]), node.op->macs(graph.input_shapes(i), node.shape)});
    }
    auto gflops = [](const LayerTiming& l) {
        return l.median_ms > 0 ? 2.0 * double(l.macs) / (l.median_ms * 1e6) : 0.0;
    };
    const double layer_sum =
        std::accumulate(layers.begin(), layers.end(), 0.0,
                        [](double s, const LayerTiming& l) { return s + l.median_ms; });

    if (o.json) {
        nlohmann::json j = {{"model", graph.name()}, {"threads", thread_count()},
                            {"runs", o.runs},        {"median_ms", med},
                            {"min_ms", lo},          {"max_ms", hi}};
        j["layers"] = nlohmann::json::array();
        for (const LayerTiming& l : layers) {
            const Node& node = graph.node(l.index);
            j["layers"].push_back({{"name", node.name},
                                   {"op", op_kind_name(node.op->kind())},
                                   {"fused", bool(fused[size_t(l.index)])},
                                   {"median_ms", l.median_ms},
                                   {"macs", l.macs},
                                   {"gflops", gflops(l)},
                                   {"share", layer_sum > 0 ? l.median_ms / layer_sum : 0.0}});
        }
        std::printf("%s\n", j.dump().c_str());
        return 0;
    }
    std::printf("%s, input %s, %d threads, %d runs after %d warm-up, every activation kept\n",
                graph.name().c_str(), shape.chw().c_str(), thread_count(), o.runs, o.warmup);
    std::printf("latency: median %.3f ms, min %.3f ms, max %.3f ms\n", med, lo, hi);
    std::vector<LayerTiming> sorted = layers;
    std::stable_sort(sorted.begin(), sorted.end(), [](const LayerTiming& a, const LayerTiming& b) {
        return a.median_ms > b.median_ms;
    });
    std::printf("\n%-28s %-14s %10s %8s %9s\n", "layer", "op", "ms", "share", "GFLOP/s");
    for (size_t k = 0; k < sorted.size() && int(k) < o.top; ++k) {
        const LayerTiming& l = sorted[k];
        const Node& node = graph.node(l.index);
        const std::string op =
            std::string(op_kind_name(node.op->kind())) + (fused[size_t(l.index)] ? " (fused)" : "");
        std::printf("%-28s %-14s %10.3f %7.1f%% %9.1f\n", node.name.c_str(), op.c_str(),
                    l.median_ms, layer_sum > 0 ? 100.0 * l.median_ms / layer_sum : 0.0, gflops(l));
    }
    return 0;
}
}  // namespace

CommandRunner register_bench(CLI::App& app) {
    auto o = std::make_shared<BenchOptions>();
    app.add_option("MODEL", o->model, "Built-in model name or .onnx file")->required();
    app.add_option("--threads", o->threads, "CPU threads (0 = all cores)");
    app.add_option("--runs", o->runs, "Timed runs (the median is reported)");
    app.add_option("--warmup", o->warmup, "Untimed runs first");
    app.add_option("--top", o->top, "How many of the slowest layers to list");
    app.add_flag("--json", o->json,
                 "One JSON object: model, threads, runs, median_ms, min_ms, max_ms, layers");
    return [o] { return run_bench(*o); };
}

}  // namespace cl
