// parallel_for: the engine's own thread pool, in which the calling thread works too. Jobs are
// handed out from an atomic counter; the caller takes them as well and waits only for jobs a
// worker has started, never for a worker that has not woken up yet. It is the engine's only
// pool (threading.h sets its size): a fork/join team that waits for every thread, as OpenMP's
// did, let one descheduled thread hold a whole layer for a time slice on a shared machine
// (GoogLeNet at 2 threads next to one busy process: 33 ms, against 22.5 ms at 1 thread).
#pragma once

#include <cstdint>

#include "engine/threading.h"

namespace cl {

namespace detail {
using JobFunction = void (*)(const void* body, int job);
void run_jobs(int jobs, JobFunction function, const void* body);
}  // namespace detail

// Runs body(job) for every job in [0, jobs), spread over the pool's threads and the caller;
// returns when all are done. Any thread may call it, several at once: the pool serves one batch
// at a time, and a caller that finds it taken runs its jobs itself. With two or more jobs, a
// parallel_for inside a job always runs serially on that job's thread (so a job computes the
// same thing wherever it runs: training's slices depend on it); a single job is a plain call
// and may use the pool. Jobs must not throw (the ops check their shapes before they start one).
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

// Threads a parallel_for called from here would get: thread_count(), or 1 inside a job. Ops
// size their split by it, so that work nested in a job is not cut into pieces for nothing.
int parallel_team();

}  // namespace cl
