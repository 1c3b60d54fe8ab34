// The training loop. Data-parallel over the batch: each worker thread owns a replica of the
// graph (its own activations and parameter gradients), runs forward and backward on its slice,
// and the slices' gradients are summed in worker order, so a seed and a thread count always
// give the same weights. The slices are jobs of the engine's pool (parallel.h), inside which the
// ops run serially. BatchNorm normalises each replica's slice by that slice's own statistics, as
// PyTorch's DataParallel does without SyncBatchNorm; the running statistics are then averaged
// over the replicas. On one core, or with TrainOptions::threads 1, that is the whole batch.
#include "engine/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <numeric>
#include <random>

#include "engine/error.h"
#include "engine/ops/dropout.h"
#include "engine/parallel.h"
#include "engine/train/backprop.h"
#include "engine/train/loss.h"

namespace cl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Fisher-Yates on mt19937_64, whose output the C++ standard fixes: the same order with every
// standard library (std::shuffle's is implementation-defined).
void shuffle(std::vector<int>& order, std::mt19937_64& rng) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
}

// One [C,H,W] image moved down by dy and right by dx pixels, and mirrored left-right with
// `mirror`; what slides in is 0 (background).
void copy_shifted(const float* src, float* dst, const Shape& s, int dy, int dx, bool mirror) {
    for (int c = 0; c < s.c; ++c) {
        for (int y = 0; y < s.h; ++y) {
            float* out = dst + (int64_t(c) * s.h + y) * s.w;
            const int sy = y - dy;
            if (sy < 0 || sy >= s.h) {
                std::fill_n(out, s.w, 0.0f);
                continue;
            }
            const float* in = src + (int64_t(c) * s.h + sy) * s.w;
            for (int x = 0; x < s.w; ++x) {
                const int sx = x - dx;
                out[x] = (sx >= 0 && sx < s.w) ? in[sx] : 0.0f;
            }
            if (mirror) std::reverse(out, out + s.w);
        }
    }
}

bool has_op(const Graph& graph, OpKind kind) {
    for (const Node& node : graph.nodes())
        if (node.op->kind() == kind) return true;
    return false;
}

void seed_dropouts(Graph& graph, uint64_t seed) {
    for (int i = 0; i < graph.size(); ++i)
        if (graph.node(i).op->kind() == OpKind::Dropout)
            dropout_set_seed(*graph.node(i).op, seed * 1000003u + uint64_t(i));
}

bool is_frozen(const std::string& param_name, const std::vector<std::string>& frozen) {
    for (const std::string& node : frozen)
        if (param_name.compare(0, node.size() + 1, node + ".") == 0) return true;
    return false;
}

// A replica's share of one batch.
struct Worker {
    Graph* graph = nullptr;
    std::vector<GraphParam> params;  // same order as the master's graph.params()
    Tensor images;                   // [count, C, H, W]
    int offset = 0, count = 0;       // slice of the batch
    double loss = 0;
    int correct = 0;
    std::exception_ptr error;
};

// Buffers that are not optimised (BatchNorm's running mean and variance) each replica updated
// from its own slice: the master gets their mean, in worker order, before it is copied out.
void average_buffers(std::vector<Worker>& pool) {
    const size_t workers = pool.size();
    if (workers < 2) return;
    std::vector<GraphParam>& master = pool[0].params;
    for (size_t p = 0; p < master.size(); ++p) {
        if (master[p].param.grad) continue;
        Tensor& value = *master[p].param.value;
        const int64_t n = value.numel();
        for (size_t w = 1; w < workers; ++w) {
            if (pool[w].count == 0) continue;
            const float* other = pool[w].params[p].param.value->data();
            for (int64_t i = 0; i < n; ++i) value.data()[i] += other[i];
        }
        size_t active = 1;
        for (size_t w = 1; w < workers; ++w) active += pool[w].count > 0 ? 1 : 0;
        for (int64_t i = 0; i < n; ++i) value.data()[i] /= float(active);
    }
}

double cosine_lr(double lr, int64_t step, int64_t total) {
    const double pi = 3.14159265358979323846;
    return 0.5 * lr * (1.0 + std::cos(pi * double(step) / double(std::max<int64_t>(total, 1))));
}

}  // namespace

