// Top-activating dataset images per channel (see top_k.h): batched forward passes that stop at
// the node, each chunk's best k per channel, merged in chunk order; a JSON cache keyed by hashes
// of the weights and the dataset.
#include "engine/explain/top_k.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "engine/io/atomic_file.h"

namespace cl {

namespace {

// FNV-1a's xor-then-multiply step, one 64-bit word at a time (a byte at a time costs 8x more
// on ResNet's 45 MB of weights, for no better keying).
struct Fnv1a {
    uint64_t h = 14695981039346656037ull;
    void word(uint64_t w) {
        h ^= w;
        h *= 1099511628211ull;
    }
    void bytes(const void* data, size_t n) {
        const char* p = static_cast<const char*>(data);
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            word(w);
        }
        uint64_t tail = 0;
        std::memcpy(&tail, p + i, n - i);
        word(tail ^ (uint64_t(n) << 56));  // the length, so that "a" and "a\0" differ
    }
    void text(const std::string& s) { bytes(s.data(), s.size()); }
    void shape(const Shape& s) {
        for (int v : {s.n, s.c, s.h, s.w}) word(uint64_t(uint32_t(v)));
    }
};

std::string hex(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// a before b: larger value, then lower image index.
bool better(const TopKHit& a, const TopKHit& b) {
    return a.value > b.value || (a.value == b.value && a.image < b.image);
}

void keep_best(std::vector<TopKHit>& hits, int k) {
    const size_t keep = std::min(hits.size(), size_t(k));
    std::partial_sort(hits.begin(), hits.begin() + std::ptrdiff_t(keep), hits.end(), better);
    hits.resize(keep);
}

void check_fits(const Graph& graph, int node, const Dataset& data, int k) {
    if (node < 0 || node >= graph.size())
        throw Error(graph.name() + ": top-k: no node " + std::to_string(node));
    if (k < 1) throw Error("top-k: k must be at least 1, got " + std::to_string(k));
    if (data.images.empty() || data.images.shape().n == 0)
        throw Error(data.name + ": the dataset is empty");
    const Shape in = graph.input_shape(), got = data.images.shape();
    if (got.c != in.c || got.h != in.h || got.w != in.w)
        throw Error(graph.name() + " expects " + in.chw() + " inputs, " + data.name + " has " +
                    got.chw() + " images");
}

std::string cache_key(const Graph& graph, int node, const Dataset& data, int k) {
    return "topk/1 graph=" + graph.name() + " params=" + hex(graph_params_hash(graph)) +
           " node=" + graph.node(node).name + " data=" + data.name + ":" + hex(dataset_hash(data)) +
           " k=" + std::to_string(k);
}

// The cached channels, or false when the file is missing, unreadable or for another key.
bool read_cache(const std::string& path, const std::string& key, int channels, int images,
                std::vector<std::vector<TopKHit>>& out) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return false;
    try {
        const nlohmann::json j = nlohmann::json::parse(read_file_bytes(path));
        if (j.at("key").get<std::string>() != key) return false;
        const nlohmann::json& list = j.at("channels");
        if (int(list.size()) != channels) return false;
        out.assign(size_t(channels), {});
        for (int c = 0; c < channels; ++c)
            for (const nlohmann::json& h : list[size_t(c)]) {
                TopKHit hit;
                hit.image = h.at(0).get<int>();
                hit.value = h.at(1).get<float>();
                hit.y = h.at(2).get<int>();
                hit.x = h.at(3).get<int>();
                if (hit.image < 0 || hit.image >= images) return false;
                out[size_t(c)].push_back(hit);
            }
        return true;
    } catch (const std::exception&) {
        return false;  // a damaged cache file is computed again, never an error
    }
}

// Best effort: a cache that cannot be written costs the next call its time, nothing else.
bool write_cache(const std::string& path, const std::string& key, const TopKResult& r) {
    try {
        nlohmann::json list = nlohmann::json::array();
        for (const std::vector<TopKHit>& hits : r.channels) {
            nlohmann::json row = nlohmann::json::array();
            for (const TopKHit& h : hits) row.push_back({h.image, h.value, h.y, h.x});
            list.push_back(row);
        }
        const nlohmann::json j = {{"key", key}, {"k", r.k}, {"channels", list}};
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        write_file_atomic(path, j.dump() + "\n");
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// Receptive fields depend only on the position: one walk per distinct (y, x).
void fill_fields(const Graph& graph, int node, std::vector<std::vector<TopKHit>>& channels) {
    const Shape in = graph.input_shape(), out = graph.node(node).shape;
    std::map<int, InputWindow> fields;
    for (std::vector<TopKHit>& hits : channels)
        for (TopKHit& h : hits) {
            const int at = h.y * out.w + h.x;
            auto it = fields.find(at);
            if (it == fields.end())
                it = fields
                         .emplace(at,
                                  clip_window(receptive_field(graph, node, h.y, h.x), in.h, in.w))
                         .first;
            h.field = it->second;
        }
}

}  // namespace

uint64_t graph_params_hash(const Graph& graph) {
    Fnv1a f;
    f.text(graph.name());
    f.shape(graph.input_shape());
    for (const Node& node : graph.nodes())
        for (const NamedParam& p : node.op->read_params()) {
            f.text(node.name + "." + p.name);
            f.shape(p.value->shape());
            f.bytes(p.value->data(), size_t(p.value->numel()) * sizeof(float));
        }
    return f.h;
}

uint64_t dataset_hash(const Dataset& data) {
    Fnv1a f;
    f.text(data.name);
    f.shape(data.images.shape());
    f.bytes(data.images.data(), size_t(data.images.numel()) * sizeof(float));
    f.bytes(data.labels.data(), data.labels.size());
    return f.h;
}

std::string top_k_default_cache_dir() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg) return std::string(xdg) + "/convlens/topk";
    const char* home = std::getenv("HOME");
    if (home && *home) return std::string(home) + "/.cache/convlens/topk";
    return "";
}

