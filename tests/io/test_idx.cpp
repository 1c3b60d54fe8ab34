// IDX datasets: the MNIST digits converted by scripts/setup.sh (8,000 / 2,000, stratified),
// Fashion-MNIST from the Debian package, folders of IDX files, and malformed files. The data
// must be there (CI runs scripts/setup.sh first): a missing data/mnist fails, it is not skipped.
#include <zlib.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "engine/io/idx.h"
#include "engine/io/image.h"
#include "engine/paths.h"
#include "io_test_util.h"

namespace cl {
namespace {

using testing::temp_dir;

// Train images per digit by the rule of scripts/mnist_to_idx.py (largest remainder of 80 %).
const std::vector<int> k_train_per_digit = {801, 902, 793, 826, 784, 690, 811, 856, 755, 782};
const std::vector<int> k_all_per_digit = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};

std::vector<int> histogram(const std::vector<uint8_t>& labels) {
    std::vector<int> h(10, 0);
    for (uint8_t l : labels) ++h[l];
    return h;
}

TEST(Idx, MnistTrainSplitIsStratifiedAndMixed) {
    const Dataset d = dataset_load("mnist", "train");
    EXPECT_EQ(d.size(), 8000);
    EXPECT_EQ(d.images.shape(), (Shape{8000, 1, 28, 28}));
    EXPECT_EQ(histogram(d.labels), k_train_per_digit);
    EXPECT_EQ(d.class_names.front(), "0");
    EXPECT_EQ(d.class_names.back(), "9");
    // Shuffled: the first 50 labels already hold most digits, not 50 zeros.
    const std::set<uint8_t> first(d.labels.begin(), d.labels.begin() + 50);
    EXPECT_GE(first.size(), 8u);
    float lo = 1.0f, hi = 0.0f;
    for (int64_t i = 0; i < d.images.numel(); ++i) {
        lo = std::min(lo, d.images[i]);
        hi = std::max(hi, d.images[i]);
    }
    EXPECT_EQ(lo, 0.0f);
    EXPECT_EQ(hi, 1.0f);
}

TEST(Idx, MnistTestSplitHoldsTheRest) {
    const Dataset d = dataset_load("mnist", "test");
    EXPECT_EQ(d.size(), 2000);
    std::vector<int> rest(10);
    for (int k = 0; k < 10; ++k)
        rest[size_t(k)] = k_all_per_digit[size_t(k)] - k_train_per_digit[size_t(k)];
    EXPECT_EQ(histogram(d.labels), rest);
}

// The PNG samples were cut from the test split by scripts/make_samples.py (its own IDX and PNG
// code): the IDX reader and the PNG reader must agree on them.
TEST(Idx, MnistTestDigitsMatchTheShippedSamples) {
    const Dataset d = dataset_load("mnist", "test");
    std::set<int> seen;
    for (int i = 0; i < d.size() && seen.size() < 10; ++i) {
        const int label = d.labels[size_t(i)];
        if (!seen.insert(label).second) continue;
        const Image png =
            image_read(assets_dir() + "/samples/digit-" + std::to_string(label) + ".png");
        ASSERT_EQ(png.channels, 1);
        EXPECT_TENSORS_CLOSE(Tensor::from_vector({1, 1, 28, 28}, png.pixels), d.images.sample(i),
                             0.0f, 0.0f);
    }
    EXPECT_EQ(seen.size(), 10u);
}

TEST(Idx, FashionMnistTestSplit) {
    const Dataset d = dataset_load("fashion-mnist", "test");
    EXPECT_EQ(d.size(), 10000);
    EXPECT_EQ(d.images.shape(), (Shape{10000, 1, 28, 28}));
    EXPECT_EQ(histogram(d.labels), std::vector<int>(10, 1000));
    EXPECT_EQ(d.class_names, class_names_for("fashion-mnist"));
    EXPECT_EQ(d.class_names[0], "T-shirt/top");
    EXPECT_EQ(d.class_names[9], "Ankle boot");
}

// IDX bytes: big-endian magic and dims, then `fill` bytes (count given by `payload`).
std::string idx_bytes(uint32_t magic, const std::vector<uint32_t>& dims, size_t payload,
                      uint8_t fill = 7) {
    std::string b;
    auto be = [&](uint32_t v) {
        for (int s = 24; s >= 0; s -= 8) b += char((v >> s) & 0xff);
    };
    be(magic);
    for (uint32_t d : dims) be(d);
    return b + std::string(payload, char(fill));
}

void write_gz(const std::filesystem::path& path, const std::string& bytes) {
    gzFile f = gzopen(path.string().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    gzclose(f);
}

TEST(Idx, FolderOfRawAndGzipFiles) {
    const auto dir = temp_dir("idx_folder");
    testing::write_bytes(dir / "train-images-idx3-ubyte", idx_bytes(0x803, {3, 2, 2}, 12, 255));
    testing::write_bytes(dir / "train-labels-idx1-ubyte",
                         idx_bytes(0x801, {3}, 0) + "\x01\x02\x03");
    write_gz(dir / "t10k-images-idx3-ubyte.gz", idx_bytes(0x803, {2, 4, 3}, 24, 51));
    write_gz(dir / "t10k-labels-idx1-ubyte.gz",
             idx_bytes(0x801, {2}, 0) + std::string("\x09\x00", 2));
    const Dataset train = dataset_load(dir.string(), "train");
    EXPECT_EQ(train.images.shape(), (Shape{3, 1, 2, 2}));
    EXPECT_EQ(train.labels, (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_EQ(train.images[0], 1.0f);
    const Dataset test = dataset_load(dir.string(), "test");
    EXPECT_EQ(test.images.shape(), (Shape{2, 1, 4, 3}));
    EXPECT_EQ(test.labels, (std::vector<uint8_t>{9, 0}));
    EXPECT_FLOAT_EQ(test.images[5], 51.0f / 255.0f);
    EXPECT_EQ(test.class_names[0], "0");
}

TEST(Idx, MalformedFilesFailNamingTheFile) {
    const auto dir = temp_dir("idx_malformed");
    const std::string magic = (dir / "magic-idx3-ubyte").string();
    testing::write_bytes(magic, idx_bytes(0x801, {2, 2, 2}, 8));
    EXPECT_FILE_ERROR(idx_read_images(magic), magic, "bad magic 0x00000801");

    const std::string truncated = (dir / "short-idx3-ubyte").string();
    testing::write_bytes(truncated, idx_bytes(0x803, {10, 28, 28}, 784 * 5));
    EXPECT_FILE_ERROR(idx_read_images(truncated), truncated, "truncated");

    const std::string header = (dir / "header-idx1-ubyte").string();
    testing::write_bytes(header, idx_bytes(0x801, {}, 0) + "\x00\x00");
    EXPECT_FILE_ERROR(idx_read_labels(header), header, "truncated");

    const std::string gz = (dir / "cut-idx3-ubyte.gz").string();
    write_gz(gz, idx_bytes(0x803, {50, 28, 28}, 784 * 50, 3));
    const std::string full = testing::read_text(gz);
    testing::write_bytes(gz, full.substr(0, full.size() / 2));
    EXPECT_FILE_ERROR(idx_read_images(gz), gz, "truncated");

    const std::string missing = (dir / "missing-idx1-ubyte").string();
    EXPECT_FILE_ERROR(idx_read_labels(missing), missing, "no such file");
}

TEST(Idx, CountMismatchNamesBothFiles) {
    const auto dir = temp_dir("idx_count");
    testing::write_bytes(dir / "train-images-idx3-ubyte", idx_bytes(0x803, {3, 2, 2}, 12));
    testing::write_bytes(dir / "train-labels-idx1-ubyte", idx_bytes(0x801, {4}, 4, 1));
    const std::string message = testing::error_of([&] { dataset_load(dir.string(), "train"); });
    EXPECT_NE(message.find("train-images-idx3-ubyte holds 3 images"), std::string::npos) << message;
    EXPECT_NE(message.find("train-labels-idx1-ubyte holds 4 labels"), std::string::npos) << message;
}

TEST(Idx, FoldersWithoutDataNameTheFolderAndTheFix) {
    const auto dir = temp_dir("idx_empty_folder");
    testing::write_bytes(dir / "readme.txt", "no digits here");
    EXPECT_FILE_ERROR(dataset_load(dir.string(), "train"), dir.string(), "no IDX images");
    EXPECT_FILE_ERROR(dataset_load((dir / "nope").string(), "test"), (dir / "nope").string(),
                      "no such folder");
    EXPECT_FILE_ERROR(dataset_load(dir.string(), "validation"), "validation", "train or test");

    ::setenv("CONVLENS_DATA_DIR", dir.string().c_str(), 1);
    EXPECT_EQ(mnist_data_dir(), dir.string() + "/mnist");
    const std::string message = testing::error_of([&] { dataset_load("mnist", "train"); });
    ::unsetenv("CONVLENS_DATA_DIR");
    EXPECT_NE(message.find(dir.string() + "/mnist"), std::string::npos) << message;
    EXPECT_NE(message.find("scripts/setup.sh"), std::string::npos) << message;
    EXPECT_EQ(mnist_data_dir(), default_data_dir() + "/mnist");
}

}  // namespace
}  // namespace cl
