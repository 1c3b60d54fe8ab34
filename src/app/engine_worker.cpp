// Forward-pass channels over the job queue (see engine_worker.h).
#include "app/engine_worker.h"

#include <exception>
#include <mutex>
#include <string>

#include "engine/error.h"
#include "engine/io/model_input.h"
#include "engine/surgery.h"

namespace cl {

// The last good result and the graph whose timing pass has run, shared by the channel's jobs
// (a superseded job may still be finishing while the next one starts).
struct EngineWorker::Channel {
    std::mutex mutex;
    std::shared_ptr<const Snapshot> good;
    std::shared_ptr<const Graph> timed_graph;  // has had its first (untimed) pass
};

namespace {
// What identifies a set of filter edits, for the model cache's derived graphs.
std::string edit_key(const Request& r) {
    std::string key;
    for (const auto& [node, channel] : r.zeroed)
        key += "zero " + node + "[" + std::to_string(channel) + "];";
    for (const FilterReplacement& f : r.replaced) {
        key += "set " + f.node + "[" + std::to_string(f.channel) + "]=";
        for (float w : f.weights) key += std::to_string(w) + ",";
        key += "b" + std::to_string(f.bias) + ";";
    }
    return key;
}

// One request, start to finish, on a job thread: the model from the cache (with the edits),
// the input, and the forward pass. A graph's first pass also pays one-time work (Winograd weight
// transforms, the first touch of its activation memory: ResNet-18's bn1 took 6 ms instead of
// 0.1), so its maps are published at once and the per-layer times come from a second pass.
std::shared_ptr<const Snapshot> run_request(EngineServices& services, const Request& request,
                                            uint64_t generation, JobControl& control,
                                            const std::shared_ptr<EngineWorker::Channel>& channel);
}  // namespace

EngineWorker::EngineWorker(EngineServices& services, std::string channel)
    : services_(services), channel_(std::move(channel)), shared_(std::make_shared<Channel>()) {}

EngineWorker::~EngineWorker() {
    job_.cancel();
}

uint64_t EngineWorker::submit(Request request) {
    const uint64_t generation = ++newest_;
    JobSpec spec;
    spec.name = request.model + ": forward pass";
    spec.priority = JobPriority::Interactive;
    spec.key = channel_;
    EngineServices& services = services_;
    std::shared_ptr<Channel> channel = shared_;
    job_ = services_.jobs.submit<Snapshot>(
        spec, [&services, request = std::move(request), generation, channel](JobControl& c) {
            try {
                return run_request(services, request, generation, c, channel);
            } catch (const std::exception& e) {
                // A failed load or pass keeps the previous good result on screen, with the
                // message: the job boundary is where the error is caught.
                std::shared_ptr<const Snapshot> good;
                {
                    std::lock_guard<std::mutex> lock(channel->mutex);
                    good = channel->good;
                }
                auto failed = std::make_shared<Snapshot>(good ? *good : Snapshot{});
                failed->generation = generation;
                failed->error = e.what();
                failed->notice.clear();
                return std::shared_ptr<const Snapshot>(failed);
            }
        });
    return generation;
}

std::shared_ptr<const Snapshot> EngineWorker::latest() const {
    if (std::shared_ptr<const Snapshot> newest = job_.result()) {
        // A cancelled job's last result is older than what the next job will bring, but still
        // the newest finished picture: keep showing it until then.
        if (!latest_ || newest->generation >= latest_->generation) latest_ = std::move(newest);
    }
    return latest_;
}

bool EngineWorker::idle() const {
    if (newest_ == 0) return true;
    const std::shared_ptr<const Snapshot> shown = latest();
    return job_.finished() && shown && shown->generation == newest_;
}

namespace {
std::shared_ptr<const Snapshot> run_request(EngineServices& services, const Request& request,
                                            uint64_t generation, JobControl& control,
                                            const std::shared_ptr<EngineWorker::Channel>& channel) {
    std::shared_ptr<const LoadedModel> model = services.models.derived(
        request.model, request.weights, request.modified() ? edit_key(request) : std::string(),
        [&](const Graph& original) {
            Graph g = zero_channels(original, request.zeroed);
            replace_filters(g, request.replaced);
            return g;
        });
    if (!control.keep_going()) return nullptr;
    std::shared_ptr<const Graph> graph = model->graph;

    ModelInput input;
    // A drawing only feeds models of its shape; other models get their usual input.
    if (request.input_tensor && request.input_tensor->shape() == graph->input_shape()) {
        input.tensor = *request.input_tensor;
        input.label = request.input_tensor_label;
    } else {
        input = request.input_path.empty()
                    ? default_input(graph->input_shape())
                    : input_from_file(request.input_path, graph->input_shape());
    }
    const RunControl run = control.run_control();
    Activations acts = graph->forward(input.tensor, run);
    if (acts.cancelled) return nullptr;

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = generation;
    snapshot->result_generation = generation;
    snapshot->request = request;
    snapshot->graph = graph;
    snapshot->activations = std::move(acts);
    snapshot->class_names = model->class_names;
    snapshot->input_label = input.label;
    snapshot->notice = input.notice;
    bool first_pass = false;
    {
        std::lock_guard<std::mutex> lock(channel->mutex);
        first_pass = channel->timed_graph != graph;
        channel->timed_graph = graph;
        channel->good = snapshot;
    }
    if (first_pass) {
        control.publish<Snapshot>(snapshot);
        Activations timed = graph->forward(input.tensor, run);
        if (timed.cancelled) return nullptr;
        auto again = std::make_shared<Snapshot>(*snapshot);
        again->activations = std::move(timed);
        snapshot = again;
        std::lock_guard<std::mutex> lock(channel->mutex);
        channel->good = snapshot;
    }
    return snapshot;
}
}  // namespace

}  // namespace cl
