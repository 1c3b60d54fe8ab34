// Atomic writes: the file appears whole or not at all, a failed write keeps the old contents
// and leaves no temp file behind; reads name the file when they fail.
#include <signal.h>
#include <sys/resource.h>

#include <string>

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

TEST(AtomicFile, WritesAndReplacesWholeFiles) {
    const auto dir = temp_dir("atomic_write");
    const std::string path = (dir / "a.bin").string();
    const std::string bytes("\x00\x01zero\x00and more", 15);
    write_file_atomic(path, bytes);
    EXPECT_EQ(read_file_bytes(path), bytes);
    write_file_atomic(path, "second");
    EXPECT_EQ(read_file_bytes(path), "second");
    write_file_atomic(path, "");
    EXPECT_EQ(read_file_bytes(path), "");
    EXPECT_EQ(count_entries(dir), 1);  // no temp files left behind
}

TEST(AtomicFile, MissingFolderFailsNamingTheFile) {
    const auto dir = temp_dir("atomic_missing_dir");
    const std::string path = (dir / "no" / "x.json").string();
    EXPECT_FILE_ERROR(write_file_atomic(path, "{}"), path, "cannot write");
    EXPECT_EQ(count_entries(dir), 0);
}

TEST(AtomicFile, RenameFailureRemovesTheTempFile) {
    const auto dir = temp_dir("atomic_rename");
    const auto target = dir / "occupied";  // a non-empty folder cannot be replaced by a file
    std::filesystem::create_directories(target / "inside");
    EXPECT_FILE_ERROR(write_file_atomic(target.string(), "data"), target.string(), "rename");
    EXPECT_EQ(count_entries(dir), 1);
    EXPECT_TRUE(std::filesystem::is_directory(target / "inside"));
}

// A disk that fills up mid-write, simulated with a file-size limit: write() fails with EFBIG.
TEST(AtomicFile, FailedWriteKeepsTheOldContents) {
    const auto dir = temp_dir("atomic_full_disk");
    const std::string path = (dir / "weights.bin").string();
    write_file_atomic(path, "old contents");

    rlimit old_limit{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
    const auto old_handler = signal(SIGXFSZ, SIG_IGN);
    rlimit small = old_limit;
    small.rlim_cur = 4096;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    const std::string message =
        testing::error_of([&] { write_file_atomic(path, std::string(100000, 'x')); });
    setrlimit(RLIMIT_FSIZE, &old_limit);
    signal(SIGXFSZ, old_handler);

    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_EQ(read_file_bytes(path), "old contents");
    EXPECT_EQ(count_entries(dir), 1);
}

TEST(AtomicFile, ReadErrorsNameTheFile) {
    const auto dir = temp_dir("atomic_read");
    const std::string missing = (dir / "missing.txt").string();
    EXPECT_FILE_ERROR(read_file_bytes(missing), missing, "no such file");
    EXPECT_FILE_ERROR(read_file_bytes(dir.string()), dir.string(), "folder");
}

}  // namespace
}  // namespace cl
