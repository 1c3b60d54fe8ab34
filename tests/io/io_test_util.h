// Helpers of the io tests: run tests/reference/io_formats.py with Debian's python3 (numpy,
// torch), expect a cl::Error whose message names a file, and write raw bytes.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "engine/error.h"
#include "testing.h"

namespace cl::testing {

// io_formats.py ARGS; fails the test (with stderr) unless it exits 0. Returns stdout as JSON
// when it printed any.
inline nlohmann::json run_io_formats(const std::string& args) {
    const auto dir = std::filesystem::path(CONVLENS_TEST_TMP) / "io_python";
    std::filesystem::create_directories(dir);
    const std::string id = std::to_string(::getpid());  // ctest may run two tests at once
    const auto out = dir / ("stdout-" + id + ".txt"), err = dir / ("stderr-" + id + ".txt");
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/io_formats.py " + args + " >" + out.string() + " 2>" +
                                err.string();
    const int status = std::system(command.c_str());
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    EXPECT_EQ(code, 0) << command << "\n" << read_text(err);
    const std::string text = read_text(out);
    if (code != 0 || text.empty()) return nlohmann::json();
    return nlohmann::json::parse(text);
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), std::streamsize(bytes.size()));
}

// Runs `fn`, expects cl::Error, and returns its message ("" and a failure if none was thrown).
template <typename Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const cl::Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected cl::Error";
    return "";
}

// A cl::Error whose one-line message contains the file's name and `part`.
#define EXPECT_FILE_ERROR(statement, file, part)                                          \
    do {                                                                                  \
        const std::string message_ = ::cl::testing::error_of([&] { (void)(statement); }); \
        EXPECT_NE(message_.find(std::string(file)), std::string::npos) << message_;       \
        EXPECT_NE(message_.find(part), std::string::npos) << message_;                    \
        EXPECT_EQ(message_.find('\n'), std::string::npos) << message_;                    \
    } while (0)

}  // namespace cl::testing
