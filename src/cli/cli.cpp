// CLI11 wiring: the one table of subcommands, and the one place where the CLI turns an
// exception into a single line on stderr and a non-zero exit.
#include "cli/cli.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "engine/error.h"

namespace cl {

namespace {
struct Subcommand {
    const char* name;
    const char* help;
    CommandRunner (*register_options)(CLI::App& app);
};

const Subcommand k_subcommands[] = {
    {"summary", "Per-layer structural table: shapes, kernel, stride, pad, params, MACs",
     register_summary},
    {"models", "List the built-in models", register_models},
    {"infer", "Run a model on an input, print the top classes, optionally dump every activation",
     register_infer},
    {"convolve", "Convolve an image with a hand-written kernel", register_convolve},
    {"render", "Render one layer's feature maps as a PNG grid", register_render},
    {"train", "Train a model on MNIST, Fashion-MNIST or a folder of IDX files", register_train},
    {"eval", "Top-1 accuracy and confusion matrix of a model on a dataset", register_eval},
    {"bench", "Forward-pass latency with every activation kept, per-layer profile", register_bench},
    {"ops", "List the ONNX operators the importer supports", register_ops},
    {"export", "Write a built-in model with its weights to ONNX", register_export},
    {"explain", "Where the network looked: Grad-CAM, saliency, gradient x input or occlusion",
     register_explain},
};
}  // namespace

int cli_main(int argc, char** argv) {
    CLI::App app{
        "ConvLens: see how a convolutional neural network works.\n"
        "Run without arguments to open the GUI."};
    app.set_version_flag("--version", "convlens 0.1.0");
    app.require_subcommand(1);
    std::vector<std::pair<CLI::App*, CommandRunner>> runners;
    for (const Subcommand& sub : k_subcommands) {
        CLI::App* cmd = app.add_subcommand(sub.name, sub.help);
        runners.emplace_back(cmd, sub.register_options(*cmd));
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        for (auto& [cmd, run] : runners)
            if (cmd->parsed()) return run();
    } catch (const Error& e) {
        std::fprintf(stderr, "convlens: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "convlens: %s\n", e.what());
        return 1;
    }
    return 1;
}

}  // namespace cl
