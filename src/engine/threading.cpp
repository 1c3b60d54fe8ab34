// One switch for the engine's thread pools: its own (parallel.h, every inference loop and
// GEMM), and OpenMP with Eigen's GEMM (training's per-slice threads and its backward products).
#include "engine/threading.h"

#include <omp.h>

#include <Eigen/Core>

#include "engine/error.h"
#include "engine/parallel.h"

namespace cl {

void set_thread_count(int threads) {
    if (threads < 0)
        throw Error("threads must be 0 (all cores) or more, got " + std::to_string(threads));
    const int n = threads == 0 ? omp_get_num_procs() : threads;
    omp_set_num_threads(n);
    Eigen::setNbThreads(n);
    set_parallel_threads(n);
}

int thread_count() {
    return Eigen::nbThreads();
}

}  // namespace cl
