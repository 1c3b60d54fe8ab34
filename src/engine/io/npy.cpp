// NumPy .npy reading and writing, after numpy/lib/format.py: magic "\x93NUMPY", version, a
// little-endian header length, a Python dict literal, then the raw array in C order.
#include "engine/io/npy.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "engine/io/atomic_file.h"
#include "engine/io/limits.h"

namespace cl {

namespace {

constexpr char k_magic[] = "\x93NUMPY";
constexpr size_t k_magic_size = 6;
// numpy writes headers of a few hundred bytes; a longer one is not an array ConvLens wrote or
// reads, and is refused before it is read.
constexpr uint64_t k_max_header = uint64_t(1) << 20;

// Up to `size` bytes from the stream's position (fewer at its end).
std::string read_some(std::istream& in, size_t size) {
    std::string bytes(size, '\0');
    in.read(bytes.data(), std::streamsize(size));
    bytes.resize(size_t(std::max<std::streamsize>(in.gcount(), 0)));
    in.clear();  // a short read sets failbit, which would stop the next seekg
    return bytes;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) s += std::to_string(shape[i]) + ", ";
    if (shape.size() > 1) s.resize(s.size() - 2);   // (1, 28, 28)
    if (shape.size() == 1) s.resize(s.size() - 1);  // (5,) keeps its comma
    return s + ")";
}

std::string shape_list(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

uint32_t read_le(const std::string& bytes, size_t at, size_t width) {
    uint32_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= uint32_t(uint8_t(bytes[at + i])) << (8 * i);
    return v;
}

// The value text after 'key': in the header dict, e.g. "'<f4'" or "(1, 28, 28)" or "False".
std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
    size_t at = header.find("'" + key + "'");
    if (at == std::string::npos) at = header.find("\"" + key + "\"");
    if (at == std::string::npos) throw Error(path + ": .npy header has no '" + key + "'");
    at = header.find(':', at + key.size() + 2);
    if (at == std::string::npos)
        throw Error(path + ": .npy header is malformed near '" + key + "'");
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    size_t end = at;
    if (at < header.size() && header[at] == '(') {
        end = header.find(')', at);
        if (end == std::string::npos) throw Error(path + ": .npy header has an unclosed shape");
        return header.substr(at, end - at + 1);
    }
    if (at < header.size() && (header[at] == '\'' || header[at] == '"')) {
        end = header.find(header[at], at + 1);
        if (end == std::string::npos) throw Error(path + ": .npy header has an unclosed string");
        return header.substr(at + 1, end - at - 1);
    }
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
    std::string v = header.substr(at, end - at);
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
}

std::vector<int64_t> parse_shape(const std::string& text, const std::string& path) {
    std::vector<int64_t> shape;
    size_t i = 1;  // after '('
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
        if (i >= text.size() || text[i] == ')') break;
        if (text[i] < '0' || text[i] > '9')
            throw Error(path + ": .npy header has a bad shape " + text);
        int64_t d = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            d = d * 10 + (text[i] - '0');
            if (d > INT_MAX) throw Error(path + ": .npy dimension too large in " + text);
            ++i;
        }
        if (i < text.size() && text[i] == 'L') ++i;  // Python 2 longs
        shape.push_back(d);
    }
    return shape;
}

}  // namespace

void npy_write(const std::string& path, const Tensor& tensor, const std::vector<int64_t>& shape) {
    CL_ASSERT(!tensor.empty());
    const Shape& s = tensor.shape();
    std::vector<int64_t> dims = shape.empty() ? std::vector<int64_t>{s.n, s.c, s.h, s.w} : shape;
    int64_t numel = 1;
    for (int64_t d : dims) numel *= d;
    if (numel != tensor.numel())
        throw Error(path + ": cannot write shape " + shape_list(dims) + " for a tensor of " +
                    s.str());

    std::string header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text(dims) + ", }";
    // Magic (6) + version (2) + length (2) + header + '\n' is padded with spaces to 64 bytes.
    const size_t unpadded = k_magic_size + 2 + 2 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    CL_ASSERT(header.size() <= 65535);

    std::string bytes(k_magic, k_magic_size);
    bytes += char(1);
    bytes += char(0);
    bytes += char(header.size() & 0xff);
    bytes += char((header.size() >> 8) & 0xff);
    bytes += header;
    static_assert(sizeof(float) == 4, "float32 data");
    bytes.append(reinterpret_cast<const char*>(tensor.data()), size_t(numel) * sizeof(float));
    write_file_atomic(path, bytes);
}

