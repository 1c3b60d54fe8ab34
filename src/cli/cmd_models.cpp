// `convlens models`: every built-in model with its input size, parameters, MACs and the one
// line that says what it is; the figures come from building each graph and summarising it.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "engine/summary.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
int run_models() {
    struct Row {
        std::string name, input, params, macs, description;
    };
    std::vector<Row> rows = {{"name", "input", "params", "MACs", "description"}};
    ZooOptions structure_only;
    structure_only.initialize = false;
    for (const ZooEntry& entry : zoo_list()) {
        const ModelSummary s = summarize(entry.build(structure_only));
        rows.push_back({entry.name, s.input.chw(), format_thousands(s.total_params),
                        format_thousands(s.total_macs), entry.description});
    }
    size_t w_name = 0, w_input = 0, w_params = 0, w_macs = 0;
    for (const Row& r : rows) {
        w_name = std::max(w_name, r.name.size());
        w_input = std::max(w_input, r.input.size());
        w_params = std::max(w_params, r.params.size());
        w_macs = std::max(w_macs, r.macs.size());
    }
    for (const Row& r : rows)
        std::printf("%-*s  %-*s  %*s  %*s  %s\n", int(w_name), r.name.c_str(), int(w_input),
                    r.input.c_str(), int(w_params), r.params.c_str(), int(w_macs), r.macs.c_str(),
                    r.description.c_str());
    return 0;
}
}  // namespace

CommandRunner register_models(CLI::App& app) {
    (void)app;
    return [] { return run_models(); };
}

}  // namespace cl