TopKResult top_k_layer(const Graph& graph, int node, const Dataset& data,
                       const TopKOptions& options, const ExplainControl& control) {
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    require_inference_mode(graph, "top-k");
    check_fits(graph, node, data, options.k);
    const Shape out = graph.node(node).shape;
    const int n = data.images.shape().n;
    TopKResult r;
    r.node = node;
    r.k = options.k;

    std::string key;
    if (options.use_cache) {
        const std::string dir =
            options.cache_dir.empty() ? top_k_default_cache_dir() : options.cache_dir;
        if (!dir.empty()) {
            key = cache_key(graph, node, data, options.k);
            Fnv1a f;
            f.text(key);
            r.cache_file = dir + "/" + hex(f.h) + ".json";
            if (read_cache(r.cache_file, key, out.c, n, r.channels)) {
                fill_fields(graph, node, r.channels);
                r.from_cache = true;
                r.seconds = seconds();
                return r;
            }
        }
    }

    const int chunk = chunk_for_memory(graph, node, std::max(1, options.batch));
    const int chunks = (n + chunk - 1) / chunk;
    const int area = out.h * out.w;
    const Shape s = data.images.shape();
    // [chunk][channel]: that chunk's best k
    std::vector<std::vector<std::vector<TopKHit>>> best(static_cast<size_t>(chunks));
    RunControl until_node;
    until_node.stop_after = node;
    const bool done = run_chunks(n, chunk, control, [&](int begin, int count) {
        Tensor x = Tensor::zeros({count, s.c, s.h, s.w});  // [count, C, H, W]
        const float* src = data.images.data() + int64_t(begin) * s.per_sample();
        std::copy(src, src + x.numel(), x.data());
        const Activations acts = graph.forward(x, until_node);
        const Tensor& y = acts.outputs[size_t(node)];  // [count, channels, H, W]
        std::vector<std::vector<TopKHit>>& mine = best[size_t(begin / chunk)];
        mine.assign(size_t(out.c), {});
        for (int c = 0; c < out.c; ++c) {
            std::vector<TopKHit>& hits = mine[size_t(c)];
            hits.reserve(size_t(count));
            for (int b = 0; b < count; ++b) {
                const float* plane = y.data() + (int64_t(b) * out.c + c) * area;
                int at = 0;
                float top = -std::numeric_limits<float>::infinity();
                for (int i = 0; i < area; ++i)
                    if (plane[i] > top) top = plane[i], at = i;  // NaN never wins
                TopKHit h;
                h.image = begin + b;
                h.value = top;
                h.y = at / out.w;
                h.x = at % out.w;
                hits.push_back(h);
            }
            keep_best(hits, options.k);
        }
    });
    if (!done) {
        r.cancelled = true;
        r.cache_file.clear();
        r.seconds = seconds();
        return r;
    }
    r.channels.assign(size_t(out.c), {});
    for (int c = 0; c < out.c; ++c) {
        std::vector<TopKHit>& hits = r.channels[size_t(c)];
        for (const auto& chunk_best : best)
            hits.insert(hits.end(), chunk_best[size_t(c)].begin(), chunk_best[size_t(c)].end());
        keep_best(hits, options.k);
    }
    fill_fields(graph, node, r.channels);
    if (!key.empty() && !write_cache(r.cache_file, key, r)) r.cache_file.clear();
    r.seconds = seconds();
    return r;
}

std::vector<TopKHit> top_k_channel(const Graph& graph, int node, int channel, const Dataset& data,
                                   const TopKOptions& options, const ExplainControl& control) {
    if (node >= 0 && node < graph.size() && (channel < 0 || channel >= graph.node(node).shape.c))
        throw Error(graph.name() + ": '" + graph.node(node).name + "' has " +
                    std::to_string(graph.node(node).shape.c) + " channels, no channel " +
                    std::to_string(channel));
    TopKResult r = top_k_layer(graph, node, data, options, control);
    if (r.cancelled) return {};
    return r.channels[size_t(channel)];
}

}  // namespace cl
