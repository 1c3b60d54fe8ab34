// The headless subcommands (summary, infer, convolve, render, train, eval, bench, ...).
#pragma once

#include <CLI/CLI.hpp>

namespace cl {

// Parses argv and runs one subcommand. Every cl::Error becomes one line on stderr and exit 1.
int cli_main(int argc, char** argv);

// Each subcommand registers its options on `app` and returns the function that runs it.
// One file per subcommand (cmd_<name>.cpp); the list lives in cli.cpp.
using CommandRunner = std::function<int()>;
CommandRunner register_summary(CLI::App& app);
CommandRunner register_models(CLI::App& app);
CommandRunner register_infer(CLI::App& app);
CommandRunner register_convolve(CLI::App& app);
CommandRunner register_render(CLI::App& app);
CommandRunner register_train(CLI::App& app);
CommandRunner register_eval(CLI::App& app);
CommandRunner register_bench(CLI::App& app);
CommandRunner register_ops(CLI::App& app);
CommandRunner register_export(CLI::App& app);
CommandRunner register_explain(CLI::App& app);

}  // namespace cl
