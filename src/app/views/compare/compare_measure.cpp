// The Compare view's measurement jobs (see compare_measure.h).
#include "app/views/compare/compare_measure.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "engine/train/trainer.h"
#include "engine/util/stats.h"

namespace cl {

namespace {
// Waits until no other computation runs; false when the job was cancelled meanwhile.
bool wait_quiet(Measurer::Quiet& q, JobControl& control) {
    std::unique_lock<std::mutex> lock(q.mutex);
    while (!q.quiet && control.keep_going())
        q.changed.wait_for(lock, std::chrono::milliseconds(20));
    return control.keep_going();
}

Measurement measure_latency(Measurer::Quiet& q, const Graph& graph, const Tensor& input, int runs,
                            JobControl& control) {
    Measurement m;
    const RunControl run = control.run_control();
    std::vector<double> times;
    bool warmed = false;
    while (int(times.size()) < runs) {
        if (!wait_quiet(q, control)) return m;
        const uint64_t noise = q.noise.load();
        const Activations acts = graph.forward(input, run);
        if (acts.cancelled) return m;
        bool overlapped = false;
        {
            std::lock_guard<std::mutex> lock(q.mutex);
            overlapped = noise != q.noise.load() || !q.quiet;
        }
        if (!warmed) {
            warmed = true;  // caches, page faults of the activations, thread start-up
            continue;
        }
        if (overlapped) {
            ++m.repeated;
            continue;
        }
        times.push_back(acts.total_millis());
        control.progress(double(times.size()) / runs);
    }
    m.runs = int(times.size());
    m.median_ms = median(times);
    m.min_ms = *std::min_element(times.begin(), times.end());
    m.max_ms = *std::max_element(times.begin(), times.end());
    return m;
}

// A job's failure is a measurement with its error: the pane says what went wrong.
std::optional<Measurement> finished_measurement(const JobHandle<Measurement>& job) {
    if (!job.finished()) return std::nullopt;
    if (std::shared_ptr<const Measurement> m = job.result()) return *m;
    Measurement failed;
    failed.error = job.failed() ? job.error() : "cancelled";
    return failed;
}
}  // namespace

Measurer::Measurer(EngineServices& services)
    : services_(services), quiet_(std::make_shared<Quiet>()) {}

Measurer::~Measurer() {
    for (auto& [id, job] : jobs_) job.cancel();
}

uint64_t Measurer::latency(std::shared_ptr<const Graph> graph, Tensor input, int runs) {
    JobSpec spec;
    spec.name = graph->name() + ": measuring latency";
    spec.priority = JobPriority::Background;
    std::shared_ptr<Quiet> quiet = quiet_;
    runs = std::max(1, runs);
    JobHandle<Measurement> job = services_.jobs.submit<Measurement>(
        spec, [quiet, graph = std::move(graph), input = std::move(input), runs](JobControl& c) {
            return std::make_shared<const Measurement>(
                measure_latency(*quiet, *graph, input, runs, c));
        });
    jobs_[job.id()] = job;
    return job.id();
}

uint64_t Measurer::accuracy(std::shared_ptr<const Graph> graph, std::string dataset) {
    JobSpec spec;
    spec.name = graph->name() + ": test accuracy on " + dataset;
    spec.priority = JobPriority::Background;
    EngineServices& services = services_;
    JobHandle<Measurement> job = services_.jobs.submit<Measurement>(
        spec, [&services, graph = std::move(graph), dataset = std::move(dataset)](JobControl&) {
            std::shared_ptr<const Dataset> data = services.datasets.get(dataset, "test");
            check_dataset_fits(*graph, *data);
            const EvalResult r = evaluate(*graph, *data);
            auto m = std::make_shared<Measurement>();
            m->correct = r.correct;
            m->total = r.total;
            m->dataset = dataset;
            return std::shared_ptr<const Measurement>(std::move(m));
        });
    jobs_[job.id()] = job;
    return job.id();
}

std::optional<Measurement> Measurer::result(uint64_t id) const {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    return finished_measurement(it->second);
}

void Measurer::cancel(uint64_t id) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    it->second.cancel();
    jobs_.erase(it);
}

void Measurer::set_quiet(bool quiet) {
    {
        std::lock_guard<std::mutex> lock(quiet_->mutex);
        if (quiet == quiet_->quiet) return;
        quiet_->quiet = quiet;
        if (!quiet) ++quiet_->noise;
    }
    quiet_->changed.notify_all();
}

bool Measurer::busy() const {
    for (const auto& [id, job] : jobs_)
        if (job.running()) return true;
    return false;
}

}  // namespace cl
