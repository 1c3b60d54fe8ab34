// PLACEHOLDER until its issue lands: `convlens train`.
#include "cli/cli.h"
#include "engine/error.h"

namespace cl {

CommandRunner register_train(CLI::App& app) {
    (void)app;
    return [] () -> int { throw Error("'train' is not available yet"); };
}

}  // namespace cl
