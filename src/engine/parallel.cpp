// The pool behind parallel_for. One batch of jobs at a time: the caller publishes it, wakes
// sleeping workers, takes jobs itself, then waits for the jobs workers took. Workers spin a
// little after each batch (layers come back to back) and then sleep on a condition variable.
//
// Lifetime of a batch: it lives on the caller's stack. A worker announces itself in active_
// before it reads current_, and the caller, after clearing current_, waits for active_ to drop
// to zero; with sequentially consistent atomics no worker can reach a batch that has returned.
// Also set_thread_count (threading.h): the pool's size is the engine's one thread setting.
#include "engine/parallel.h"

#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CL_PAUSE() _mm_pause()
#else
#define CL_PAUSE() std::this_thread::yield()
#endif

namespace cl {

namespace {

struct Batch {
    detail::JobFunction function;
    const void* body;
    int jobs;
    std::atomic<int> next{0};
    std::atomic<int> done{0};
};

thread_local bool t_in_job = false;  // nested parallel_for runs serially

// Marks the calling thread as inside a job for its lifetime.
class InJob {
public:
    InJob() : outer_(t_in_job) { t_in_job = true; }
    ~InJob() { t_in_job = outer_; }
    InJob(const InJob&) = delete;
    InJob& operator=(const InJob&) = delete;

private:
    bool outer_;
};

// Cores this process may run on (its affinity mask, which a container or `taskset` narrows),
// at least 1.
int available_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
    return std::max(1, int(std::thread::hardware_concurrency()));
}

// Takes jobs from the batch until none are left.
void work_on(Batch& batch) {
    for (int job = batch.next.fetch_add(1); job < batch.jobs; job = batch.next.fetch_add(1)) {
        batch.function(batch.body, job);
        batch.done.fetch_add(1, std::memory_order_release);
    }
}

class Pool {
public:
    static Pool& instance() {
        static Pool* pool = new Pool();  // never destroyed: workers may sleep until exit
        return *pool;
    }

    int threads() const { return threads_.load(); }

    void resize(int threads) {
        std::lock_guard<std::mutex> use(in_use_);  // no batch runs meanwhile
        stop_workers();
        threads_.store(std::max(1, threads));
        stop_ = false;
        // The generation a worker starts from is read here, not in the new thread: a stop that
        // came before the thread ran would otherwise go unseen and join() would wait forever.
        const uint64_t start = generation_.load();
        for (int i = 1; i < threads_.load(); ++i)
            workers_.emplace_back([this, start] { worker(start); });
    }

    // false: the pool is busy (another caller); run the jobs serially instead.
    bool run(int jobs, detail::JobFunction function, const void* body) {
        std::unique_lock<std::mutex> use(in_use_, std::try_to_lock);
        if (!use.owns_lock()) return false;
        Batch batch;
        batch.function = function;
        batch.body = body;
        batch.jobs = jobs;
        current_.store(&batch);
        generation_.fetch_add(1);
        if (sleepers_.load() > 0) {
            std::lock_guard<std::mutex> lock(sleep_mutex_);
            wake_.notify_all();
        }
        {
            InJob in_job;
            work_on(batch);
        }
        // Only jobs a worker has started remain; wait for them.
        for (int spins = 0; batch.done.load(std::memory_order_acquire) < jobs; ++spins) {
            if (spins < 4096)
                CL_PAUSE();
            else
                std::this_thread::yield();
        }
        current_.store(nullptr);
        for (int spins = 0; active_.load() > 0; ++spins) {
            if (spins < 4096)
                CL_PAUSE();
            else
                std::this_thread::yield();
        }
        return true;
    }

private:
    Pool() { resize(available_cores()); }

    void stop_workers() {
        {
            std::lock_guard<std::mutex> lock(sleep_mutex_);
            stop_ = true;
            generation_.fetch_add(1);
        }
        wake_.notify_all();
        for (std::thread& t : workers_) t.join();
        workers_.clear();
    }

    void worker(uint64_t seen) {
        t_in_job = true;  // anything a job calls runs serially on this thread
        for (;;) {
            // Spin for the next batch (about 0.5 ms), then sleep. 2,000 pauses (50 us) were
            // enough for inference's back-to-back layers but not for training, whose optimizer
            // step between two batches outlasted them: LeNet-5 at 2 threads lost 20 %.
            bool fresh = false;
            for (int spins = 0; spins < 20000 && !fresh; ++spins) {
                fresh = generation_.load() != seen;
                if (!fresh) CL_PAUSE();
            }
            if (!fresh) {
                std::unique_lock<std::mutex> lock(sleep_mutex_);
                sleepers_.fetch_add(1);
                wake_.wait(lock, [&] { return generation_.load() != seen; });
                sleepers_.fetch_sub(1);
            }
            seen = generation_.load();
            if (stop_) return;
            active_.fetch_add(1);
            if (Batch* batch = current_.load()) work_on(*batch);
            active_.fetch_sub(1);
        }
    }

    std::atomic<int> threads_{1};
    std::vector<std::thread> workers_;
    std::mutex in_use_;  // one batch (or resize) at a time
    std::atomic<Batch*> current_{nullptr};
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> active_{0};    // workers inside work_on (or about to be)
    std::atomic<int> sleepers_{0};  // workers waiting on wake_
    std::mutex sleep_mutex_;
    std::condition_variable wake_;
    bool stop_ = false;  // written under sleep_mutex_, read after a generation change
};

}  // namespace

void set_thread_count(int threads) {
    if (threads < 0)
        throw Error("threads must be 0 (all cores) or more, got " + std::to_string(threads));
    CL_ASSERT(!t_in_job);  // a worker would wait for itself to stop
    const int n = threads == 0 ? available_cores() : threads;
    Pool& pool = Pool::instance();
    if (pool.threads() != n) pool.resize(n);
}

int thread_count() {
    return Pool::instance().threads();
}

int parallel_team() {
    return t_in_job ? 1 : Pool::instance().threads();
}

namespace detail {
void run_jobs(int jobs, JobFunction function, const void* body) {
    if (jobs <= 0) return;
    if (jobs == 1) {
        function(body, 0);
        return;
    }
    if (!t_in_job) {
        Pool& pool = Pool::instance();
        if (pool.threads() > 1 && pool.run(jobs, function, body)) return;
    }
    // One thread, inside a job, or the pool busy with another caller: the jobs run here, with
    // nested calls serial as they would be on the pool.
    InJob in_job;
    for (int job = 0; job < jobs; ++job) function(body, job);
}
}  // namespace detail

}  // namespace cl
