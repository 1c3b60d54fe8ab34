// PLACEHOLDER until its issue lands: `convlens render`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_render(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'render' is not available yet"); };
}

}  // namespace cl
