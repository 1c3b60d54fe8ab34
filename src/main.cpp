// `convlens`: no arguments (or only GUI flags such as --screenshot) opens the GUI; a
// subcommand runs headless.
#include <string>

#include "app/app_main.h"
#include "cli/cli.h"

int main(int argc, char** argv) {
    const bool has_subcommand = argc > 1 && argv[1][0] != '-';
    const bool asks_cli_help =
        argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
                     std::string(argv[1]) == "--version");
    if (has_subcommand || asks_cli_help) return cl::cli_main(argc, argv);
    return cl::app_main(argc, argv);
}
