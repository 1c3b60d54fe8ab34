// PLACEHOLDER until its issue lands: `convlens infer`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_infer(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'infer' is not available yet"); };
}

}  // namespace cl
