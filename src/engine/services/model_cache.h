// One loaded graph per model + weights for the whole window: the Draw view, Feature Maps, the
// Walkthrough and every Compare pane showing VGG16 share one 528 MB copy. A view that edits
// weights (kernel surgery) gets its own clone, made once per set of edits and kept while used.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace cl {

struct LoadedModel {
    std::string model, weights;  // as asked: a zoo name or .onnx path; "" = default weights
    std::shared_ptr<const Graph> graph;
    std::vector<std::string> class_names;
    int64_t bytes = 0;  // parameters held
};

class ModelCache {
public:
    // budget: bytes of parameters kept for models no one holds any more (least recently used
    // go first); a model in use is never dropped.
    explicit ModelCache(int64_t budget = int64_t(2) << 30) : budget_(budget) {}

    // Any thread (call it from a job: VGG16 takes seconds). Concurrent callers for one key
    // load it once; throws what the loader threw, naming the model or file.
    std::shared_ptr<const LoadedModel> get(const std::string& model, const std::string& weights);
    // A graph derived from a cached one (kernel surgery): made by `derive` once per
    // (model, weights, edit_key) and kept like a model. edit_key "" is the model itself.
    std::shared_ptr<const LoadedModel> derived(
        const std::string& model, const std::string& weights, const std::string& edit_key,
        const std::function<Graph(const Graph& original)>& derive);

    int64_t bytes() const;
    int size() const;

private:
    struct Slot {
        std::shared_ptr<const LoadedModel> loaded;
        std::shared_ptr<std::mutex> load_mutex = std::make_shared<std::mutex>();
        uint64_t last_use = 0;
    };
    std::shared_ptr<const LoadedModel> get_or_make(
        const std::string& key, const std::function<std::shared_ptr<const LoadedModel>()>& make);
    void evict();  // with mutex_ held

    const int64_t budget_;
    mutable std::mutex mutex_;
    std::map<std::string, Slot> slots_;
    uint64_t clock_ = 0;
};

}  // namespace cl
