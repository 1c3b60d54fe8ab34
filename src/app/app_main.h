// The GUI entry point: parses the GUI flags (--screenshot, --view, --script, --frames, --size)
// and runs the main loop.
#pragma once

namespace cl {

int app_main(int argc, char** argv);

}  // namespace cl
