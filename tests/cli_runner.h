// Runs the convlens binary as a user would and captures exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "testing.h"

namespace cl::testing {

struct CommandResult {
    int exit_code = -1;
    std::string out, err;
};

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_garbage(const std::filesystem::path& path) {
    std::ofstream(path) << "this is not an image";
}

// args is appended to the binary's path as given (quote what needs quoting).
inline CommandResult run_convlens(const std::string& args) {
    // One capture folder per test process: ctest runs tests in parallel.
    const auto dir =
        std::filesystem::path(CONVLENS_TEST_TMP) / ("cli_capture_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string command = std::string(CONVLENS_BINARY) + " " + args + " >" + out.string() +
                                " 2>" + err.string() + " </dev/null";
    const int status = std::system(command.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

}  // namespace cl::testing
