// PLACEHOLDER until its issue lands: `convlens models`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_models(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'models' is not available yet"); };
}

}  // namespace cl
