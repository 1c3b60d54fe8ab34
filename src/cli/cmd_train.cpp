// `convlens train`: trains a built-in architecture on MNIST, Fashion-MNIST or a folder of IDX
// files with a live progress bar, writing the weights atomically after every epoch. Ctrl-C
// stops between batches and keeps the last finished epoch's weights.
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/cli.h"
#include "engine/error.h"
#include "engine/io/idx.h"
#include "engine/io/safetensors.h"
#include "engine/threading.h"
#include "engine/train/trainer.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {

// Set by the SIGINT handler, read between batches. A signal handler can only reach
// namespace-scope state; a lock-free atomic is safe to write from one.
std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
    g_interrupted = true;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

// Installs the handler for the lifetime of one training run.
class SigintGuard {
public:
    SigintGuard() {
        g_interrupted = false;
        previous_ = std::signal(SIGINT, on_sigint);
    }
    ~SigintGuard() { std::signal(SIGINT, previous_); }
    SigintGuard(const SigintGuard&) = delete;
    SigintGuard& operator=(const SigintGuard&) = delete;

private:
    void (*previous_)(int);
};

struct TrainCliOptions {
    std::string arch, data, out, optimizer = "adam", schedule = "cosine", init;
    std::vector<std::string> freeze;
    int epochs = 10, batch = 64, threads = 0, shift = 0;
    bool flip = false;
    double lr = 0, weight_decay = 0, momentum = 0.9;
    uint64_t seed = 1;
};

// "mnist", "fashion" (the asset naming: lenet5-fashion.safetensors), or the folder's name.
std::string dataset_short_name(const std::string& spec) {
    if (spec == "fashion-mnist") return "fashion";
    if (spec == "mnist") return "mnist";
    std::filesystem::path p(spec);
    std::string name = p.filename().string();
    if (name.empty()) name = p.parent_path().filename().string();
    return name.empty() ? "data" : name;
}

// A folder given by the user may hold only a training split.
bool has_test_split(const std::string& spec) {
    if (spec == "mnist" || spec == "fashion-mnist") return true;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(spec, ec)) {
        const std::string name = entry.path().filename().string();
        const bool test = name.rfind("t10k", 0) == 0 || name.find("test") != std::string::npos;
        if (test && name.find("idx") != std::string::npos) return true;
    }
    return false;
}

std::string clock_text(double seconds) {
    const int s = int(std::lround(std::max(0.0, seconds)));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%d:%02d", s / 60, s % 60);
    return buf;
}

// Redraws one line with \r on a terminal; elsewhere (logs, pipes) prints a plain line about
// ten times per epoch.
class ProgressPrinter {
public:
    ProgressPrinter() : tty_(isatty(STDOUT_FILENO) != 0) {}

    void batch(const TrainProgress& p) {
        const bool last = p.batch == p.batches;
        if (tty_) {
            const double now = p.elapsed_seconds;
            if (!last && now - last_draw_ < 0.1) return;
            last_draw_ = now;
            const int width = 24, filled = int(double(width) * p.batch / p.batches);
            std::string bar =
                std::string(size_t(filled), '#') + std::string(size_t(width - filled), '.');
            std::printf(
                "\r\033[Kepoch %d/%d [%s] %d/%d  loss %.4f  acc %.2f%%  %.0f samples/s  ETA %s",
                p.epoch, p.epochs, bar.c_str(), p.batch, p.batches, p.loss, 100.0 * p.accuracy,
                p.samples_per_second, clock_text(p.eta_seconds).c_str());
            std::fflush(stdout);
            drawn_ = true;
            return;
        }
        const int every = std::max(1, p.batches / 10);
        if (p.batch % every != 0 && !last) return;
        std::printf("epoch %d/%d batch %d/%d  loss %.4f  acc %.2f%%  %.0f samples/s  ETA %s\n",
                    p.epoch, p.epochs, p.batch, p.batches, p.loss, 100.0 * p.accuracy,
                    p.samples_per_second, clock_text(p.eta_seconds).c_str());
        std::fflush(stdout);
    }

    // Ends the bar's line before a line of its own is printed.
    void end_line() {
        if (tty_ && drawn_) std::printf("\r\033[K");
        drawn_ = false;
    }

private:
    bool tty_;
    bool drawn_ = false;
    double last_draw_ = -1.0;
};

