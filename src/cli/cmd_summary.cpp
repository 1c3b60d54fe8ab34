// PLACEHOLDER until its issue lands: `convlens summary`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_summary(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'summary' is not available yet"); };
}

}  // namespace cl
