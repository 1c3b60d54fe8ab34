// PLACEHOLDER until its issue lands: `convlens convolve`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_convolve(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'convolve' is not available yet"); };
}

}  // namespace cl
