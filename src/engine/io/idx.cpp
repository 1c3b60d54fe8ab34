// IDX datasets (LeCun's MNIST format): a big-endian magic 0x00000803 (images, 3 dims) or
// 0x00000801 (labels, 1 dim), big-endian uint32 dims, then unsigned bytes. zlib's gzread reads
// .gz and raw files alike.
#include "engine/io/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "engine/error.h"
#include "engine/paths.h"

namespace cl {

namespace {

namespace fs = std::filesystem;

constexpr uint32_t k_images_magic = 0x00000803;
constexpr uint32_t k_labels_magic = 0x00000801;

std::string read_maybe_gz(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path + ": no such file");
    if (fs::is_directory(path, ec)) throw Error(path + ": is a folder, not an IDX file");
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw Error(path + ": cannot open");
    std::string bytes;
    char buffer[1 << 16];
    for (;;) {
        const int n = gzread(f, buffer, sizeof(buffer));
        if (n < 0) {
            int code = 0;
            const std::string why = gzerror(f, &code);
            gzclose(f);
            throw Error(path + ": cannot decompress (" + why + ")");
        }
        if (n == 0) break;
        bytes.append(buffer, size_t(n));
    }
    // A .gz cut short ends quietly in gzread; gzclose_r reports it as Z_BUF_ERROR.
    const int closed = gzclose(f);
    if (closed == Z_BUF_ERROR) throw Error(path + ": truncated gzip data");
    if (closed != Z_OK) throw Error(path + ": cannot decompress");
    return bytes;
}

uint32_t be32(const std::string& b, size_t at) {
    return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 |
           uint32_t(uint8_t(b[at + 2])) << 8 | uint32_t(uint8_t(b[at + 3]));
}

std::string hex(uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof(text), "0x%08x", v);
    return text;
}

// The IDX header: magic, then `rank` dims; checks the payload is all there.
std::vector<uint32_t> read_header(const std::string& path, const std::string& bytes, uint32_t magic,
                                  const char* kind) {
    if (bytes.size() < 4) throw Error(path + ": too short for an IDX file");
    const uint32_t got = be32(bytes, 0);
    if (got != magic)
        throw Error(path + ": bad magic " + hex(got) + ", expected " + hex(magic) + " (IDX " +
                    kind + ")");
    const size_t rank = magic & 0xff;
    if (bytes.size() < 4 + 4 * rank) throw Error(path + ": truncated IDX header");
    std::vector<uint32_t> dims;
    uint64_t count = 1;
    for (size_t i = 0; i < rank; ++i) {
        dims.push_back(be32(bytes, 4 + 4 * i));
        count *= dims.back();
    }
    const uint64_t have = bytes.size() - 4 - 4 * rank;
    if (have < count)
        throw Error(path + ": truncated: the header promises " + std::to_string(count) +
                    " bytes of data, the file has " + std::to_string(have));
    if (count > (uint64_t(1) << 33)) throw Error(path + ": IDX data too large");
    return dims;
}

bool is_idx_name(const std::string& name, const char* kind) {  // kind: "idx3" or "idx1"
    const std::string suffix = std::string(kind) + "-ubyte";
    auto ends = [&](const std::string& s) {
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return ends(suffix) || ends(suffix + ".gz");
}

bool is_split_name(const std::string& name, const std::string& split) {
    if (split == "train") return name.find("train") != std::string::npos;
    return name.rfind("t10k", 0) == 0 || name.find("test") != std::string::npos;
}

// The one file of `kind` for `split` in `dir` (a raw file before its .gz twin), or "".
std::string find_idx(const std::string& dir, const std::string& split, const char* kind) {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && is_idx_name(name, kind) && is_split_name(name, split))
            found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());  // "x-ubyte" sorts before "x-ubyte.gz"
    return found.empty() ? "" : found.front();
}

bool is_fashion(std::string name) {
    for (char& ch : name) ch = char(std::tolower(uint8_t(ch)));
    return name.find("fashion") != std::string::npos;
}

}  // namespace

