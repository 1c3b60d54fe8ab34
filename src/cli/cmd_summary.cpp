// `convlens summary MODEL`: the structural table of a built-in model or an .onnx file, as
// aligned text, CSV or JSON (the DESIGN.md contract).
#include <cstdio>
#include <sstream>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/error.h"
#include "engine/io/onnx_import.h"
#include "engine/summary.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
struct SummaryOptions {
    std::string model, input, format = "table";
    bool lrn = false;
};

Shape parse_chw(const std::string& text) {
    Shape s;
    std::istringstream in(text);
    char comma1 = 0, comma2 = 0;
    if (!(in >> s.c >> comma1 >> s.h >> comma2 >> s.w) || comma1 != ',' || comma2 != ',' ||
        in.peek() != EOF || s.c < 1 || s.h < 1 || s.w < 1)
        throw Error("--input: expected C,H,W such as 3,224,224, got '" + text + "'");
    return s;
}

int run_summary(const SummaryOptions& o) {
    ZooOptions zoo;
    zoo.lrn = o.lrn;
    zoo.initialize = false;  // the table needs shapes and counts, not the weights' values
    const Graph graph =
        has_extension(o.model, ".onnx") ? onnx_import(o.model) : zoo_build(o.model, zoo);
    if (!o.input.empty()) {
        // Every built-in model's input size is fixed by its fully-connected layers (or, for
        // ResNet, by the table it reproduces), so --input only confirms it.
        const Shape want = parse_chw(o.input), have = graph.input_shape();
        if (want.c != have.c || want.h != have.h || want.w != have.w)
            throw Error(graph.name() + " takes " + have.chw() + " input, not " + want.chw());
    }
    const ModelSummary summary = summarize(graph);
    std::string text;
    if (o.format == "csv")
        text = summary_csv(summary);
    else if (o.format == "json")
        text = summary_json(summary);
    else
        text = summary_table(summary);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
}
}  // namespace

CommandRunner register_summary(CLI::App& app) {
    auto o = std::make_shared<SummaryOptions>();
    app.add_option("MODEL", o->model, "Built-in model name (see `convlens models`) or .onnx file")
        ->required();
    app.add_option("--input", o->input, "Input size C,H,W; must match the model's");
    app.add_option("--format", o->format, "Output format")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    app.add_flag("--lrn", o->lrn, "Include the LRN layers of AlexNet and GoogLeNet");
    return [o]() { return run_summary(*o); };
}

}  // namespace cl
