// safetensors reading and writing: 8-byte little-endian header length N, N bytes of JSON
// ({"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__":
// {...}}), then the raw data; offsets count from the first byte after the header.
#include "engine/io/safetensors.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "engine/io/atomic_file.h"
#include "engine/io/limits.h"
#include "engine/util/strings.h"

namespace cl {

namespace {

using nlohmann::json;

constexpr const char* k_metadata = "__metadata__";
constexpr uint64_t k_max_header = uint64_t(100) << 20;  // as the reference implementation

std::string shape_list(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

// The PyTorch shape of a parameter: the first `rank` of (n, c, h, w).
std::vector<int64_t> param_shape(const NamedParam& p) {
    const Shape& s = p.value->shape();
    const int64_t all[4] = {s.n, s.c, s.h, s.w};
    CL_ASSERT(p.rank >= 0 && p.rank <= 4);
    for (int i = p.rank; i < 4; ++i) CL_ASSERT(all[i] == 1);
    return std::vector<int64_t>(all, all + p.rank);
}

int64_t shape_numel(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

// One header entry, checked against the data section's real size; the values are read later.
struct Entry {
    std::string name;
    std::vector<int64_t> shape;
    uint64_t begin = 0, size = 0;  // within the data section
};

Entry read_entry(const std::string& path, const std::string& name, const json& entry,
                 uint64_t data_size) {
    const std::string what = path + ": " + name;
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
        throw Error(what + " lacks dtype, shape or data_offsets in the header");
    const json& dtype = entry["dtype"];
    if (!dtype.is_string()) throw Error(what + " has a dtype that is not a string");
    if (dtype.get<std::string>() != "F32")
        throw Error(what + " has dtype " + dtype.get<std::string>() +
                    "; ConvLens reads F32 (float32) only");

    Entry out;
    out.name = name;
    const json& shape = entry["shape"];
    if (!shape.is_array()) throw Error(what + " has a shape that is not a list");
    for (const json& d : shape) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > INT32_MAX)
            throw Error(what + " has a bad dimension in its shape " + shape.dump());
        out.shape.push_back(d.get<int64_t>());
    }
    if (out.shape.size() > 4)
        throw Error(what + " has rank " + std::to_string(out.shape.size()) + " " +
                    shape_list(out.shape) + "; ConvLens reads rank 0 to 4");
    const int64_t numel = bounded_product(out.shape, k_max_tensor_elements);
    if (numel < 0)
        throw Error(what + " has shape " + shape_list(out.shape) +
                    ", more values than ConvLens reads (" + std::to_string(k_max_tensor_elements) +
                    ")");

    const json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
        throw Error(what + " has bad data_offsets " + offsets.dump());
    const uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (begin > end || end > data_size)
        throw Error(what + " has data_offsets [" + std::to_string(begin) + "," +
                    std::to_string(end) + "] beyond the " + std::to_string(data_size) +
                    " data bytes (truncated file?)");
    if (end - begin != uint64_t(numel) * 4)
        throw Error(what + " holds " + std::to_string(end - begin) + " bytes, its shape " +
                    shape_list(out.shape) + " needs " + std::to_string(numel * 4));
    out.begin = begin;
    out.size = end - begin;
    return out;
}

void read_exactly(std::istream& in, uint64_t at, char* into, uint64_t size,
                  const std::string& path) {
    in.clear();
    in.seekg(std::streamoff(at));
    in.read(into, std::streamsize(size));
    if (uint64_t(in.gcount()) != size) throw Error(path + ": read error");
}

}  // namespace

// The header is read first and every entry checked against the file's real size; only then is
// each tensor allocated and read, so a header that lies costs no memory.
std::map<std::string, NamedTensor> safetensors_read(const std::string& path) {
    const uint64_t file_size = file_size_checked(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    if (file_size < 8) throw Error(path + ": too short for a safetensors file");
    unsigned char length[8];
    read_exactly(in, 0, reinterpret_cast<char*>(length), 8, path);
    uint64_t header_len = 0;
    for (int i = 0; i < 8; ++i) header_len |= uint64_t(length[i]) << (8 * i);
    if (header_len == 0 || header_len > k_max_header || header_len > file_size - 8)
        throw Error(path + ": bad header length " + std::to_string(header_len) + " for a file of " +
                    std::to_string(file_size) + " bytes (not a safetensors file?)");

    std::string text(size_t(header_len), '\0');
    read_exactly(in, 8, text.data(), header_len, path);
    json header;
    try {
        header = json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(path + ": the header is not valid JSON (at byte " + std::to_string(e.byte) +
                    ")");
    }
    if (!header.is_object()) throw Error(path + ": the header is not a JSON object");

    const uint64_t data_start = 8 + header_len;
    const uint64_t data_size = file_size - data_start;
    std::vector<Entry> entries;
    uint64_t total = 0;  // entries may not share bytes, or a small file could claim terabytes
    for (const auto& item : header.items()) {
        if (item.key() == k_metadata) continue;
        // PyTorch's BatchNorm keeps an int64 step counter in its state_dict; it is bookkeeping
        // for training, not a weight, so a file exported from PyTorch still loads.
        if (ends_with(item.key(), ".num_batches_tracked") && item.value().is_object() &&
            item.value().contains("dtype") && item.value()["dtype"] == "I64")
            continue;
        entries.push_back(read_entry(path, item.key(), item.value(), data_size));
        total += entries.back().size;
        if (total > data_size)
            throw Error(path + ": the tensors claim more than the " + std::to_string(data_size) +
                        " data bytes (overlapping data_offsets)");
    }
    std::map<std::string, NamedTensor> tensors;
    for (const Entry& e : entries) {
        NamedTensor t;
        t.shape = e.shape;
        int dims[4] = {1, 1, 1, 1};  // each fits an int: read_entry bounded the product
        for (size_t i = 0; i < e.shape.size(); ++i) dims[i] = int(e.shape[i]);
        t.tensor = Tensor::zeros({dims[0], dims[1], dims[2], dims[3]});  // [shape..., 1, ...]
        if (e.size > 0)
            read_exactly(in, data_start + e.begin, reinterpret_cast<char*>(t.tensor.data()), e.size,
                         path);
        tensors.emplace(e.name, std::move(t));
    }
    return tensors;
}

void safetensors_write(const std::string& path, const std::map<std::string, NamedTensor>& tensors) {
    json header = json::object();
    header[k_metadata] = {{"format", "pt"}, {"producer", "convlens"}};
    uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        if (name == k_metadata) throw Error(path + ": '" + name + "' is not a tensor name");
        if (shape_numel(t.shape) != t.tensor.numel())
            throw Error(path + ": " + name + " has shape " + shape_list(t.shape) + " but " +
                        std::to_string(t.tensor.numel()) + " values");
        const uint64_t size = uint64_t(t.tensor.numel()) * 4;
        header[name] = {
            {"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + size}}};
        offset += size;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned

    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char((uint64_t(text.size()) >> (8 * i)) & 0xff);
    bytes += text;
    bytes.reserve(bytes.size() + offset);
    for (const auto& [name, t] : tensors)  // std::map: the same order as the offsets above
        bytes.append(reinterpret_cast<const char*>(t.tensor.data()), size_t(t.tensor.numel()) * 4);
    write_file_atomic(path, bytes);
}

void safetensors_save(const std::string& path, Graph& graph) {
    std::map<std::string, NamedTensor> tensors;
    for (const GraphParam& p : graph.params()) {
        const bool fresh =
            tensors.emplace(p.name, NamedTensor{*p.param.value, param_shape(p.param)}).second;
        CL_ASSERT(fresh);
    }
    safetensors_write(path, tensors);
}

void safetensors_load(const std::string& path, Graph& graph) {
    const std::map<std::string, NamedTensor> tensors = safetensors_read(path);
    const std::vector<GraphParam> params = graph.params();
    // Check everything before copying anything, so a bad file leaves the model untouched.
    for (const GraphParam& p : params) {
        const std::vector<int64_t> want = param_shape(p.param);
        const auto it = tensors.find(p.name);
        if (it == tensors.end())
            throw Error(path + ": " + p.name + " is missing (the model expects shape " +
                        shape_list(want) + ")");
        if (it->second.shape != want)
            throw Error(path + ": " + p.name + " has shape " + shape_list(it->second.shape) +
                        ", the model expects " + shape_list(want));
    }
    if (tensors.size() != params.size()) {
        for (const auto& [name, t] : tensors) {
            bool known = false;
            for (const GraphParam& p : params) known = known || p.name == name;
            if (!known)
                throw Error(path + ": " + name + " " + shape_list(t.shape) +
                            " is not a parameter of the model '" + graph.name() + "'");
        }
    }
    for (const GraphParam& p : params) {
        const NamedTensor& t = tensors.at(p.name);
        std::memcpy(p.param.value->data(), t.tensor.data(), size_t(t.tensor.numel()) * 4);
    }
}

std::string safetensors_producer(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char size_bytes[8] = {0};
    if (!in.read(reinterpret_cast<char*>(size_bytes), 8)) return "";
    uint64_t size = 0;
    for (int i = 7; i >= 0; --i) size = (size << 8) | size_bytes[i];  // little-endian u64
    if (size == 0 || size > (uint64_t(1) << 24)) return "";
    std::string header(size_t(size), '\0');
    if (!in.read(header.data(), std::streamsize(size))) return "";
    const nlohmann::json j = nlohmann::json::parse(header, nullptr, false);
    if (j.is_discarded() || !j.contains("__metadata__")) return "";
    const nlohmann::json& meta = j["__metadata__"];
    return meta.is_object() ? meta.value("producer", std::string()) : std::string();
}

}  // namespace cl
