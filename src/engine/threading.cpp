// One switch for both thread pools the engine uses: OpenMP loops and Eigen's GEMM.
#include "engine/threading.h"

#include <omp.h>

#include <Eigen/Core>

#include "engine/error.h"

namespace cl {

void set_thread_count(int threads) {
    if (threads < 0)
        throw Error("threads must be 0 (all cores) or more, got " + std::to_string(threads));
    const int n = threads == 0 ? omp_get_num_procs() : threads;
    omp_set_num_threads(n);
    Eigen::setNbThreads(n);
}

int thread_count() {
    return Eigen::nbThreads();
}

}  // namespace cl
