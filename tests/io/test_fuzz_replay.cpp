// Replays the fuzz corpora through the same code the libFuzzer targets run (tests/fuzz/
// fuzz_readers.h): the seeds, and every input a fuzzer once crashed on (tests/fuzz/regressions/
// <target>/, each fixed since). A reader may load or refuse each one with cl::Error; a crash,
// a sanitizer report or another exception fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>

#include "engine/io/atomic_file.h"
#include "fuzz/fuzz_readers.h"

namespace cl {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::function<void(const std::string&)>>& readers() {
    static const std::map<std::string, std::function<void(const std::string&)>> table = {
        {"onnx", fuzz::read_onnx},
        {"safetensors", fuzz::read_safetensors},
        {"npy", fuzz::read_npy},
        {"idx", fuzz::read_idx},
        {"image", fuzz::read_image}};
    return table;
}

int replay(const std::string& folder) {
    int count = 0;
    for (const auto& [target, read] : readers()) {
        const fs::path dir = fs::path(CONVLENS_TESTS_DIR) / "fuzz" / folder / target;
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir)) {
            SCOPED_TRACE(entry.path().string());
            EXPECT_NO_THROW(read(read_file_bytes(entry.path().string())));
            ++count;
        }
    }
    return count;
}

TEST(FuzzReplay, SeedCorporaLoadOrAreRefused) {
    EXPECT_GT(replay("corpus"), 10);
}

TEST(FuzzReplay, PastCrashInputsLoadOrAreRefused) {
    replay("regressions");
}

}  // namespace
}  // namespace cl
