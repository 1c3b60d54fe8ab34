// Files whose headers lie about their size: each reader refuses them with one line naming the
// file, quickly, and before allocating. Every load runs in a forked child whose address space
// is capped (RLIMIT_AS) a little above what it already uses, so a reader that sized a buffer from
// the header would die of std::bad_alloc instead of passing.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>

#include "engine/io/idx.h"
#include "engine/io/image.h"
#include "engine/io/limits.h"
#include "engine/io/npy.h"
#include "engine/io/onnx_import.h"
#include "engine/io/safetensors.h"
#include "io_test_util.h"

namespace cl {
namespace {

namespace fs = std::filesystem;
using testing::temp_dir;
using testing::write_bytes;

// The child may use this much address space beyond what it has when it forks.
constexpr size_t k_headroom = size_t(256) << 20;

size_t address_space_in_use() {
    std::ifstream statm("/proc/self/statm");
    size_t pages = 0;
    statm >> pages;
    return pages * size_t(::sysconf(_SC_PAGESIZE));
}

struct ChildResult {
    int code = -1;        // 0: cl::Error, 2: std::bad_alloc, 3: another exception, 4: no error
    std::string message;  // what the child caught
    double seconds = 0;
};

// Runs `load` in a child limited to k_headroom more address space, and reports what it threw.
ChildResult run_limited(const std::function<void()>& load) {
    int pipe_fds[2];
    EXPECT_EQ(::pipe(pipe_fds), 0);
    const size_t limit = address_space_in_use() + k_headroom;
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        rlimit r{};
        r.rlim_cur = r.rlim_max = limit;
        ::setrlimit(RLIMIT_AS, &r);
        int code = 4;
        std::string message;
        try {
            load();
        } catch (const Error& e) {
            code = 0;
            message = e.what();
        } catch (const std::bad_alloc&) {
            code = 2;
            message = "std::bad_alloc";
        } catch (const std::exception& e) {
            code = 3;
            message = e.what();
        }
        if (::write(pipe_fds[1], message.data(), message.size()) < 0) code = 5;
        ::_exit(code);
    }
    ::close(pipe_fds[1]);
    ChildResult result;
    char buffer[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0;)
        result.message.append(buffer, size_t(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
    return result;
}

// The load is refused with one line naming `file` and containing `part`, within a second.
#define EXPECT_REFUSED(statement, file, part)                                           \
    do {                                                                                \
        const ChildResult r_ = run_limited([&] { (void)(statement); });                 \
        EXPECT_EQ(r_.code, 0) << "child " << r_.code << ": " << r_.message;             \
        EXPECT_NE(r_.message.find(std::string(file)), std::string::npos) << r_.message; \
        EXPECT_NE(r_.message.find(part), std::string::npos) << r_.message;              \
        EXPECT_EQ(r_.message.find('\n'), std::string::npos) << r_.message;              \
        EXPECT_LT(r_.seconds, 1.0) << r_.message;                                       \
    } while (0)

// The harness itself must be able to fail: an allocation the size a lying header asks for dies.
TEST(Limits, TheChildCannotAllocateWhatALyingHeaderAsks) {
    const ChildResult r = run_limited([] {
        std::vector<float> huge(size_t(200) << 20);  // 800 MB
        huge[huge.size() - 1] = 1.0f;
    });
    EXPECT_EQ(r.code, 2) << r.message;
}

TEST(Limits, BoundedProductNeverOverflows) {
    EXPECT_EQ(bounded_product({2, 3, 4}, 100), 24);
    EXPECT_EQ(bounded_product({}, 100), 1);
    EXPECT_EQ(bounded_product({10, 11}, 100), -1);
    EXPECT_EQ(bounded_product({int64_t(1) << 32, int64_t(1) << 32}, INT64_MAX), -1);  // 2^64
    EXPECT_EQ(bounded_product({5, 0, 7}, 100), 0);
    EXPECT_EQ(bounded_product({20, 20, 0}, 100), 0);
    EXPECT_EQ(bounded_product({3, -1}, 100), -1);
    EXPECT_EQ(bounded_product({1000, 0}, 100), -1);  // one dim alone beyond the limit
}

// --- ONNX, written field by field in protobuf's wire format (an independent encoder) ---------

std::string varint(uint64_t v) {
    std::string s;
    do {
        s += char((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return s;
}
std::string field(int number, const std::string& bytes) {  // length-delimited
    return varint(uint64_t(number) << 3 | 2) + varint(bytes.size()) + bytes;
}
std::string field_int(int number, uint64_t v) {
    return varint(uint64_t(number) << 3) + varint(v);
}
// ValueInfoProto name + float tensor type with these dims.
std::string value_info(const std::string& name, const std::vector<int64_t>& dims) {
    std::string shape;
    for (int64_t d : dims) shape += field(1, field_int(1, uint64_t(d)));  // Dimension.dim_value
    const std::string tensor_type = field_int(1, 1) + field(2, shape);    // elem_type FLOAT
    return field(1, name) + field(2, field(1, tensor_type));
}
// A model y = Relu(x) with x of `input_dims`, plus one float initializer of `init_dims`.
std::string onnx_model(const std::vector<int64_t>& input_dims,
                       const std::vector<int64_t>& init_dims, const std::string& raw) {
    const std::string node = field(1, "x") + field(2, "y") + field(3, "relu") + field(4, "Relu");
    std::string init;
    for (int64_t d : init_dims) init += field_int(1, uint64_t(d));
    init += field_int(2, 1) + field(8, "w") + field(9, raw);
    const std::string graph = field(1, node) + field(2, "g") + field(5, init) +
                              field(11, value_info("x", input_dims)) +
                              field(12, value_info("y", input_dims));
    const std::string opset = field_int(2, 13);
    return field_int(1, 8) + field(7, graph) + field(8, opset);
}

TEST(Limits, OnnxWellFormedModelLoads) {  // the encoder is right, so the refusals below mean it
    const auto path = temp_dir("limits_onnx") / "ok.onnx";
    write_bytes(path, onnx_model({1, 1, 2, 2}, {1}, std::string(4, '\0')));
    EXPECT_EQ(onnx_import(path.string()).input_shape(), (Shape{1, 1, 2, 2}));
}

TEST(Limits, OnnxInitializerOfATrillionValues) {
    const auto path = temp_dir("limits_onnx") / "huge_init.onnx";
    write_bytes(path, onnx_model({1, 1, 2, 2}, {1000000, 1000000}, std::string(4, '\0')));
    EXPECT_REFUSED(onnx_import(path.string()), path.string(), "[1000000,1000000], more values");
}

TEST(Limits, OnnxInitializerWhoseShapeOverflows) {  // 2^32 * 2^32 wraps to 0 = the empty data
    const auto path = temp_dir("limits_onnx") / "wrap_init.onnx";
    write_bytes(path, onnx_model({1, 1, 2, 2}, {int64_t(1) << 32, int64_t(1) << 32}, ""));
    EXPECT_REFUSED(onnx_import(path.string()), path.string(), "more values than ConvLens reads");
}

TEST(Limits, OnnxDeclaredInputOfATrillionValues) {
    const auto path = temp_dir("limits_onnx") / "huge_input.onnx";
    write_bytes(path, onnx_model({1, 1, 1000000, 1000000}, {1}, std::string(4, '\0')));
    EXPECT_REFUSED(onnx_import(path.string()), path.string(),
                   "input 'x' has shape [N,1,1000000,1000000]");
}

// --- PNG: a valid signature and IHDR, no pixel data worth the name ---------------------------

std::string be32(uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
std::string png_chunk(const std::string& type, const std::string& data) {
    const std::string body = type + data;
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()));
    return be32(uint32_t(data.size())) + body + be32(uint32_t(crc));
}
std::string png_header_only(uint32_t width, uint32_t height) {
    const std::string ihdr = be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
    return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) +
           png_chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) +
           png_chunk("IEND", "");
}

TEST(Limits, PngOf50000By50000Pixels) {
    const auto path = temp_dir("limits_png") / "huge.png";
    write_bytes(path, png_header_only(50000, 50000));
    EXPECT_REFUSED(image_read(path.string()), path.string(), "50000x50000 pixels");
}

TEST(Limits, PngOverThePixelLimit) {  // 9000 x 9000 = 81 M pixels: stb would decode it
    const auto path = temp_dir("limits_png") / "big.png";
    write_bytes(path, png_header_only(9000, 9000));
    EXPECT_REFUSED(image_read(path.string()), path.string(), "9000x9000 pixels");
}

TEST(Limits, PngTooWideThoughSmallInArea) {
    const auto path = temp_dir("limits_png") / "wide.png";
    write_bytes(path, png_header_only(20000, 2));
    EXPECT_REFUSED(image_read(path.string()), path.string(), "20000x2 pixels");
}

// --- IDX ---------------------------------------------------------------------------------------

std::string idx_images_header(uint32_t n, uint32_t h, uint32_t w) {
    return be32(0x00000803) + be32(n) + be32(h) + be32(w);
}

void write_gz(const fs::path& path, const std::string& bytes) {
    gzFile f = gzopen(path.string().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    gzwrite(f, bytes.data(), unsigned(bytes.size()));
    gzclose(f);
}

TEST(Limits, IdxClaiming2To31Images) {
    const auto path = temp_dir("limits_idx") / "train-images-idx3-ubyte";
    write_bytes(path, idx_images_header(0x80000000u, 28, 28));
    EXPECT_REFUSED(idx_read_images(path.string()), path.string(),
                   "claims 2147483648 x 28 x 28 values");
}

TEST(Limits, IdxClaimingMoreThanTheFileHolds) {  // 196 M values: under the cap, over the file
    const auto path = temp_dir("limits_idx") / "short-images-idx3-ubyte";
    write_bytes(path, idx_images_header(250000, 28, 28) + std::string(100, '\0'));
    EXPECT_REFUSED(idx_read_images(path.string()), path.string(),
                   "promises 196000000 bytes of data, the file has 100");
}

TEST(Limits, IdxGzClaiming2To31Images) {
    const auto path = temp_dir("limits_idx") / "train-images-idx3-ubyte.gz";
    write_gz(path, idx_images_header(0x80000000u, 28, 28));
    EXPECT_REFUSED(idx_read_images(path.string()), path.string(), "claims 2147483648 x 28 x 28");
}

TEST(Limits, IdxGzWhoseStreamEndsEarly) {
    const auto path = temp_dir("limits_idx") / "short-images-idx3-ubyte.gz";
    write_gz(path, idx_images_header(250000, 28, 28) + std::string(1000, '\x7f'));
    EXPECT_REFUSED(idx_read_images(path.string()), path.string(),
                   "promises 196000000 bytes of data, the decompressed stream has 1000");
}

// --- safetensors -------------------------------------------------------------------------------

std::string safetensors_bytes(const std::string& header, const std::string& data,
                              uint64_t claimed_length = 0) {
    const uint64_t n = claimed_length ? claimed_length : header.size();
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes += char((n >> (8 * i)) & 0xff);
    return bytes + header + data;
}

TEST(Limits, SafetensorsHeaderLongerThanTheFile) {
    const auto path = temp_dir("limits_st") / "long_header.safetensors";
    write_bytes(path, safetensors_bytes("{}", "", 90u << 20));
    EXPECT_REFUSED(safetensors_read(path.string()), path.string(), "bad header length 94371840");
}

TEST(Limits, SafetensorsOffsetsBeyondTheFile) {  // 800 MB claimed, 16 bytes present
    const auto path = temp_dir("limits_st") / "offsets.safetensors";
    write_bytes(path,
                safetensors_bytes(
                    R"({"w":{"dtype":"F32","shape":[200000000],"data_offsets":[0,800000000]}})",
                    std::string(16, '\0')));
    EXPECT_REFUSED(safetensors_read(path.string()), path.string(), "beyond the 16 data bytes");
}

TEST(Limits, SafetensorsShapeWhoseProductOverflows) {
    const auto path = temp_dir("limits_st") / "overflow.safetensors";
    // 2147483647^4 overflows int64; wrapped, it could match the 0 bytes of data.
    write_bytes(path, safetensors_bytes(R"({"w":{"dtype":"F32","shape":[2147483647,2147483647,)"
                                        R"(2147483647,2147483647],"data_offsets":[0,0]}})",
                                        ""));
    EXPECT_REFUSED(safetensors_read(path.string()), path.string(), "more values than ConvLens");
}

TEST(Limits, SafetensorsEntriesSharingTheirBytes) {  // 64 tensors all over the same 4 MB
    const auto path = temp_dir("limits_st") / "overlap.safetensors";
    std::string header = "{";
    for (int i = 0; i < 64; ++i)
        header += std::string(i ? "," : "") + "\"w" + std::to_string(i) +
                  R"(":{"dtype":"F32","shape":[1048576],"data_offsets":[0,4194304]})";
    write_bytes(path, safetensors_bytes(header + "}", std::string(4194304, '\0')));
    EXPECT_REFUSED(safetensors_read(path.string()), path.string(), "overlapping data_offsets");
}

TEST(Limits, SafetensorsDtypeThatIsNotAString) {  // nlohmann's type_error must not escape
    const auto path = temp_dir("limits_st") / "dtype.safetensors";
    write_bytes(path, safetensors_bytes(R"({"bn.num_batches_tracked":{"dtype":5}})", ""));
    EXPECT_REFUSED(safetensors_read(path.string()), path.string(),
                   "lacks dtype, shape or data_offsets");
}

// --- .npy --------------------------------------------------------------------------------------

std::string npy_bytes(const std::string& dict, uint32_t claimed_length = 0) {
    std::string header = dict;
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    const uint32_t n = claimed_length ? claimed_length : uint32_t(header.size());
    return std::string("\x93NUMPY\x01\x00", 8) + char(n & 0xff) + char(n >> 8) + header;
}

TEST(Limits, NpyHeaderLongerThanTheFile) {
    const auto path = temp_dir("limits_npy") / "long_header.npy";
    write_bytes(path,
                npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 60000));
    EXPECT_REFUSED(npy_read(path.string()), path.string(), "header length 60000 does not fit");
}

TEST(Limits, NpyShapeBeyondTheFile) {  // 800 MB claimed, none present
    const auto path = temp_dir("limits_npy") / "short.npy";
    write_bytes(path,
                npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (200000000,), }"));
    EXPECT_REFUSED(npy_read(path.string()), path.string(),
                   "needs 800000000 bytes of data, the file has 0");
}

TEST(Limits, NpyShapeWhoseProductOverflows) {
    const auto path = temp_dir("limits_npy") / "overflow.npy";
    write_bytes(path, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 2147483647, "
                                "2147483647), }"));
    EXPECT_REFUSED(npy_read(path.string()), path.string(), "is too large");
}

}  // namespace
}  // namespace cl