int run_train(const TrainCliOptions& o) {
    set_thread_count(o.threads);
    Graph graph = zoo_build(o.arch);
    if (!o.init.empty()) safetensors_load(o.init, graph);
    const Dataset train_set = dataset_load(o.data, "train");
    Dataset test_set;
    const bool with_test = has_test_split(o.data);
    if (with_test) test_set = dataset_load(o.data, "test");

    TrainOptions t;
    t.epochs = o.epochs;
    t.batch = o.batch;
    t.seed = o.seed;
    t.max_shift = o.shift;
    t.flip = o.flip;
    t.threads = thread_count();
    t.frozen = o.freeze;
    t.optimizer.kind = optimizer_from_name(o.optimizer);
    t.optimizer.lr =
        float(o.lr > 0 ? o.lr : (t.optimizer.kind == OptimizerKind::Adam ? 1e-3 : 0.05));
    t.optimizer.weight_decay = float(o.weight_decay);
    t.optimizer.momentum = float(o.momentum);
    if (o.schedule == "cosine")
        t.schedule = LrSchedule::Cosine;
    else if (o.schedule == "constant")
        t.schedule = LrSchedule::Constant;
    else
        throw Error("unknown schedule '" + o.schedule + "' (expected cosine or constant)");
    const std::string out =
        o.out.empty() ? o.arch + "-" + dataset_short_name(o.data) + ".safetensors" : o.out;

    std::printf(
        "training %s (%lld parameters) on %s: %d training images, %s\n", o.arch.c_str(),
        static_cast<long long>(graph.param_count()), train_set.name.c_str(), train_set.size(),
        with_test ? (std::to_string(test_set.size()) + " test images").c_str() : "no test split");
    std::printf(
        "%d epochs, batch %d, %s lr %g (%s), weight decay %g, shift %d px%s, seed %llu, "
        "%d threads\n",
        t.epochs, t.batch, optimizer_name(t.optimizer.kind), double(t.optimizer.lr),
        o.schedule.c_str(), double(t.optimizer.weight_decay), t.max_shift,
        t.flip ? ", mirrored" : "", static_cast<unsigned long long>(t.seed), t.threads);
    std::fflush(stdout);

    ProgressPrinter progress;
    TrainCallbacks cb;
    cb.keep_going = [] { return !g_interrupted.load(); };
    cb.on_batch = [&](const TrainProgress& p) { progress.batch(p); };
    cb.on_epoch = [&](const EpochResult& e, Graph& g) {
        safetensors_save(out, g);
        progress.end_line();
        std::printf("epoch %d/%d: loss %.4f, train accuracy %.2f%%", e.epoch, t.epochs, e.loss,
                    100.0 * e.train_accuracy);
        if (e.test_accuracy >= 0) std::printf(", test accuracy %.2f%%", 100.0 * e.test_accuracy);
        std::printf(", %.1f s (%.0f samples/s), saved %s\n", e.seconds, e.samples_per_second,
                    out.c_str());
        std::fflush(stdout);
    };

    TrainResult result;
    {
        SigintGuard guard;
        try {
            result = train(graph, train_set, with_test ? &test_set : nullptr, t, cb);
        } catch (...) {
            progress.end_line();
            std::fflush(stdout);
            throw;
        }
    }
    progress.end_line();
    const int done = int(result.epochs.size());
    if (result.cancelled) {
        if (done == 0)
            std::printf("stopped before the first epoch finished; nothing written\n");
        else
            std::printf("stopped; %s holds the weights of epoch %d\n", out.c_str(), done);
        return 130;  // the shell's code for an interrupted program
    }
    const EpochResult& last = result.epochs.back();
    std::printf("done: %s trained %d epoch%s in %.1f s", o.arch.c_str(), done, done == 1 ? "" : "s",
                result.seconds);
    if (last.test_accuracy >= 0) std::printf(", test accuracy %.2f%%", 100.0 * last.test_accuracy);
    std::printf("; weights in %s\n", out.c_str());
    return 0;
}

}  // namespace

CommandRunner register_train(CLI::App& app) {
    auto o = std::make_shared<TrainCliOptions>();
    app.add_option("ARCH", o->arch, "Built-in architecture to train (e.g. lenet5)")->required();
    app.add_option("--data,--dataset", o->data, "mnist, fashion-mnist, or a folder of IDX files")
        ->required();
    app.add_option("--epochs", o->epochs, "Passes over the training images")->capture_default_str();
    app.add_option("--batch", o->batch, "Mini-batch size")->capture_default_str();
    app.add_option("--lr", o->lr, "Learning rate (default: 0.001 for adam, 0.05 for sgd)");
    app.add_option("--optimizer", o->optimizer, "sgd (with momentum) or adam")
        ->capture_default_str();
    app.add_option("--momentum", o->momentum, "SGD momentum")->capture_default_str();
    app.add_option("--weight-decay", o->weight_decay, "L2 weight decay")->capture_default_str();
    app.add_option("--schedule", o->schedule, "Learning-rate schedule: cosine or constant")
        ->capture_default_str();
    app.add_option("--shift", o->shift, "Augmentation: random shifts of up to this many pixels")
        ->capture_default_str();
    app.add_flag("--flip", o->flip, "Augmentation: mirror half of the images left-right");
    app.add_option("--seed", o->seed, "Seed of shuffling, shifts and dropout")
        ->capture_default_str();
    app.add_option("--threads", o->threads, "CPU threads (0 = all cores)")->capture_default_str();
    app.add_option("--init", o->init, "Start from these weights (.safetensors) instead of He init");
    app.add_option("--freeze", o->freeze,
                   "Layers to keep fixed (transfer learning), e.g. conv1,conv2")
        ->delimiter(',');
    app.add_option("--out", o->out,
                   "Weights file, written after every epoch "
                   "(default: ARCH-DATASET.safetensors)");
    return [o] { return run_train(*o); };
}

}  // namespace cl
