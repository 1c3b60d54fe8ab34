// One queue of cancellable jobs for the whole window (after ImHex's TaskManager): every forward
// pass, dataset load, image decode, measurement or scan that a view needs is a job with a name,
// a priority, progress and a cancel flag. Views submit a job and poll its handle each frame; the
// UI thread never waits for one. Headless and testable: nothing here knows about ImGui or GL.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/graph.h"

namespace cl {

// Interactive jobs (a stroke's forward pass, a pane's new input) run before background ones
// (a latency measurement, a dataset scan, training), and one runner thread takes only
// interactive jobs, so a long background job never delays what the user is looking at.
enum class JobPriority { Interactive = 0, Background = 1 };

enum class JobStatus { Queued, Running, Done, Failed, Cancelled };
const char* job_status_name(JobStatus status);

struct JobProgress {
    double fraction = -1.0;  // 0..1; negative: unknown (a spinner, not a bar)
    std::string text;        // "image 4,000 of 10,000"
};

// The shared state of one job: written by its runner, read by the UI through a JobHandle.
class JobState {
public:
    JobState(uint64_t id, std::string name, std::string key, JobPriority priority)
        : id_(id), name_(std::move(name)), key_(std::move(key)), priority_(priority) {}

    uint64_t id() const { return id_; }
    const std::string& name() const { return name_; }
    const std::string& key() const { return key_; }
    JobPriority priority() const { return priority_; }

    JobStatus status() const { return status_.load(); }
    bool finished() const;  // Done, Failed or Cancelled
    bool cancel_requested() const { return cancel_.load(); }
    void cancel() { cancel_ = true; }
    JobProgress progress() const;
    std::string error() const;  // one line, for Failed
    // The newest result the job published (intermediate or final), nullptr before any.
    std::shared_ptr<const void> result() const;
    uint64_t result_count() const { return results_.load(); }  // how many were published

private:
    friend class JobQueue;
    friend class JobControl;
    const uint64_t id_;
    const std::string name_, key_;
    const JobPriority priority_;
    std::atomic<JobStatus> status_{JobStatus::Queued};
    std::atomic<bool> cancel_{false};
    std::atomic<uint64_t> results_{0};
    mutable std::mutex mutex_;
    JobProgress progress_;
    std::string error_;
    std::shared_ptr<const void> result_;
};

class JobQueue;

// What a running job's function gets: the cancel check, progress reports and publishing of
// results. A job publishes as often as it likes (activation maximisation step by step, training
// curves per batch); the UI sees the newest.
class JobControl {
public:
    JobControl(JobQueue& queue, JobState& state) : queue_(queue), state_(state) {}
    bool keep_going() const;  // false once cancelled, superseded, or the queue stops
    void progress(double fraction, std::string text = {});
    template <typename T>
    void publish(std::shared_ptr<const T> result) {
        publish_erased(std::static_pointer_cast<const void>(std::move(result)));
    }
    // For Graph::forward: stops between nodes once keep_going() is false.
    RunControl run_control() const;

private:
    friend class JobQueue;
    void publish_erased(std::shared_ptr<const void> result);
    JobQueue& queue_;
    JobState& state_;
};

// A typed view of one job. Empty (no job) until assigned from submit().
template <typename T>
class JobHandle {
public:
    JobHandle() = default;
    explicit JobHandle(std::shared_ptr<JobState> state) : state_(std::move(state)) {}
    bool valid() const { return state_ != nullptr; }
    explicit operator bool() const { return valid(); }
    uint64_t id() const { return state_ ? state_->id() : 0; }
    JobStatus status() const { return state_ ? state_->status() : JobStatus::Cancelled; }
    bool finished() const { return !state_ || state_->finished(); }
    bool running() const { return state_ && !state_->finished(); }
    bool failed() const { return state_ && state_->status() == JobStatus::Failed; }
    std::string error() const { return state_ ? state_->error() : std::string(); }
    JobProgress progress() const { return state_ ? state_->progress() : JobProgress{}; }
    std::shared_ptr<const T> result() const {
        return state_ ? std::static_pointer_cast<const T>(state_->result()) : nullptr;
    }
    void cancel() const {
        if (state_) state_->cancel();
    }
    void reset() { state_.reset(); }
    const std::shared_ptr<JobState>& state() const { return state_; }

private:
    std::shared_ptr<JobState> state_;
};

struct JobSpec {
    std::string name;  // shown in the window's job list: "VGG16: forward pass"
    JobPriority priority = JobPriority::Interactive;
    // Latest wins: a new job with the same non-empty key cancels the queued or running one.
    std::string key;
};

class JobQueue {
public:
    // runners: threads that run jobs (at least 2: one of them takes only interactive jobs).
    // on_change is called from runner threads whenever a job publishes, progresses or ends
    // (the GUI passes glfwPostEmptyEvent to wake its idle loop).
    explicit JobQueue(int runners = 2, std::function<void()> on_change = {});
    ~JobQueue();  // cancels everything, then joins the runners
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    // The function returns the job's final result (or nullptr if it only published); an
    // exception it throws makes the job Failed with e.what() as its error: this is one of the
    // places where errors are caught.
    template <typename T>
    JobHandle<T> submit(JobSpec spec, std::function<std::shared_ptr<const T>(JobControl&)> fn) {
        return JobHandle<T>(submit_erased(std::move(spec), [fn = std::move(fn)](JobControl& c) {
            return std::static_pointer_cast<const void>(fn(c));
        }));
    }

    void cancel_all();
    // Cancels everything and joins the runners; later submits are cancelled at once. The
    // destructor calls it; an owner whose jobs read its other members calls it first.
    void shutdown();
    // Every job not yet finished, oldest first, for the window's job list.
    std::vector<std::shared_ptr<JobState>> active() const;
    bool idle() const;  // nothing queued or running
    int runner_count() const { return int(runners_.size()); }

private:
    friend class JobControl;
    using ErasedFn = std::function<std::shared_ptr<const void>(JobControl&)>;
    struct Entry {
        std::shared_ptr<JobState> state;
        ErasedFn fn;
    };
    std::shared_ptr<JobState> submit_erased(JobSpec spec, ErasedFn fn);
    void run(bool interactive_only);
    bool take(bool interactive_only, Entry& out);  // with mutex_ held
    void notify();

    std::function<void()> on_change_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Entry> queued_;
    std::vector<std::shared_ptr<JobState>> running_;
    uint64_t next_id_ = 1;
    std::atomic<bool> stop_{false};
    std::vector<std::thread> runners_;  // last: start after every member above exists
};

}  // namespace cl
