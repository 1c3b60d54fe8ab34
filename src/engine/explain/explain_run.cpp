// Chunked, cancellable runs for the explanations (see explain_run.h).
#include "engine/explain/explain_run.h"

#include <algorithm>
#include <exception>
#include <vector>

#include "engine/error.h"
#include "engine/parallel.h"

namespace cl {

RunControl forward_control(const ExplainControl& control) {
    RunControl rc;
    if (control.keep_going) {
        const std::function<bool()> keep_going = control.keep_going;
        rc.keep_going = [keep_going](int, int) { return keep_going(); };
    }
    return rc;
}

void require_inference_mode(const Graph& graph, const std::string& what) {
    if (graph.training())
        throw Error(graph.name() + ": " + what +
                    " explains the model as it infers; switch it out of training mode first "
                    "(set_training(false))");
}

int chunk_for_memory(const Graph& graph, int last_node, int wanted, int64_t budget_bytes) {
    CL_ASSERT(last_node >= 0 && last_node < graph.size());
    int64_t per_sample = 0;  // bytes of one image's activations, input included
    for (int i = 0; i <= last_node; ++i) per_sample += graph.node(i).shape.numel() * 4;
    const int64_t fits = budget_bytes / std::max<int64_t>(per_sample, 1);
    return int(std::max<int64_t>(1, std::min<int64_t>(wanted, fits)));
}

bool run_chunks(int items, int chunk, const ExplainControl& control,
                const std::function<void(int begin, int count)>& job) {
    CL_ASSERT(chunk >= 1);
    const int chunks = (items + chunk - 1) / chunk;
    const int per_round = std::max(1, thread_count());
    for (int first = 0; first < chunks; first += per_round) {
        if (control.keep_going && !control.keep_going()) return false;
        const int round = std::min(per_round, chunks - first);
        std::vector<std::exception_ptr> errors(static_cast<size_t>(round));
        parallel_for(round, [&](int r) {
            const int begin = (first + r) * chunk;
            try {
                job(begin, std::min(chunk, items - begin));
            } catch (...) {
                errors[size_t(r)] = std::current_exception();
            }
        });
        for (const std::exception_ptr& e : errors)
            if (e) std::rethrow_exception(e);
        if (control.progress) control.progress(std::min(items, (first + round) * chunk), items);
    }
    return true;
}

}  // namespace cl
