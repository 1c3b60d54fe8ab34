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
#include <memory>

#include "engine/error.h"
#include "engine/io/limits.h"
#include "engine/paths.h"

namespace cl {

namespace {

namespace fs = std::filesystem;

constexpr uint32_t k_images_magic = 0x00000803;
constexpr uint32_t k_labels_magic = 0x00000801;

uint32_t be32(const unsigned char* b) {
    return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | uint32_t(b[3]);
}

std::string hex(uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof(text), "0x%08x", v);
    return text;
}

// gzFile closed on every path out of idx_read.
struct GzCloser {
    void operator()(gzFile_s* f) const {
        if (f) gzclose(f);
    }
};
using GzPtr = std::unique_ptr<gzFile_s, GzCloser>;

// Reads up to `size` bytes; fewer means the (decompressed) stream ended.
size_t gz_read_up_to(const std::string& path, gzFile f, char* into, size_t size) {
    size_t done = 0;
    while (done < size) {
        const unsigned chunk = unsigned(std::min<size_t>(size - done, size_t(1) << 30));
        const int n = gzread(f, into + done, chunk);
        if (n < 0) {
            int code = 0;
            throw Error(path + ": cannot decompress (" + gzerror(f, &code) + ")");
        }
        if (n == 0) break;
        done += size_t(n);
    }
    return done;
}

// An IDX file (raw or .gz; zlib reads both): the header first, its dims checked against the
// tensor limit and, for a raw file, against the file's real size, so that a header claiming
// 2^31 images is refused before anything is allocated. A .gz stream is read only as far as the
// header promises, so a gzip bomb cannot fill memory either; one that ends early is truncated.
std::string idx_read(const std::string& path, uint32_t magic, const char* kind,
                     std::vector<uint32_t>* dims) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path + ": no such file");
    if (fs::is_directory(path, ec)) throw Error(path + ": is a folder, not an IDX file");
    const uint64_t file_size = fs::file_size(path, ec);
    if (ec) throw Error(path + ": cannot read its size");
    GzPtr f(gzopen(path.c_str(), "rb"));
    if (!f) throw Error(path + ": cannot open");

    unsigned char head[4 + 4 * 3];
    if (gz_read_up_to(path, f.get(), reinterpret_cast<char*>(head), 4) < 4)
        throw Error(path + ": too short for an IDX file");
    const uint32_t got = be32(head);
    if (got != magic)
        throw Error(path + ": bad magic " + hex(got) + ", expected " + hex(magic) + " (IDX " +
                    kind + ")");
    const size_t rank = magic & 0xff;
    if (gz_read_up_to(path, f.get(), reinterpret_cast<char*>(head + 4), 4 * rank) < 4 * rank)
        throw Error(path + ": truncated IDX header");
    std::vector<int64_t> sizes;
    for (size_t i = 0; i < rank; ++i) {
        dims->push_back(be32(head + 4 + 4 * i));
        sizes.push_back(dims->back());
    }
    const int64_t count = bounded_product(sizes, k_max_tensor_elements);
    if (count < 0) {
        std::string claimed;
        for (size_t i = 0; i < rank; ++i) claimed += (i ? " x " : "") + std::to_string(sizes[i]);
        throw Error(path + ": the IDX header claims " + claimed + " values, more than ConvLens " +
                    "reads (" + std::to_string(k_max_tensor_elements) + ")");
    }
    const uint64_t header_size = 4 + 4 * rank;
    const bool raw = gzdirect(f.get()) == 1;
    if (raw && file_size - std::min(file_size, header_size) < uint64_t(count))
        throw Error(path + ": truncated: the header promises " + std::to_string(count) +
                    " bytes of data, the file has " +
                    std::to_string(file_size - std::min(file_size, header_size)));

    // A raw file's size was checked above, so its payload is allocated at once; a .gz grows
    // with what the stream really holds, so a header that lies costs only what is there.
    std::string bytes;
    if (raw) bytes.resize(size_t(count));
    size_t have = raw ? gz_read_up_to(path, f.get(), bytes.data(), bytes.size()) : 0;
    for (char chunk[1 << 16]; !raw && have < uint64_t(count);) {
        const size_t want = std::min(sizeof(chunk), size_t(count) - have);
        const size_t n = gz_read_up_to(path, f.get(), chunk, want);
        bytes.append(chunk, n);
        have += n;
        if (n < want) break;
    }
    if (have < uint64_t(count))
        throw Error(path + ": truncated: the header promises " + std::to_string(count) +
                    " bytes of data, the " + (raw ? "file has " : "decompressed stream has ") +
                    std::to_string(have));
    if (!raw) {
        // A .gz cut short ends quietly in gzread; gzclose reports it as Z_BUF_ERROR once the
        // stream has been read to its end (one byte more: trailing data is left unread).
        char extra = 0;
        if (gz_read_up_to(path, f.get(), &extra, 1) == 0) {
            const int closed = gzclose(f.release());
            if (closed == Z_BUF_ERROR) throw Error(path + ": truncated gzip data");
            if (closed != Z_OK) throw Error(path + ": cannot decompress");
        }
    }
    return bytes;
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
    std::vector<uint32_t> dims;
    const std::string bytes = idx_read(path, k_images_magic, "images", &dims);
    if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0) throw Error(path + ": holds no images");
    // Each dim is at most k_max_tensor_elements (checked by idx_read), so it fits an int.
    Tensor images = Tensor::zeros({int(dims[0]), 1, int(dims[1]), int(dims[2])});  // [N,1,H,W]
    const uint8_t* src = reinterpret_cast<const uint8_t*>(bytes.data());
    float* dst = images.data();
    for (int64_t i = 0; i < images.numel(); ++i) dst[i] = float(src[i]) / 255.0f;
    return images;
}

std::vector<uint8_t> idx_read_labels(const std::string& path) {
    std::vector<uint32_t> dims;
    const std::string bytes = idx_read(path, k_labels_magic, "labels", &dims);
    const uint8_t* src = reinterpret_cast<const uint8_t*>(bytes.data());
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