Tensor npy_read(const std::string& path, std::vector<int64_t>* file_shape) {
    // The header is read and checked against the file's real size before the array is
    // allocated, so a header that lies about its shape costs nothing.
    const uint64_t file_size = file_size_checked(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    std::string bytes = read_some(in, 12);
    if (bytes.size() < 10 || bytes.compare(0, k_magic_size, k_magic, k_magic_size) != 0)
        throw Error(path + ": not a .npy file (bad magic)");
    const int major = uint8_t(bytes[6]);
    const int minor = uint8_t(bytes[7]);
    if (major < 1 || major > 3)
        throw Error(path + ": .npy format version " + std::to_string(major) + "." +
                    std::to_string(minor) + " is not supported (1.0, 2.0, 3.0)");
    const size_t len_width = major == 1 ? 2 : 4;
    const size_t header_start = 8 + len_width;
    if (bytes.size() < header_start) throw Error(path + ": truncated .npy header");
    const uint64_t header_len = read_le(bytes, 8, len_width);
    if (header_len > k_max_header || header_start + header_len > file_size)
        throw Error(path + ": .npy header length " + std::to_string(header_len) +
                    " does not fit the file of " + std::to_string(file_size) +
                    " bytes (truncated?)");
    in.seekg(std::streamoff(header_start));
    const std::string header = read_some(in, size_t(header_len));
    if (header.size() != header_len) throw Error(path + ": truncated .npy header");

    const std::string descr = dict_value(header, "descr", path);
    const std::string fortran = dict_value(header, "fortran_order", path);
    const std::string shape_str = dict_value(header, "shape", path);
    if (descr != "<f4" && descr != "<f8")
        throw Error(path + ": dtype '" + descr +
                    "' is not supported (float32 '<f4' or float64 '<f8')");
    if (fortran != "False")
        throw Error(path + ": Fortran-order arrays are not supported (save with C order)");
    if (shape_str.empty() || shape_str.front() != '(')
        throw Error(path + ": .npy header has a bad shape " + shape_str);
    const std::vector<int64_t> shape = parse_shape(shape_str, path);
    if (shape.size() > 4)
        throw Error(path + ": rank " + std::to_string(shape.size()) + " array " +
                    shape_list(shape) + "; ConvLens reads rank 0 to 4");

    const int64_t numel = bounded_product(shape, k_max_tensor_elements);
    if (numel < 0)
        throw Error(path + ": array " + shape_list(shape) +
                    " is too large (ConvLens reads at most " +
                    std::to_string(k_max_tensor_elements) + " values)");
    if (numel == 0) throw Error(path + ": the array " + shape_list(shape) + " is empty");
    int dims[4] = {1, 1, 1, 1};  // right-aligned into N, C, H, W; each fits an int (numel does)
    for (size_t i = 0; i < shape.size(); ++i) dims[4 - shape.size() + i] = int(shape[i]);
    const size_t item = descr == "<f4" ? 4 : 8;
    const uint64_t data_start = header_start + header_len;
    const uint64_t need = uint64_t(numel) * item;
    if (file_size - data_start < need)
        throw Error(path + ": truncated: shape " + shape_list(shape) + " needs " +
                    std::to_string(need) + " bytes of data, the file has " +
                    std::to_string(file_size - data_start));

    Tensor t = Tensor::zeros({dims[0], dims[1], dims[2], dims[3]});
    in.seekg(std::streamoff(data_start));
    if (item == 4) {
        in.read(reinterpret_cast<char*>(t.data()), std::streamsize(need));
        if (in.gcount() != std::streamsize(need)) throw Error(path + ": read error");
    } else {
        const std::string values = read_some(in, size_t(need));
        if (values.size() != need) throw Error(path + ": read error");
        for (int64_t i = 0; i < numel; ++i) {
            double v;
            std::memcpy(&v, values.data() + i * 8, 8);
            t[i] = float(v);
        }
    }
    if (file_shape) *file_shape = shape;
    return t;
}

}  // namespace cl
