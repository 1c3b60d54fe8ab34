// What the window owns once and hands to every view: one job queue over the engine's one thread
// pool, one dataset cache, one model cache. Views submit jobs and poll their handles; nothing a
// view does on the UI thread waits for the engine.
#pragma once

#include <functional>

#include "engine/services/dataset_cache.h"
#include "engine/services/job_queue.h"
#include "engine/services/model_cache.h"

namespace cl {

struct EngineServices {
    // on_change: called from job threads when something a view may show has changed.
    explicit EngineServices(std::function<void()> on_change = {})
        : jobs(2, std::move(on_change)), datasets(jobs) {}
    // The runners are joined before the caches their jobs read go away.
    ~EngineServices() { jobs.shutdown(); }
    EngineServices(const EngineServices&) = delete;
    EngineServices& operator=(const EngineServices&) = delete;

    JobQueue jobs;
    DatasetCache datasets;
    ModelCache models;
};

}  // namespace cl
