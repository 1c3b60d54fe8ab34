// `convlens export MODEL --out M.onnx`: a built-in model with its weights (the shipped trained
// ones when there are any, else --weights, else the He initialisation) written as ONNX.
#include <cstdio>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/error.h"
#include "engine/io/onnx_export.h"
#include "engine/model_loader.h"

namespace cl {

namespace {
struct ExportOptions {
    std::string model, out, weights;
};

int run_export(const ExportOptions& o) {
    if (!has_extension(o.out, ".onnx"))
        throw Error("--out must name an .onnx file, got '" + o.out + "'");
    Graph graph = load_model(o.model, o.weights);
    onnx_export(graph, o.out);
    std::printf("wrote %s: %s, %d layers, %lld parameters, ONNX opset %d\n", o.out.c_str(),
                graph.name().c_str(), graph.size() - 1, static_cast<long long>(graph.param_count()),
                k_onnx_export_opset);
    return 0;
}
}  // namespace

CommandRunner register_export(CLI::App& app) {
    auto o = std::make_shared<ExportOptions>();
    app.add_option("MODEL", o->model, "Built-in model name (see `convlens models`)")->required();
    app.add_option("--out", o->out, "The .onnx file to write")->required();
    app.add_option("--weights", o->weights,
                   "Weights (.safetensors) instead of the shipped ones; 'none' for He init");
    return [o] { return run_export(*o); };
}

}  // namespace cl
