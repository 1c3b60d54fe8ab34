// Atomic file writes (temp file beside the target, write, fsync, rename) and whole-file reads.
// POSIX calls rather than streams, because only they report fsync and rename failures.
#include "engine/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/error.h"

namespace cl {

namespace {

std::string errno_text(int err) {
    return std::strerror(err);
}

// "out/x.npy" -> "out/.x.npy.tmp-1234-89ab12cd": hidden, same folder (rename stays on one file
// system), unique per process and call.
std::string temp_name(const std::string& path, uint32_t salt) {
    const std::filesystem::path p(path);
    std::ostringstream name;
    name << '.' << p.filename().string() << ".tmp-" << ::getpid() << '-' << std::hex << salt;
    return (p.parent_path() / name.str()).string();
}

bool write_all(int fd, std::string_view bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += size_t(n);
    }
    return true;
}

// Makes the rename itself durable; failure here loses nothing already written, so it is ignored.
void sync_parent_dir(const std::string& path) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
    write_file_atomic(path, [bytes](const ByteSink& sink) { sink(bytes); });
}

void write_file_atomic(const std::string& path,
                       const std::function<void(const ByteSink&)>& produce) {
    if (path.empty()) throw Error("cannot write a file with an empty name");

    std::random_device entropy;
    std::string tmp;
    int fd = -1;
    for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
        tmp = temp_name(path, entropy());
        // 0666 & ~umask, the permissions a plain open() would give the target.
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) throw Error(path + ": cannot write: " + errno_text(errno));

    const auto discard = [&] {
        if (fd >= 0) ::close(fd);
        fd = -1;
        ::unlink(tmp.c_str());
    };
    const auto fail = [&](const char* step, int err) {
        discard();
        return Error(path + ": cannot write (" + step + "): " + errno_text(err));
    };
    try {
        produce([&](std::string_view piece) {
            if (!write_all(fd, piece)) throw fail("write", errno);
        });
    } catch (...) {
        discard();  // idempotent: a failed write has discarded already
        throw;
    }
    // The data must be on the disk before the rename makes it the target: otherwise a power
    // loss could leave a renamed but empty file where the old one was.
    if (::fsync(fd) != 0) throw fail("fsync", errno);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) throw fail("close", errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw fail("rename", errno);
    sync_parent_dir(path);
}

std::string read_file_bytes(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) throw Error(path + ": no such file");
    if (std::filesystem::is_directory(status)) throw Error(path + ": is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open: " + errno_text(errno));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad()) throw Error(path + ": read error");
    return bytes.str();
}

}  // namespace cl
