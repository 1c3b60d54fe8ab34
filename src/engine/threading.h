// The one switch for how many CPU threads the engine uses: the size of its pool (parallel.h),
// which runs every parallel loop, inference and training alike. Eigen never threads on its own.
#pragma once

namespace cl {

// Threads that work on a parallel_for, the caller included; 0 = all cores this process may
// run on. Safe from any thread except from inside a parallel_for job; waits for a running
// batch of jobs to finish.
void set_thread_count(int threads);
int thread_count();

}  // namespace cl
