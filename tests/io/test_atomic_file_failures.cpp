// Saves that go wrong part-way: a producer that throws half-way, a child killed with SIGKILL in
// the middle of a save. The target is always either the old file or the whole new one.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include "engine/io/atomic_file.h"
#include "io_test_util.h"

namespace cl {
namespace {

using testing::temp_dir;

int count_entries(const std::filesystem::path& dir) {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        (void)entry;
        ++n;
    }
    return n;
}

TEST(AtomicFileFailures, ProducerThrowingHalfWayKeepsTheOldFile) {
    const auto dir = temp_dir("atomic_producer_throws");
    const std::string path = (dir / "kernels.json").string();
    write_file_atomic(path, "old kernels");
    bool thrown = false;
    try {
        write_file_atomic(path, [](const ByteSink& sink) {
            sink(std::string(1 << 20, 'n'));  // half of the new file is already on the disk
            throw std::runtime_error("the teacher's laptop ran out of battery");
        });
    } catch (const std::runtime_error& e) {
        thrown = std::string(e.what()).find("battery") != std::string::npos;
    }
    EXPECT_TRUE(thrown) << "the producer's own exception reaches the caller";
    EXPECT_EQ(read_file_bytes(path), "old kernels");
    EXPECT_EQ(count_entries(dir), 1) << "a temp file was left behind";
}

TEST(AtomicFileFailures, ProducerPiecesMakeTheWholeFile) {
    const auto dir = temp_dir("atomic_producer_pieces");
    const std::string path = (dir / "dump.bin").string();
    write_file_atomic(path, [](const ByteSink& sink) {
        for (int i = 0; i < 3; ++i) sink(std::to_string(i) + ";");
    });
    EXPECT_EQ(read_file_bytes(path), "0;1;2;");
}

// Version k of the file: a header naming k and its length, then `size` bytes derived from k.
std::string version(int k, size_t size) {
    std::string bytes = "version " + std::to_string(k) + " of " + std::to_string(size) + "\n";
    bytes.reserve(bytes.size() + size);
    for (size_t i = 0; i < size; ++i) bytes += char('a' + (i * 7 + size_t(k)) % 26);
    return bytes;
}

// The content is some whole version (never a torn mix or a short file).
bool is_whole_version(const std::string& content, size_t size) {
    const size_t space = content.find(' '), of = content.find(" of ");
    if (content.rfind("version ", 0) != 0 || space == std::string::npos || of == std::string::npos)
        return false;
    const int k = std::atoi(content.c_str() + space + 1);
    return content == version(k, size);
}

// A child saves ever newer versions in a loop; the parent kills it at a random moment and
// checks what is on the disk. Leftover temp files are expected (a killed process cannot clean
// up); the target itself must always be whole.
TEST(AtomicFileFailures, KilledMidSaveLeavesTheOldOrTheNewFile) {
    const auto dir = temp_dir("atomic_killed");
    const std::string path = (dir / "weights.safetensors").string();
    constexpr size_t k_size = size_t(4) << 20;
    write_file_atomic(path, version(0, k_size));
    std::mt19937 rng(12345);
    int saw_new = 0;
    for (int round = 0; round < 8; ++round) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            for (int k = 1;; ++k) {
                const std::string bytes = version(round * 1000 + k, k_size);
                // In pieces, so that a kill can land between two writes of one save.
                write_file_atomic(path, [&](const ByteSink& sink) {
                    for (size_t at = 0; at < bytes.size(); at += 65536)
                        sink(std::string_view(bytes).substr(at, 65536));
                });
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 200));
        ASSERT_EQ(::kill(pid, SIGKILL), 0);
        int status = 0;
        ::waitpid(pid, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        const std::string content = read_file_bytes(path);
        EXPECT_TRUE(is_whole_version(content, k_size))
            << "round " << round << ": " << content.size() << " bytes, starting "
            << content.substr(0, 24);
        if (content.rfind("version 0 ", 0) != 0) ++saw_new;
    }
    EXPECT_GT(saw_new, 0) << "no save finished before a kill: the test checked nothing new";
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().filename().string().rfind(".weights.safetensors.tmp-", 0) == 0)
            std::filesystem::remove(entry.path());
}

}  // namespace
}  // namespace cl
