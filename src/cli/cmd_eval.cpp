// PLACEHOLDER until its issue lands: `convlens eval`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_eval(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'eval' is not available yet"); };
}

}  // namespace cl
