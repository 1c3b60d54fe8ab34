// parallel_for: the engine's own thread pool, in which the calling thread works too. Jobs are
// handed out from an atomic counter; the caller takes them as well and waits only for jobs a
// worker has started, never for a worker that has not woken up yet. OpenMP's fork/join waits
// for every thread of the team, and on a shared machine a descheduled thread held a whole layer
// for a time slice (GoogLeNet at 2 threads next to one busy process: 33 ms, against 22.5 ms at
// 1 thread).
#pragma once

#include <cstdint>

namespace cl {

namespace detail {
using JobFunction = void (*)(const void* body, int job);
void run_jobs(int jobs, JobFunction function, const void* body);
}  // namespace detail

// Runs body(job) for every job in [0, jobs), spread over the pool's threads and the caller;
// returns when all are done. Serial when jobs < 2, with one thread, inside a job, inside an
// OpenMP region (training's per-slice threads) or while another thread uses the pool. Jobs must
// not throw (the ops check their shapes before they start one).
template <typename Body>
void parallel_for(int jobs, const Body& body) {
    detail::run_jobs(
        jobs, [](const void* b, int job) { (*static_cast<const Body*>(b))(job); }, &body);
}

// parallel_for when `worth_it`, else the plain loop on the calling thread (small layers: waking
// a second thread costs more than it saves).
template <typename Body>
void parallel_for_if(bool worth_it, int jobs, const Body& body) {
    if (worth_it) {
        parallel_for(jobs, body);
    } else {
        for (int job = 0; job < jobs; ++job) body(job);
    }
}

// Threads that work on a parallel_for, the caller included (set by set_thread_count).
int parallel_threads();
void set_parallel_threads(int threads);

}  // namespace cl
