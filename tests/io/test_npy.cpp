// .npy: round trip, numpy reading what ConvLens writes, ConvLens reading what numpy writes, and
// the malformed files that must fail with a message naming the file.
#include <unistd.h>

#include <string>
#include <vector>

#include "engine/io/npy.h"
#include "io_test_util.h"

namespace cl {
namespace {

using testing::run_io_formats;
using testing::temp_dir;

std::string read_all(const std::filesystem::path& p) {
    return testing::read_text(p);
}

TEST(Npy, RoundTripKeepsShapeAndBits) {
    const auto dir = temp_dir("npy_round_trip");
    const Tensor t = testing::random_tensor({2, 3, 5, 7}, 11);
    npy_write((dir / "a.npy").string(), t);
    std::vector<int64_t> shape;
    const Tensor back = npy_read((dir / "a.npy").string(), &shape);
    EXPECT_EQ(shape, (std::vector<int64_t>{2, 3, 5, 7}));
    EXPECT_TENSORS_CLOSE(back, t, 0.0f, 0.0f);

    npy_write((dir / "b.npy").string(), t, {6, 35});  // a chosen shape, right-aligned on read
    const Tensor b = npy_read((dir / "b.npy").string(), &shape);
    EXPECT_EQ(shape, (std::vector<int64_t>{6, 35}));
    EXPECT_EQ(b.shape(), (Shape{1, 1, 6, 35}));
    EXPECT_EQ(b.to_vector(), t.to_vector());
}

TEST(Npy, HeaderIsPaddedTo64BytesAsTheSpecSays) {
    const auto dir = temp_dir("npy_header");
    for (const std::vector<int64_t>& shape :
         {std::vector<int64_t>{5}, std::vector<int64_t>{1, 5}, std::vector<int64_t>{1, 1, 1, 5}}) {
        npy_write((dir / "h.npy").string(), Tensor::filled({1, 1, 1, 5}, 2.0f), shape);
        const std::string bytes = read_all(dir / "h.npy");
        const size_t header_len = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
        EXPECT_EQ((10 + header_len) % 64, 0u);
        EXPECT_EQ(bytes[10 + header_len - 1], '\n');
        EXPECT_EQ(bytes.size(), 10 + header_len + 5 * 4);
    }
    const std::string one = read_all(dir / "h.npy");
    EXPECT_NE(one.find("'shape': (1, 1, 1, 5)"), std::string::npos) << one.substr(0, 80);
    npy_write((dir / "r1.npy").string(), Tensor::filled({1, 1, 1, 3}, 1.0f), {3});
    EXPECT_NE(read_all(dir / "r1.npy").find("'shape': (3,)"), std::string::npos);
}

TEST(Npy, NumpyReadsWhatConvLensWrites) {
    const auto dir = temp_dir("npy_numpy_reads");
    const Tensor t = testing::random_tensor({1, 4, 6, 5}, 3);
    struct Case {
        std::vector<int64_t> shape;
    };
    for (const Case& c : {Case{{}}, Case{{4, 30}}, Case{{120}}, Case{{2, 2, 30}}}) {
        const std::string path = (dir / "x.npy").string();
        npy_write(path, t, c.shape);
        const auto j = run_io_formats("npy-read " + path);
        ASSERT_FALSE(j.is_null());
        EXPECT_EQ(j["dtype"], "<f4");
        const std::vector<int64_t> want =
            c.shape.empty() ? std::vector<int64_t>{1, 4, 6, 5} : c.shape;
        EXPECT_EQ(j["shape"].get<std::vector<int64_t>>(), want);
        const auto values = j["values"].get<std::vector<double>>();
        ASSERT_EQ(int64_t(values.size()), t.numel());
        for (int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(float(values[size_t(i)]), t[i]) << i;
    }
}

struct NumpyCase {
    const char* name;
    std::vector<int64_t> shape;
    Shape nchw;
};

void PrintTo(const NumpyCase& c, std::ostream* os) {
    *os << c.name;
}

class NpyFromNumpy : public ::testing::TestWithParam<NumpyCase> {
protected:
    static void SetUpTestSuite() {
        // ctest runs each case in its own process, maybe two at once: one folder per process.
        dir_ = temp_dir("npy_from_numpy_" + std::to_string(::getpid()));
        run_io_formats("npy-write " + dir_.string());
    }
    static std::filesystem::path dir_;
};
std::filesystem::path NpyFromNumpy::dir_;

TEST_P(NpyFromNumpy, LoadsWithTheFormulaValues) {
    const NumpyCase& c = GetParam();
    std::vector<int64_t> shape;
    const Tensor t = npy_read((dir_ / (std::string(c.name) + ".npy")).string(), &shape);
    EXPECT_EQ(shape, c.shape);
    EXPECT_EQ(t.shape(), c.nchw);
    for (int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(t[i], 0.25f * float(i) - 3.0f) << i;
}

INSTANTIATE_TEST_SUITE_P(Io, NpyFromNumpy,
                         ::testing::Values(NumpyCase{"f4_rank3", {2, 3, 4}, {1, 2, 3, 4}},
                                           NumpyCase{"f8_rank1", {5}, {1, 1, 1, 5}},
                                           NumpyCase{"f4_rank4", {2, 3, 4, 5}, {2, 3, 4, 5}},
                                           NumpyCase{"f4_rank0", {}, {1, 1, 1, 1}},
                                           NumpyCase{"f4_v2", {3, 3}, {1, 1, 3, 3}},
                                           NumpyCase{"f4_rank2", {28, 28}, {1, 1, 28, 28}}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(NpyFromNumpy, UnsupportedLayoutsAndDtypesFailNamingTheFile) {
    const std::string fortran = (dir_ / "fortran.npy").string();
    EXPECT_FILE_ERROR(npy_read(fortran), fortran, "Fortran");
    const std::string int32 = (dir_ / "int32.npy").string();
    EXPECT_FILE_ERROR(npy_read(int32), int32, "<i4");
    const std::string big = (dir_ / "big_endian.npy").string();
    EXPECT_FILE_ERROR(npy_read(big), big, ">f4");
    const std::string rank5 = (dir_ / "rank5.npy").string();
    EXPECT_FILE_ERROR(npy_read(rank5), rank5, "rank 5");
}

TEST(Npy, MalformedFilesFailNamingTheFile) {
    const auto dir = temp_dir("npy_malformed");
    npy_write((dir / "good.npy").string(), testing::random_tensor({1, 1, 4, 4}, 5));
    const std::string good = read_all(dir / "good.npy");

    const std::string missing = (dir / "missing.npy").string();
    EXPECT_FILE_ERROR(npy_read(missing), missing, "no such file");

    const std::string magic = (dir / "magic.npy").string();
    testing::write_bytes(magic, "\x93NUMPZ" + good.substr(6));
    EXPECT_FILE_ERROR(npy_read(magic), magic, "bad magic");

    const std::string truncated = (dir / "truncated.npy").string();
    testing::write_bytes(truncated, good.substr(0, good.size() - 5));
    EXPECT_FILE_ERROR(npy_read(truncated), truncated, "truncated");

    const std::string header_cut = (dir / "header_cut.npy").string();
    testing::write_bytes(header_cut, good.substr(0, 30));
    EXPECT_FILE_ERROR(npy_read(header_cut), header_cut, "truncated");

    const std::string empty = (dir / "empty.npy").string();
    testing::write_bytes(empty, "");
    EXPECT_FILE_ERROR(npy_read(empty), empty, "bad magic");
}

TEST(Npy, WriteIntoMissingFolderFailsAndLeavesNothing) {
    const auto dir = temp_dir("npy_missing_dir");
    const std::string path = (dir / "no" / "such" / "x.npy").string();
    EXPECT_FILE_ERROR(npy_write(path, Tensor::zeros({1, 1, 2, 2})), path, "cannot write");
    EXPECT_FALSE(std::filesystem::exists(dir / "no"));
    EXPECT_TRUE(std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace cl