void check_dataset_fits(const Graph& graph, const Dataset& data) {
    const Shape in = graph.input_shape();
    const Shape& got = data.images.shape();
    if (data.images.empty() || data.size() == 0) throw Error(data.name + ": the dataset is empty");
    if (got.n != data.size())
        throw Error(data.name + ": " + std::to_string(got.n) + " images but " +
                    std::to_string(data.size()) + " labels");
    if (got.c != in.c || got.h != in.h || got.w != in.w)
        throw Error(graph.name() + " expects " + in.chw() + " inputs, " + data.name + " has " +
                    got.chw() + " images");
    const int classes = int(graph.node(logits_node(graph)).shape.per_sample());
    const int top = *std::max_element(data.labels.begin(), data.labels.end());
    if (top >= classes)
        throw Error(data.name + " has label " + std::to_string(top) + " but " + graph.name() +
                    " has only " + std::to_string(classes) + " outputs");
}

EvalResult evaluate(const Graph& graph, const Dataset& data, int batch) {
    check_dataset_fits(graph, data);
    if (batch < 1) throw Error("batch size must be at least 1, got " + std::to_string(batch));
    const int n = data.size();
    const int logits = logits_node(graph);
    const Shape s = data.images.shape();
    const int chunks = (n + batch - 1) / batch;
    std::vector<int> predicted(size_t(n), 0);
    std::vector<double> chunk_loss(size_t(chunks), 0.0);
    std::vector<std::exception_ptr> errors(static_cast<size_t>(chunks));
    // Graph::forward is const and keeps its state in the returned Activations, so chunks run
    // side by side on one graph; inside a job the ops stay single-threaded.
    parallel_for(chunks, [&](int c) {
        try {
            const int begin = c * batch, count = std::min(batch, n - begin);
            Tensor x = Tensor::zeros({count, s.c, s.h, s.w});  // [count, C, H, W]
            const float* src = data.images.data() + int64_t(begin) * s.per_sample();
            std::copy(src, src + x.numel(), x.data());
            const Activations acts = graph.forward(x);
            const Tensor& out = acts.outputs[size_t(logits)];
            chunk_loss[size_t(c)] =
                softmax_cross_entropy(out, &data.labels[size_t(begin)], 1.0f).loss;
            for (int i = 0; i < count; ++i) predicted[size_t(begin + i)] = arg_max(out, i);
        } catch (...) {
            errors[size_t(c)] = std::current_exception();
        }
    });
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);

    EvalResult r;
    r.classes = int(graph.node(logits).shape.per_sample());
    r.total = n;
    r.confusion.assign(size_t(r.classes) * size_t(r.classes), 0);
    for (int i = 0; i < n; ++i) {
        const int truth = data.labels[size_t(i)], guess = predicted[size_t(i)];
        ++r.confusion[size_t(truth * r.classes + guess)];
        if (truth == guess) ++r.correct;
    }
    for (double l : chunk_loss) r.loss += l;
    r.loss /= n;
    return r;
}

