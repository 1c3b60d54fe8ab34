// The engine worker thread (see engine_worker.h). Exceptions are caught here, once, into
// Snapshot::error; a failed load or pass keeps the previous good result on screen.
#include "app/engine_worker.h"

#include <exception>

#include "engine/error.h"
#include "engine/io/model_input.h"
#include "engine/model_loader.h"
#include "engine/surgery.h"

namespace cl {

EngineWorker::EngineWorker(std::function<void()> wake)
    : wake_(std::move(wake)), thread_([this] { run(); }) {}

EngineWorker::~EngineWorker() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        pending_.reset();
    }
    cv_.notify_all();
    thread_.join();
}

uint64_t EngineWorker::submit(Request request) {
    uint64_t generation = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        generation = newest_.load() + 1;
        newest_ = generation;  // a running pass sees this and stops between nodes
        pending_ = std::make_pair(std::move(request), generation);
    }
    cv_.notify_all();
    return generation;
}

std::shared_ptr<const Snapshot> EngineWorker::latest() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return latest_;
}

bool EngineWorker::idle() const {
    return answered_.load() == newest_.load();
}

void EngineWorker::publish(std::shared_ptr<const Snapshot> snapshot) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        latest_ = snapshot;
    }
    answered_ = snapshot->generation;
    if (wake_) wake_();
}

void EngineWorker::show(std::shared_ptr<const Snapshot> snapshot) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        latest_ = std::move(snapshot);
    }
    if (wake_) wake_();
}

void EngineWorker::run() {
    for (;;) {
        std::pair<Request, uint64_t> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            cv_.wait(lock, [this] { return stop_ || pending_.has_value(); });
            if (stop_) return;
            job = std::move(*pending_);
            pending_.reset();
        }
        std::shared_ptr<const Snapshot> result;
        try {
            result = process(job.first, job.second);
        } catch (const std::exception& e) {
            auto failed = std::make_shared<Snapshot>(good_ ? *good_ : Snapshot{});
            failed->generation = job.second;
            failed->error = e.what();
            failed->notice.clear();
            result = failed;
        }
        if (result) publish(result);  // nullptr: cancelled, a newer request is pending
    }
}

std::shared_ptr<const Snapshot> EngineWorker::process(const Request& request, uint64_t generation) {
    if (!graph_ || request.model != graph_request_.model ||
        request.weights != graph_request_.weights) {
        // Loading may take seconds (VGG16's He initialisation); the UI keeps drawing meanwhile.
        Graph graph = load_model(request.model, request.weights);
        if (graph.size() == 0) throw Error(request.model + ": the model has no layers");
        class_names_ = class_names_for_model(graph, request.weights);
        graph_ = std::make_shared<const Graph>(std::move(graph));
        graph_request_ = request;
        modified_.reset();
    }
    std::shared_ptr<const Graph> run_graph = graph_;
    if (request.modified()) {
        if (!modified_ || modified_for_.zeroed != request.zeroed ||
            modified_for_.replaced != request.replaced) {
            Graph g = zero_channels(*graph_, request.zeroed);
            replace_filters(g, request.replaced);
            modified_ = std::make_shared<const Graph>(std::move(g));
            modified_for_ = request;
        }
        run_graph = modified_;
    }
    if (newest_.load() != generation || stop_) return nullptr;

    ModelInput input;
    // A drawing only feeds models of its shape; other models get their usual input.
    if (request.input_tensor && request.input_tensor->shape() == graph_->input_shape()) {
        input.tensor = *request.input_tensor;
        input.label = request.input_tensor_label;
    } else {
        input = request.input_path.empty()
                    ? default_input(graph_->input_shape())
                    : input_from_file(request.input_path, graph_->input_shape());
    }
    RunControl control;
    control.keep_going = [this, generation](int, int) {
        return !stop_ && newest_.load() == generation;
    };
    Activations acts = run_graph->forward(input.tensor, control);
    if (acts.cancelled) return nullptr;

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = generation;
    snapshot->result_generation = generation;
    snapshot->request = request;
    snapshot->graph = run_graph;
    snapshot->activations = std::move(acts);
    snapshot->class_names = class_names_;
    snapshot->input_label = input.label;
    snapshot->notice = input.notice;
    if (run_graph != timed_graph_) {
        // A graph's first pass also pays one-time work (Winograd weight transforms, the first
        // touch of its activation memory: ResNet-18's bn1 took 6 ms instead of 0.1). Its maps
        // are shown at once; the per-layer times come from a second pass, which answers.
        timed_graph_ = run_graph;
        good_ = snapshot;
        show(snapshot);
        Activations timed = run_graph->forward(input.tensor, control);
        if (timed.cancelled) return nullptr;
        auto again = std::make_shared<Snapshot>(*snapshot);
        again->activations = std::move(timed);
        snapshot = again;
    }
    good_ = snapshot;
    return snapshot;
}

}  // namespace cl