Tensor idx_read_images(const std::string& path) {
    const std::string bytes = read_maybe_gz(path);
    const std::vector<uint32_t> dims = read_header(path, bytes, k_images_magic, "images");
    if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0) throw Error(path + ": holds no images");
    Tensor images = Tensor::zeros({int(dims[0]), 1, int(dims[1]), int(dims[2])});  // [N,1,H,W]
    const uint8_t* src = reinterpret_cast<const uint8_t*>(bytes.data()) + 16;
    float* dst = images.data();
    for (int64_t i = 0; i < images.numel(); ++i) dst[i] = float(src[i]) / 255.0f;
    return images;
}

std::vector<uint8_t> idx_read_labels(const std::string& path) {
    const std::string bytes = read_maybe_gz(path);
    const std::vector<uint32_t> dims = read_header(path, bytes, k_labels_magic, "labels");
    const uint8_t* src = reinterpret_cast<const uint8_t*>(bytes.data()) + 8;
    return std::vector<uint8_t>(src, src + dims[0]);
}

std::string mnist_data_dir() {
    const char* env = std::getenv("CONVLENS_DATA_DIR");
    const std::string root = env && *env ? env : default_data_dir();
    return root + "/mnist";
}

std::string fashion_mnist_data_dir() {
    const char* env = std::getenv("CONVLENS_FASHION_DIR");
    return env && *env ? env : "/usr/share/datasets/fashion-mnist";
}

std::vector<std::string> class_names_for(const std::string& dataset_name) {
    if (is_fashion(dataset_name))
        return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
}

Dataset dataset_load(const std::string& spec, const std::string& split) {
    if (split != "train" && split != "test")
        throw Error("split '" + split + "': expected train or test");
    std::string dir = spec;
    if (spec == "mnist") {
        dir = mnist_data_dir();
        if (!fs::is_directory(dir))
            throw Error(dir + ": no MNIST digits here; run scripts/setup.sh to fetch them");
    } else if (spec == "fashion-mnist") {
        dir = fashion_mnist_data_dir();
        if (!fs::is_directory(dir))
            throw Error(dir +
                        ": no Fashion-MNIST here; install the Debian package "
                        "dataset-fashion-mnist (scripts/setup.sh does)");
    } else if (!fs::is_directory(spec)) {
        throw Error(spec +
                    ": no such folder (expected mnist, fashion-mnist or a folder of IDX files)");
    }

    const std::string images_path = find_idx(dir, split, "idx3");
    const std::string labels_path = find_idx(dir, split, "idx1");
    const std::string prefix = split == "train" ? "train" : "t10k";
    if (images_path.empty() || labels_path.empty())
        throw Error(dir + ": no IDX " + (images_path.empty() ? "images" : "labels") + " for the " +
                    split + " split (expected " + prefix + "-" +
                    (images_path.empty() ? "images-idx3" : "labels-idx1") + "-ubyte[.gz])");

    Dataset d;
    d.name = spec;
    d.images = idx_read_images(images_path);
    d.labels = idx_read_labels(labels_path);
    if (int64_t(d.labels.size()) != d.images.shape().n)
        throw Error(images_path + " holds " + std::to_string(d.images.shape().n) + " images but " +
                    labels_path + " holds " + std::to_string(d.labels.size()) + " labels");
    for (size_t i = 0; i < d.labels.size(); ++i)
        if (d.labels[i] > 9)
            throw Error(labels_path + ": label " + std::to_string(d.labels[i]) + " at index " +
                        std::to_string(i) + " is outside 0-9");
    // A folder of IDX files is taken for Fashion-MNIST when its path says so.
    const bool fashion = spec == "fashion-mnist" || (spec != "mnist" && is_fashion(dir));
    d.class_names = class_names_for(fashion ? "fashion-mnist" : "mnist");
    return d;
}

}  // namespace cl
