// The shared model cache (see model_cache.h).
#include "engine/services/model_cache.h"

#include "engine/error.h"
#include "engine/model_loader.h"

namespace cl {

namespace {
int64_t param_bytes(const Graph& graph) {
    int64_t total = 0;
    for (const Node& node : graph.nodes())
        if (node.op)
            for (const NamedParam& p : node.op->read_params()) total += p.value->numel() * 4;
    return total;
}
}  // namespace

std::shared_ptr<const LoadedModel> ModelCache::get_or_make(
    const std::string& key, const std::function<std::shared_ptr<const LoadedModel>()>& make) {
    std::shared_ptr<std::mutex> load_mutex;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Slot& s = slots_[key];
        s.last_use = ++clock_;
        if (s.loaded) return s.loaded;
        load_mutex = s.load_mutex;
    }
    std::lock_guard<std::mutex> loading(*load_mutex);  // one loader per key
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Slot& s = slots_[key];
        if (s.loaded) return s.loaded;
    }
    std::shared_ptr<const LoadedModel> loaded = make();  // may throw: nothing is cached then
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slots_[key];
    s.loaded = loaded;
    s.last_use = ++clock_;
    evict();
    return loaded;
}

std::shared_ptr<const LoadedModel> ModelCache::get(const std::string& model,
                                                   const std::string& weights) {
    return get_or_make(model + "\n" + weights, [&] {
        Graph graph = load_model(model, weights);
        if (graph.size() == 0) throw Error(model + ": the model has no layers");
        auto m = std::make_shared<LoadedModel>();
        m->model = model;
        m->weights = weights;
        m->class_names = class_names_for_model(graph, weights);
        m->bytes = param_bytes(graph);
        m->graph = std::make_shared<const Graph>(std::move(graph));
        return std::shared_ptr<const LoadedModel>(std::move(m));
    });
}

std::shared_ptr<const LoadedModel> ModelCache::derived(
    const std::string& model, const std::string& weights, const std::string& edit_key,
    const std::function<Graph(const Graph& original)>& derive) {
    std::shared_ptr<const LoadedModel> original = get(model, weights);
    if (edit_key.empty()) return original;
    return get_or_make(model + "\n" + weights + "\n" + edit_key, [&] {
        auto m = std::make_shared<LoadedModel>(*original);
        m->graph = std::make_shared<const Graph>(derive(*original->graph));
        return std::shared_ptr<const LoadedModel>(std::move(m));
    });
}

void ModelCache::evict() {
    for (;;) {
        int64_t idle_bytes = 0;
        auto oldest = slots_.end();
        for (auto it = slots_.begin(); it != slots_.end(); ++it) {
            const Slot& s = it->second;
            // Only the cache holds it: no view's snapshot or job holds the model or its graph.
            if (!s.loaded || s.loaded.use_count() > 1 || s.loaded->graph.use_count() > 1) continue;
            idle_bytes += s.loaded->bytes;
            if (oldest == slots_.end() || s.last_use < oldest->second.last_use) oldest = it;
        }
        if (idle_bytes <= budget_ || oldest == slots_.end()) return;
        oldest->second.loaded.reset();
    }
}

int64_t ModelCache::bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t total = 0;
    for (const auto& [key, s] : slots_)
        if (s.loaded) total += s.loaded->bytes;
    return total;
}

int ModelCache::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    int n = 0;
    for (const auto& [key, s] : slots_) n += s.loaded ? 1 : 0;
    return n;
}

}  // namespace cl
