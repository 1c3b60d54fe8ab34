// The job queue (see job_queue.h). A job's exception is caught here, once, into its error.
#include "engine/services/job_queue.h"

#include <algorithm>
#include <exception>

namespace cl {

const char* job_status_name(JobStatus status) {
    switch (status) {
        case JobStatus::Queued:
            return "queued";
        case JobStatus::Running:
            return "running";
        case JobStatus::Done:
            return "done";
        case JobStatus::Failed:
            return "failed";
        case JobStatus::Cancelled:
            return "cancelled";
    }
    return "?";
}

bool JobState::finished() const {
    const JobStatus s = status_.load();
    return s == JobStatus::Done || s == JobStatus::Failed || s == JobStatus::Cancelled;
}

JobProgress JobState::progress() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return progress_;
}

std::string JobState::error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
}

std::shared_ptr<const void> JobState::result() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return result_;
}

bool JobControl::keep_going() const {
    return !state_.cancel_requested() && !queue_.stop_.load();
}

void JobControl::progress(double fraction, std::string text) {
    {
        std::lock_guard<std::mutex> lock(state_.mutex_);
        state_.progress_.fraction = fraction;
        state_.progress_.text = std::move(text);
    }
    queue_.notify();
}

void JobControl::publish_erased(std::shared_ptr<const void> result) {
    {
        std::lock_guard<std::mutex> lock(state_.mutex_);
        state_.result_ = std::move(result);
    }
    ++state_.results_;
    queue_.notify();
}

RunControl JobControl::run_control() const {
    RunControl control;
    control.keep_going = [this](int, int) { return keep_going(); };
    return control;
}

JobQueue::JobQueue(int runners, std::function<void()> on_change)
    : on_change_(std::move(on_change)) {
    runners = std::max(2, runners);
    for (int i = 0; i < runners; ++i)
        runners_.emplace_back([this, i] { run(/*interactive_only=*/i == 1); });
}

JobQueue::~JobQueue() {
    shutdown();
}

void JobQueue::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        for (Entry& e : queued_) e.state->status_ = JobStatus::Cancelled;
        queued_.clear();
        for (auto& s : running_) s->cancel();
    }
    cv_.notify_all();
    for (std::thread& t : runners_)
        if (t.joinable()) t.join();
}

std::shared_ptr<JobState> JobQueue::submit_erased(JobSpec spec, ErasedFn fn) {
    std::shared_ptr<JobState> state;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        state = std::make_shared<JobState>(next_id_++, std::move(spec.name), std::move(spec.key),
                                           spec.priority);
        if (!state->key().empty()) {
            // Latest wins: the older job with this key will never be looked at again.
            auto same = [&](const Entry& e) { return e.state->key() == state->key(); };
            for (Entry& e : queued_)
                if (same(e)) e.state->status_ = JobStatus::Cancelled;
            queued_.erase(std::remove_if(queued_.begin(), queued_.end(), same), queued_.end());
            for (auto& s : running_)
                if (s->key() == state->key()) s->cancel();
        }
        if (stop_) {
            state->status_ = JobStatus::Cancelled;
            return state;
        }
        queued_.push_back(Entry{state, std::move(fn)});
    }
    cv_.notify_all();
    return state;
}

bool JobQueue::take(bool interactive_only, Entry& out) {
    // Interactive first, then the oldest background job; FIFO within a priority.
    auto pick = queued_.end();
    for (auto it = queued_.begin(); it != queued_.end(); ++it) {
        if (it->state->priority() == JobPriority::Interactive) {
            pick = it;
            break;
        }
        if (!interactive_only && pick == queued_.end()) pick = it;
    }
    if (pick == queued_.end()) return false;
    out = std::move(*pick);
    queued_.erase(pick);
    return true;
}

void JobQueue::run(bool interactive_only) {
    for (;;) {
        Entry entry;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            cv_.wait(lock, [&] { return stop_ || take(interactive_only, entry); });
            if (stop_ && !entry.state) return;
            if (stop_) {
                entry.state->status_ = JobStatus::Cancelled;
                return;
            }
            entry.state->status_ = JobStatus::Running;
            running_.push_back(entry.state);
        }
        JobState& state = *entry.state;
        JobControl control(*this, state);
        JobStatus end = JobStatus::Done;
        try {
            std::shared_ptr<const void> result = entry.fn(control);
            if (result) control.publish_erased(std::move(result));
            if (!control.keep_going()) end = JobStatus::Cancelled;
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(state.mutex_);
            state.error_ = e.what();
            end = control.keep_going() ? JobStatus::Failed : JobStatus::Cancelled;
        }
        entry.fn = nullptr;  // drop what the job captured (graphs, tensors) now, not later
        {
            std::lock_guard<std::mutex> lock(mutex_);
            state.status_ = end;
            running_.erase(std::find(running_.begin(), running_.end(), entry.state));
        }
        notify();
    }
}

void JobQueue::notify() {
    if (on_change_) on_change_();
}

void JobQueue::cancel_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Entry& e : queued_) e.state->status_ = JobStatus::Cancelled;
    queued_.clear();
    for (auto& s : running_) s->cancel();
}

std::vector<std::shared_ptr<JobState>> JobQueue::active() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::shared_ptr<JobState>> out = running_;
    for (const Entry& e : queued_) out.push_back(e.state);
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a->id() < b->id(); });
    return out;
}

bool JobQueue::idle() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queued_.empty() && running_.empty();
}

}  // namespace cl
