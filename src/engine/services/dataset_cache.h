// Each dataset split (MNIST test digits, Fashion-MNIST, a folder of IDX files) loaded once per
// window and shared read-only by every view that shows or scans it: 31 MB of MNIST in memory
// once, not once per view. Loads run as background jobs; the UI asks without ever waiting.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/io/idx.h"
#include "engine/services/job_queue.h"

namespace cl {

class DatasetCache {
public:
    explicit DatasetCache(JobQueue& jobs) : jobs_(jobs) {}

    // UI thread: the dataset if it is loaded; otherwise starts its load (once) as a job and
    // returns nullptr. error() says why a load failed.
    std::shared_ptr<const Dataset> request(const std::string& spec, const std::string& split);
    std::string error(const std::string& spec, const std::string& split) const;
    bool loading(const std::string& spec, const std::string& split) const;

    // Any thread (a job): the dataset, loading it here if no one has; throws what the loader
    // threw. Concurrent callers for one split load it once.
    std::shared_ptr<const Dataset> get(const std::string& spec, const std::string& split);

    int64_t bytes() const;  // images and labels held

private:
    struct Slot {
        std::shared_ptr<const Dataset> data;
        std::string error;
        JobHandle<Dataset> job;
        std::shared_ptr<std::mutex> load_mutex = std::make_shared<std::mutex>();
    };
    Slot& slot(const std::string& spec, const std::string& split);  // with mutex_ held

    JobQueue& jobs_;
    mutable std::mutex mutex_;
    std::map<std::string, Slot> slots_;  // key "spec|split"
};

}  // namespace cl
