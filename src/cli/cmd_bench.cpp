// PLACEHOLDER until its issue lands: `convlens bench`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_bench(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'bench' is not available yet"); };
}

}  // namespace cl
