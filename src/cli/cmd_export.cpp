// PLACEHOLDER until its issue lands: `convlens export`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_export(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'export' is not available yet"); };
}

}  // namespace cl
