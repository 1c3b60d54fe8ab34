// The GUI entry point: parses the GUI flags with CLI11 and runs the main loop.
#include "app/app_main.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/app.h"

namespace cl {

int app_main(int argc, char** argv) {
    CLI::App cli{
        "ConvLens GUI. Without flags: the interactive window.\n"
        "With --screenshot: render, capture one PNG, exit (for tests and handouts)."};
    AppOptions o;
    std::string size;
    cli.add_option("--screenshot", o.screenshot, "Capture the window into this PNG and exit");
    cli.add_option("--view", o.view, "View to show (feature-maps, ...)");
    cli.add_option("--script", o.script, "Input script played before the capture (docs/gui.md)");
    cli.add_option("--frames", o.frames, "Frames rendered after the script, before the capture")
        ->check(CLI::Range(1, 100000));
    cli.add_option("--size", size, "Window size WxH, e.g. 1400x900");
    cli.add_option("--model", o.model, "Model: a built-in name or an .onnx file");
    cli.add_option("--input", o.input, "Input image or .npy");
    cli.add_option("--layer", o.layer, "Layer to select in the Feature Maps view");
    cli.add_flag("--timing", o.timing, "Print time per frame (with --screenshot)");
    bool no_session = false;
    cli.add_option("--session", o.session,
                   "Session JSON loaded at start and saved on exit (default for the window: " +
                       std::string(default_session_path_text()) + ")");
    cli.add_flag("--no-session", no_session, "Start from the defaults and save no session");
    cli.add_option("--autosave", o.autosave_seconds,
                   "Seconds between saves of a changed session (0: only on quit)")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }
    if (!size.empty()) {
        int w = 0, h = 0;
        char tail = 0;
        if (std::sscanf(size.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 200 || h < 150 ||
            w > 16384 || h > 16384) {
            std::fprintf(stderr, "convlens: --size must be WxH (at least 200x150), got '%s'\n",
                         size.c_str());
            return 1;
        }
        o.width = w;
        o.height = h;
    }
    // The window remembers the user's work (an edited kernel, the chosen view) across restarts;
    // screenshots and scripts start from the defaults so that they are reproducible.
    if (no_session)
        o.session.clear();
    else if (o.session.empty() && o.screenshot.empty() && o.script.empty())
        o.session = default_session_path();
    return run_app(o);
}

}  // namespace cl
