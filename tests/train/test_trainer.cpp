// The training loop on real digits: a short run cuts the loss, a seed and a thread count give
// the same weights every time, the data-parallel split equals one big batch, Ctrl-C and a NaN
// loss keep the last good weights, frozen layers stay put, and the SHIPPED LeNet-5 weights
// reach 98 % on the 2,000 held-out digits.
#include <cmath>
#include <string>

#include "engine/error.h"
#include "engine/io/idx.h"
#include "engine/io/safetensors.h"
#include "engine/model_loader.h"
#include "engine/train/trainer.h"
#include "engine/zoo/zoo.h"
#include "testing.h"

namespace cl::testing {
namespace {

Dataset first(const Dataset& d, int n) {
    Dataset out;
    out.name = d.name;
    out.class_names = d.class_names;
    const Shape s = d.images.shape();
    out.images = Tensor::zeros({n, s.c, s.h, s.w});
    std::copy(d.images.data(), d.images.data() + out.images.numel(), out.images.data());
    out.labels.assign(d.labels.begin(), d.labels.begin() + n);
    return out;
}

const Dataset& mnist_train() {
    static const Dataset d = dataset_load("mnist", "train");
    return d;
}

std::vector<float> all_weights(Graph& g) {
    std::vector<float> out;
    for (const GraphParam& p : g.params()) {
        const std::vector<float> v = p.param.value->to_vector();
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

TrainOptions quick(int epochs, int threads) {
    TrainOptions o;
    o.epochs = epochs;
    o.batch = 32;
    o.threads = threads;
    o.optimizer.lr = 2e-3f;
    o.max_shift = 1;
    o.seed = 7;
    return o;
}

TEST(Trainer, AShortRunOnAFewHundredDigitsCutsTheLossSubstantially) {
    const Dataset train_set = first(mnist_train(), 400);
    const Dataset held_out = dataset_load("mnist", "test");
    Graph g = zoo_build("lenet5");
    const double before = evaluate(g, train_set).loss;
    const TrainResult r = train(g, train_set, nullptr, quick(4, 2));
    ASSERT_EQ(r.epochs.size(), 4u);
    const double after = evaluate(g, train_set).loss;
    EXPECT_GT(before, 1.5);
    EXPECT_LT(after, 0.35 * before) << "loss " << before << " -> " << after;
    EXPECT_LT(r.epochs.back().loss, r.epochs.front().loss);
    EXPECT_GT(evaluate(g, held_out).accuracy(), 0.75);
}

TEST(Trainer, SameSeedAndThreadsGiveIdenticalWeights) {
    const Dataset train_set = first(mnist_train(), 200);
    auto run = [&](uint64_t seed) {
        Graph g = zoo_build("lenet5");
        TrainOptions o = quick(1, 2);
        o.seed = seed;
        train(g, train_set, nullptr, o);
        return all_weights(g);
    };
    const std::vector<float> a = run(7), b = run(7), c = run(8);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(Trainer, SplittingTheBatchOverWorkersEqualsOneBatch) {
    const Dataset train_set = first(mnist_train(), 96);
    auto run = [&](int threads) {
        Graph g = zoo_build("lenet5");
        TrainOptions o = quick(1, threads);
        o.optimizer.kind = OptimizerKind::Sgd;
        o.optimizer.lr = 0.05f;
        o.batch = 48;
        train(g, train_set, nullptr, o);
        return Tensor::from_vector({int(all_weights(g).size()), 1, 1, 1}, all_weights(g));
    };
    const Tensor one = run(1);
    EXPECT_TENSORS_CLOSE(run(3), one, 1e-3f, 1e-5f);
    EXPECT_TENSORS_CLOSE(run(2), one, 1e-3f, 1e-5f);
}

TEST(Trainer, CancellingKeepsTheLastFinishedEpochsWeights) {
    const Dataset train_set = first(mnist_train(), 128);
    Graph g = zoo_build("lenet5");
    std::vector<float> saved;
    int batches_seen = 0;
    TrainCallbacks cb;
    cb.on_epoch = [&](const EpochResult&, Graph& graph) { saved = all_weights(graph); };
    cb.on_batch = [&](const TrainProgress&) { ++batches_seen; };
    cb.keep_going = [&] { return batches_seen < 6; };  // 4 batches per epoch: stop inside epoch 2
    const TrainResult r = train(g, train_set, nullptr, quick(3, 2), cb);
    EXPECT_TRUE(r.cancelled);
    ASSERT_EQ(r.epochs.size(), 1u);
    EXPECT_EQ(all_weights(g), saved);
}

TEST(Trainer, NanLossStopsNamingEpochAndBatchAndKeepsTheLastGoodWeights) {
    Dataset train_set = first(mnist_train(), 64);
    train_set.images[5 * 784 + 300] = std::nanf("");
    Graph g = zoo_build("lenet5");
    const std::vector<float> initial = all_weights(g);
    try {
        train(g, train_set, nullptr, quick(2, 2));
        FAIL() << "no error for a NaN loss";
    } catch (const Error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("NaN at epoch 1, batch "), std::string::npos) << msg;
    }
    EXPECT_EQ(all_weights(g), initial);
}

TEST(Trainer, FrozenLayersKeepTheirWeights) {
    const Dataset train_set = first(mnist_train(), 64);
    Graph g = zoo_build("lenet5");
    const std::vector<float> conv1 = g.params().front().param.value->to_vector();
    const std::vector<float> fc3 =
        g.params()[size_t(g.params().size() - 2)].param.value->to_vector();
    TrainOptions o = quick(1, 2);
    o.frozen = {"conv1", "conv2"};
    train(g, train_set, nullptr, o);
    EXPECT_EQ(g.params().front().param.value->to_vector(), conv1);
    EXPECT_NE(g.params()[size_t(g.params().size() - 2)].param.value->to_vector(), fc3);
    o.frozen = {"nope"};
    EXPECT_THROW(train(g, train_set, nullptr, o), Error);
}

TEST(Evaluate, ConfusionMatrixOfAHandBuiltClassifier) {
    // fc computes (x0, x1, x2) -> logits (x0, x1, x2): the prediction is the arg-max pixel.
    Graph g("argmax");
    g.add_input("input", {1, 1, 1, 3});
    g.add("fc", make_linear(3, 3), {0});
    for (GraphParam& p : g.params())
        if (p.name == "fc.weight")
            for (int i = 0; i < 3; ++i) p.param.value->data()[i * 3 + i] = 1.0f;
    Dataset d;
    d.name = "toy";
    d.images = Tensor::from_vector({4, 1, 1, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0});
    d.labels = {0, 1, 2, 2};
    const EvalResult r = evaluate(g, d, 3);
    EXPECT_EQ(r.correct, 3);
    EXPECT_EQ(r.total, 4);
    EXPECT_EQ(r.count(2, 1), 1);
    EXPECT_EQ(r.count(2, 2), 1);
    EXPECT_EQ(r.count(0, 0), 1);
    d.labels = {0, 1, 2, 3};
    EXPECT_THROW(evaluate(g, d), Error);
}

TEST(ShippedWeights, LeNet5MnistReaches98PercentOnTheHeldOutDigits) {
    const std::string path = default_weights_for("lenet5");
    Graph g = zoo_build("lenet5");
    safetensors_load(path, g);  // throws (fails) when the asset is missing
    const Dataset test = dataset_load("mnist", "test");
    ASSERT_EQ(test.size(), 2000);
    const EvalResult r = evaluate(g, test);
    EXPECT_GE(r.accuracy(), 0.98) << r.correct << "/" << r.total;
}

}  // namespace
}  // namespace cl::testing
