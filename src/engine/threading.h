// How many CPU threads the engine uses (Eigen's GEMM and the ops' OpenMP loops).
#pragma once

namespace cl {

void set_thread_count(int threads);  // 0 = all cores
int thread_count();

}  // namespace cl