TrainResult train(Graph& graph, const Dataset& train_set, const Dataset* test,
                  const TrainOptions& options, const TrainCallbacks& callbacks) {
    check_dataset_fits(graph, train_set);
    if (test) check_dataset_fits(graph, *test);
    if (options.epochs < 1)
        throw Error("epochs must be at least 1, got " + std::to_string(options.epochs));
    if (options.batch < 1)
        throw Error("batch size must be at least 1, got " + std::to_string(options.batch));
    const Shape s = train_set.images.shape();
    if (options.max_shift < 0 || options.max_shift >= std::min(s.h, s.w))
        throw Error("shift must be between 0 and " + std::to_string(std::min(s.h, s.w) - 1) +
                    " pixels, got " + std::to_string(options.max_shift));
    for (const std::string& name : options.frozen) graph.require(name);

    const int n = train_set.size();
    const int batch = std::min(options.batch, n);
    const int batches = (n + batch - 1) / batch;
    const int64_t total_steps = int64_t(batches) * options.epochs;
    const int logits = logits_node(graph);
    int workers = options.threads > 0 ? options.threads : thread_count();
    workers = std::max(1, std::min(workers, batch));
    // BatchNorm's statistics over fewer than 16 samples get too noisy to train with.
    if (has_op(graph, OpKind::BatchNorm2d)) workers = std::max(1, std::min(workers, batch / 16));

    graph.set_training(true);
    seed_dropouts(graph, options.seed);
    std::vector<Graph> replicas;
    for (int w = 1; w < workers; ++w) {
        replicas.push_back(graph.clone());
        replicas.back().set_training(true);
        seed_dropouts(replicas.back(), options.seed + uint64_t(w) * 7919u);
    }
    std::vector<Worker> pool(static_cast<size_t>(workers));
    for (int w = 0; w < workers; ++w) {
        pool[size_t(w)].graph = w == 0 ? &graph : &replicas[size_t(w - 1)];
        pool[size_t(w)].params = pool[size_t(w)].graph->params();
    }
    const std::vector<GraphParam>& master = pool[0].params;
    std::vector<GraphParam> trained;
    for (const GraphParam& p : master)
        if (p.param.trainable && p.param.grad && !is_frozen(p.name, options.frozen))
            trained.push_back(p);
    Optimizer optimizer(trained, options.optimizer);

    // The last finished epoch's weights (running statistics included), restored on Ctrl-C or
    // a diverging loss.
    std::vector<Tensor> kept;
    auto keep = [&] {
        kept.clear();
        for (const GraphParam& p : master) kept.push_back(p.param.value->clone());
    };
    auto restore = [&] {
        for (size_t i = 0; i < master.size(); ++i)
            std::copy(kept[i].data(), kept[i].data() + kept[i].numel(),
                      master[i].param.value->data());
        graph.set_training(false);
    };
    keep();

    std::mt19937_64 rng(options.seed);
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::vector<uint8_t> labels(static_cast<size_t>(batch));
    TrainResult result;
    const auto run_start = Clock::now();
    double train_seconds = 0;
    int64_t samples_trained = 0, step = 0;

    for (int epoch = 1; epoch <= options.epochs && !result.cancelled; ++epoch) {
        shuffle(order, rng);
        const auto epoch_start = Clock::now();
        double epoch_loss = 0;
        int epoch_correct = 0, epoch_seen = 0;
        for (int b = 0; b < batches; ++b) {
            if (callbacks.keep_going && !callbacks.keep_going()) {
                result.cancelled = true;
                break;
            }
            const auto batch_start = Clock::now();
            const int begin = b * batch, count = std::min(batch, n - begin);
            // Slices and shifts are drawn here, in sample order, so the random stream does not
            // depend on the threads.
            for (int w = 0; w < workers; ++w) {
                Worker& wk = pool[size_t(w)];
                wk.offset = int(int64_t(count) * w / workers);
                wk.count = int(int64_t(count) * (w + 1) / workers) - wk.offset;
                if (wk.count > 0 && wk.images.shape().n != wk.count)
                    wk.images = Tensor::zeros({wk.count, s.c, s.h, s.w});
            }
            for (int w = 0; w < workers; ++w) {
                Worker& wk = pool[size_t(w)];
                for (int i = 0; i < wk.count; ++i) {
                    const int sample = order[size_t(begin + wk.offset + i)];
                    labels[size_t(wk.offset + i)] = train_set.labels[size_t(sample)];
                    const float* src = train_set.images.data() + int64_t(sample) * s.per_sample();
                    float* dst = wk.images.data() + int64_t(i) * s.per_sample();
                    int dy = 0, dx = 0;
                    if (options.max_shift > 0) {
                        const uint64_t span = uint64_t(2 * options.max_shift + 1);
                        dy = int(rng() % span) - options.max_shift;
                        dx = int(rng() % span) - options.max_shift;
                    }
                    const bool mirror = options.flip && (rng() & 1u) != 0;
                    copy_shifted(src, dst, s, dy, dx, mirror);
                }
            }
            const float scale = 1.0f / float(count);  // the loss is the batch mean
            // One job per slice; with one worker a plain call, whose ops use the pool.
            parallel_for(workers, [&](int w) {
                Worker& wk = pool[size_t(w)];
                wk.loss = 0;
                wk.correct = 0;
                if (wk.count == 0) return;
                try {
                    zero_param_grads(*wk.graph);
                    const Activations acts = wk.graph->forward(wk.images);
                    const LossResult r = softmax_cross_entropy(acts.outputs[size_t(logits)],
                                                               &labels[size_t(wk.offset)], scale);
                    graph_backward(*wk.graph, acts, logits, r.grad);
                    wk.loss = r.loss;
                    wk.correct = r.correct;
                } catch (...) {
                    wk.error = std::current_exception();
                }
            });
            double batch_loss = 0;
            int batch_correct = 0;
            for (Worker& wk : pool) {
                if (wk.error) {
                    std::exception_ptr e = wk.error;
                    wk.error = nullptr;
                    restore();
                    std::rethrow_exception(e);
                }
                batch_loss += wk.loss;
                batch_correct += wk.correct;
            }
            if (!std::isfinite(batch_loss)) {
                restore();
                const int good = int(result.epochs.size());
                throw Error("training diverged: the loss is " +
                            std::string(std::isnan(batch_loss) ? "NaN" : "infinite") +
                            " at epoch " + std::to_string(epoch) + ", batch " +
                            std::to_string(b + 1) + "; kept the weights of " +
                            (good > 0 ? "epoch " + std::to_string(good) : "the start") +
                            " (try a smaller --lr)");
            }
            // Gradients of the slices, summed in worker order (deterministic).
            for (int w = 1; w < workers; ++w) {
                const Worker& wk = pool[size_t(w)];
                if (wk.count == 0) continue;
                for (size_t p = 0; p < master.size(); ++p) {
                    if (!master[p].param.grad) continue;
                    master[p].param.grad->as_matrix(1, int(master[p].param.grad->numel())) +=
                        wk.params[p].param.grad->as_matrix(1, int(master[p].param.grad->numel()));
                }
            }
            const double lr = options.schedule == LrSchedule::Cosine
                                  ? cosine_lr(options.optimizer.lr, step, total_steps)
                                  : options.optimizer.lr;
            optimizer.set_lr(float(lr));
            optimizer.step();
            ++step;
            average_buffers(pool);
            for (int w = 1; w < workers; ++w)
                for (size_t p = 0; p < master.size(); ++p) {
                    const Tensor& from = *master[p].param.value;
                    std::copy(from.data(), from.data() + from.numel(),
                              pool[size_t(w)].params[p].param.value->data());
                }

            train_seconds += seconds_since(batch_start);
            samples_trained += count;
            epoch_loss += batch_loss;
            epoch_correct += batch_correct;
            epoch_seen += count;
            if (callbacks.on_batch) {
                TrainProgress pr;
                pr.epoch = epoch;
                pr.epochs = options.epochs;
                pr.batch = b + 1;
                pr.batches = batches;
                pr.loss = epoch_loss / epoch_seen;
                pr.accuracy = double(epoch_correct) / epoch_seen;
                pr.lr = lr;
                pr.samples_per_second = samples_trained / std::max(train_seconds, 1e-9);
                pr.elapsed_seconds = seconds_since(run_start);
                const int64_t left = total_steps - step;
                pr.eta_seconds = train_seconds / double(step) * double(left);
                callbacks.on_batch(pr);
            }
        }
        if (result.cancelled) break;

        EpochResult er;
        er.epoch = epoch;
        er.loss = epoch_loss / epoch_seen;
        er.train_accuracy = double(epoch_correct) / epoch_seen;
        er.seconds = seconds_since(epoch_start);
        er.samples_per_second = epoch_seen / std::max(er.seconds, 1e-9);
        graph.set_training(false);
        if (test) er.test_accuracy = evaluate(graph, *test, options.eval_batch).accuracy();
        keep();
        result.epochs.push_back(er);
        if (callbacks.on_epoch) callbacks.on_epoch(er, graph);
        graph.set_training(true);
    }
    if (result.cancelled) restore();
    graph.set_training(false);
    result.seconds = seconds_since(run_start);
    return result;
}

}  // namespace cl
