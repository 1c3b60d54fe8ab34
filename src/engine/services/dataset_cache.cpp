// The shared dataset cache (see dataset_cache.h).
#include "engine/services/dataset_cache.h"

#include <exception>

namespace cl {

namespace {
std::string slot_key(const std::string& spec, const std::string& split) {
    return spec + "|" + split;
}
}  // namespace

DatasetCache::Slot& DatasetCache::slot(const std::string& spec, const std::string& split) {
    return slots_[slot_key(spec, split)];
}

std::shared_ptr<const Dataset> DatasetCache::get(const std::string& spec,
                                                 const std::string& split) {
    std::shared_ptr<std::mutex> load_mutex;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Slot& s = slot(spec, split);
        if (s.data) return s.data;
        load_mutex = s.load_mutex;
    }
    std::lock_guard<std::mutex> loading(*load_mutex);  // one loader per split
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Slot& s = slot(spec, split);
        if (s.data) return s.data;
    }
    std::shared_ptr<const Dataset> data;
    try {
        data = std::make_shared<const Dataset>(dataset_load(spec, split));
    } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex_);
        slot(spec, split).error = e.what();
        throw;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slot(spec, split);
    s.data = data;
    s.error.clear();
    return data;
}

std::shared_ptr<const Dataset> DatasetCache::request(const std::string& spec,
                                                     const std::string& split) {
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slot(spec, split);
    if (s.data || !s.error.empty()) return s.data;
    if (!s.job.valid()) {
        JobSpec job;
        job.name = "loading " + spec + " (" + split + ")";
        job.priority = JobPriority::Interactive;  // short, and someone is waiting for it
        s.job = jobs_.submit<Dataset>(
            job, [this, spec, split](JobControl&) { return get(spec, split); });
    }
    return nullptr;
}

std::string DatasetCache::error(const std::string& spec, const std::string& split) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = slots_.find(slot_key(spec, split));
    return it == slots_.end() ? std::string() : it->second.error;
}

bool DatasetCache::loading(const std::string& spec, const std::string& split) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = slots_.find(slot_key(spec, split));
    return it != slots_.end() && !it->second.data && it->second.error.empty() &&
           it->second.job.running();
}

int64_t DatasetCache::bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t total = 0;
    for (const auto& [key, s] : slots_)
        if (s.data) total += s.data->images.numel() * 4 + int64_t(s.data->labels.size());
    return total;
}

}  // namespace cl
