// Top-activating images (engine/explain/top_k.h) against a brute-force loop of one forward pass
// per image; the cache (keyed by weights, layer, dataset and k; a damaged file is recomputed);
// cancellation; and the time of LeNet-5's conv1 over the 10,000 MNIST test digits.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>

#include "engine/error.h"
#include "engine/explain/top_k.h"
#include "engine/model_loader.h"
#include "engine/threading.h"
#include "testing.h"

namespace cl {
namespace {

namespace fs = std::filesystem;

// n images in [0,1] of LeNet's input shape, labels 0..9.
Dataset random_digits(int n, uint32_t seed) {
    Dataset d;
    d.name = "random-" + std::to_string(seed);
    d.images = testing::random_tensor({n, 1, 28, 28}, seed, 0.0f, 1.0f);
    for (int i = 0; i < n; ++i) d.labels.push_back(uint8_t(i % 10));
    return d;
}

// One forward pass per image, every channel's maximum (first position on ties), sorted by
// value then image index.
std::vector<std::vector<TopKHit>> brute_force(const Graph& g, int node, const Dataset& d, int k) {
    const Shape out = g.node(node).shape;
    std::vector<std::vector<TopKHit>> all(size_t(out.c));
    for (int i = 0; i < d.size(); ++i) {
        const Tensor x = d.images.sample(i).clone();
        const Tensor y = g.forward(x).outputs[size_t(node)];
        for (int c = 0; c < out.c; ++c) {
            TopKHit h;
            h.image = i;
            h.value = y.at(0, c, 0, 0);
            for (int yy = 0; yy < out.h; ++yy)
                for (int xx = 0; xx < out.w; ++xx)
                    if (y.at(0, c, yy, xx) > h.value)
                        h.value = y.at(0, c, yy, xx), h.y = yy, h.x = xx;
            all[size_t(c)].push_back(h);
        }
    }
    for (auto& hits : all) {
        std::stable_sort(hits.begin(), hits.end(),
                         [](const TopKHit& a, const TopKHit& b) { return a.value > b.value; });
        hits.resize(std::min(hits.size(), size_t(k)));
    }
    return all;
}

TopKOptions no_cache(int k, int batch) {
    TopKOptions o;
    o.k = k;
    o.batch = batch;
    o.use_cache = false;
    return o;
}

TEST(TopK, EqualsBruteForceOnASmallSet) {
    const Graph g = load_model("lenet5");
    const Dataset d = random_digits(300, 1);
    for (const char* layer : {"conv1", "relu2", "fc1"}) {  // relu2: ties at 0, broken by index
        SCOPED_TRACE(layer);
        const int node = g.require(layer);
        const TopKResult r = top_k_layer(g, node, d, no_cache(9, 37));  // chunks of 37
        const auto want = brute_force(g, node, d, 9);
        ASSERT_EQ(r.channels.size(), want.size());
        const Shape in = g.input_shape();
        for (size_t c = 0; c < want.size(); ++c) {
            ASSERT_EQ(r.channels[c].size(), 9u);
            for (size_t i = 0; i < 9; ++i) {
                const TopKHit& got = r.channels[c][i];
                EXPECT_EQ(got.image, want[c][i].image) << "channel " << c << " rank " << i;
                // A batch's GEMM may sum in another order than batch 1's (fc1): float noise.
                EXPECT_NEAR(got.value, want[c][i].value, 1e-6 + 1e-5 * std::fabs(want[c][i].value));
                EXPECT_EQ(got.y, want[c][i].y);
                EXPECT_EQ(got.x, want[c][i].x);
                const InputWindow f =
                    clip_window(receptive_field(g, node, got.y, got.x), in.h, in.w);
                EXPECT_EQ(got.field.y0, f.y0);
                EXPECT_EQ(got.field.x1, f.x1);
                EXPECT_EQ(got.field.all, f.all);
            }
        }
    }
    const int relu2 = g.require("relu2");
    const auto one = top_k_channel(g, relu2, 5, d, no_cache(4, 250));
    const auto layer = top_k_layer(g, relu2, d, no_cache(4, 250));
    ASSERT_EQ(one.size(), 4u);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(one[i].image, layer.channels[5][i].image);
    EXPECT_THROW(top_k_channel(g, relu2, 16, d, no_cache(4, 250)), Error);
}

TEST(TopK, CachedPerWeightsLayerDatasetAndK) {
    Graph g = load_model("lenet5");
    const Dataset d = random_digits(120, 2);
    TopKOptions o;
    o.k = 5;
    o.cache_dir = testing::temp_dir("top_k_cache").string();
    const int node = g.require("conv2");
    const TopKResult first = top_k_layer(g, node, d, o);
    EXPECT_FALSE(first.from_cache);
    ASSERT_FALSE(first.cache_file.empty());
    EXPECT_TRUE(fs::exists(first.cache_file));
    const TopKResult second = top_k_layer(g, node, d, o);
    EXPECT_TRUE(second.from_cache);
    EXPECT_EQ(second.cache_file, first.cache_file);
    for (size_t c = 0; c < first.channels.size(); ++c)
        for (size_t i = 0; i < first.channels[c].size(); ++i) {
            EXPECT_EQ(second.channels[c][i].image, first.channels[c][i].image);
            EXPECT_EQ(second.channels[c][i].value, first.channels[c][i].value);
            EXPECT_EQ(second.channels[c][i].field.x0, first.channels[c][i].field.x0);
        }

    TopKOptions other_k = o;
    other_k.k = 6;
    EXPECT_FALSE(top_k_layer(g, node, d, other_k).from_cache);
    EXPECT_FALSE(top_k_layer(g, node, random_digits(120, 3), o).from_cache);
    EXPECT_FALSE(top_k_layer(g, g.require("conv1"), d, o).from_cache);
    const uint64_t before = graph_params_hash(g);
    for (GraphParam& p : g.params())
        if (p.name == "conv1.weight") (*p.param.value)[0] += 0.5f;
    EXPECT_NE(graph_params_hash(g), before);
    EXPECT_FALSE(top_k_layer(g, node, d, o).from_cache) << "new weights, same cache entry";

    std::ofstream(first.cache_file) << "{ damaged";
    Graph fresh = load_model("lenet5");
    const TopKResult again = top_k_layer(fresh, node, d, o);
    EXPECT_FALSE(again.from_cache);
    EXPECT_EQ(again.channels[0][0].image, first.channels[0][0].image);
    EXPECT_TRUE(top_k_layer(fresh, node, d, o).from_cache) << "rewritten after the damage";
}

TEST(TopK, CancelledRunsWriteNoCache) {
    const Graph g = load_model("lenet5");
    const Dataset d = random_digits(200, 4);
    TopKOptions o;
    o.batch = 20;
    o.cache_dir = testing::temp_dir("top_k_cancel").string();
    ExplainControl control;
    int rounds = 0, last = 0;
    control.keep_going = [&] { return ++rounds <= 2; };
    control.progress = [&](int done, int total) {
        EXPECT_EQ(total, 200);
        last = done;
    };
    const TopKResult r = top_k_layer(g, g.require("conv1"), d, o, control);
    EXPECT_TRUE(r.cancelled);
    EXPECT_TRUE(r.channels.empty());
    EXPECT_GT(last, 0);
    EXPECT_LT(last, 200);
    EXPECT_TRUE(fs::is_empty(o.cache_dir));
}

// The figure docs/explain.md reports: every channel of LeNet-5's conv1 over 10,000 digits (the
// project's MNIST is 10,000 digits: 8,000 train + 2,000 test, docs/data.md), then the same call
// again, from the cache. A measurement, not an assertion; the target is < 10 s.
TEST(TopKSpeed, LeNet5Conv1OverTenThousandDigits) {
    Dataset d;
    try {
        const Dataset train = dataset_load("mnist", "train"), test = dataset_load("mnist", "test");
        d.name = "mnist train+test";
        d.images = Tensor::zeros({train.size() + test.size(), 1, 28, 28});
        std::copy(train.images.data(), train.images.data() + train.images.numel(), d.images.data());
        std::copy(test.images.data(), test.images.data() + test.images.numel(),
                  d.images.data() + train.images.numel());
        d.labels = train.labels;
        d.labels.insert(d.labels.end(), test.labels.begin(), test.labels.end());
    } catch (const Error& e) {
        GTEST_SKIP() << e.what();
    }
    const Graph g = load_model("lenet5");
    TopKOptions o;
    o.cache_dir = testing::temp_dir("top_k_speed").string();
    const TopKResult first = top_k_layer(g, g.require("conv1"), d, o);
    const TopKResult second = top_k_layer(g, g.require("conv1"), d, o);
    std::printf(
        "lenet5 conv1, top-9 of 6 channels over %d digits at %d threads: %.3f s; again "
        "from the cache: %.3f s\n",
        d.size(), thread_count(), first.seconds, second.seconds);
    EXPECT_TRUE(second.from_cache);
    EXPECT_EQ(first.channels.size(), 6u);
}

}  // namespace
}  // namespace cl
