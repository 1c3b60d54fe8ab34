// PLACEHOLDER until its issue lands: `convlens ops`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_ops(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'ops' is not available yet"); };
}

}  // namespace cl
