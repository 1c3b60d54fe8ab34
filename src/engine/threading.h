// How many CPU threads the engine uses (its own pool for inference; OpenMP and Eigen's GEMM
// for training).
#pragma once

namespace cl {

void set_thread_count(int threads);  // 0 = all cores
int thread_count();

}  // namespace cl
