// The window's shared caches: one dataset and one model per key however many ask, concurrent
// askers load once, derived (edited) graphs leave the original alone, idle models are evicted.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/error.h"
#include "engine/services/engine_services.h"

namespace cl {
namespace {

TEST(ModelCache, OneGraphPerModelAndWeights) {
    ModelCache cache;
    auto a = cache.get("lenet5", "");
    auto b = cache.get("lenet5", "");
    EXPECT_EQ(a->graph.get(), b->graph.get());
    auto random = cache.get("lenet5", "none");
    EXPECT_NE(random->graph.get(), a->graph.get());
    EXPECT_EQ(cache.size(), 2);
    EXPECT_EQ(a->class_names.size(), 10u);
    EXPECT_EQ(a->bytes, a->graph->param_count() * 4);
}

TEST(ModelCache, ConcurrentCallersLoadOnce) {
    ModelCache cache;
    std::vector<std::shared_ptr<const LoadedModel>> got(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] { got[size_t(i)] = cache.get("tinyvgg", ""); });
    for (auto& t : threads) t.join();
    for (int i = 1; i < 4; ++i) EXPECT_EQ(got[size_t(i)]->graph.get(), got[0]->graph.get());
}

TEST(ModelCache, ADerivedGraphLeavesTheOriginalUntouched) {
    ModelCache cache;
    auto original = cache.get("lenet5", "");
    const float before =
        original->graph->node(original->graph->require("conv1")).param("weight")->data()[0];
    int made = 0;
    auto zero_first = [&](const Graph& g) {
        ++made;
        Graph copy = g.clone();
        for (const NamedParam& p : copy.node(copy.require("conv1")).op->params())
            if (p.name == "weight") p.value->data()[0] = 0.0f;
        return copy;
    };
    auto edited = cache.derived("lenet5", "", "conv1[0]=0", zero_first);
    auto again = cache.derived("lenet5", "", "conv1[0]=0", zero_first);
    EXPECT_EQ(made, 1);
    EXPECT_EQ(edited->graph.get(), again->graph.get());
    EXPECT_NE(edited->graph.get(), original->graph.get());
    EXPECT_EQ(edited->graph->node(edited->graph->require("conv1")).param("weight")->data()[0],
              0.0f);
    EXPECT_EQ(original->graph->node(original->graph->require("conv1")).param("weight")->data()[0],
              before);
    EXPECT_EQ(cache.derived("lenet5", "", "", zero_first)->graph.get(), original->graph.get());
}

TEST(ModelCache, IdleModelsAreEvictedOverBudgetButNotOnesInUse) {
    ModelCache cache(/*budget=*/0);
    auto held = cache.get("lenet5", "");
    cache.get("tinyvgg", "");  // nobody keeps it
    cache.get("lenet5", "none");
    // lenet5 is held; each idle one was dropped when the next arrived.
    EXPECT_LE(cache.size(), 2);
    EXPECT_EQ(cache.get("lenet5", "")->graph.get(), held->graph.get());
}

TEST(ModelCache, ALoadErrorIsThrownAndNotCached) {
    ModelCache cache;
    EXPECT_THROW(cache.get("no-such-model", ""), Error);
    EXPECT_EQ(cache.size(), 0);
}

TEST(DatasetCache, EveryAskerSharesOneCopy) {
    JobQueue jobs;
    DatasetCache cache(jobs);
    std::vector<std::shared_ptr<const Dataset>> got(3);
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&, i] { got[size_t(i)] = cache.get("mnist", "test"); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(got[0].get(), got[1].get());
    EXPECT_EQ(got[0].get(), got[2].get());
    EXPECT_GT(got[0]->size(), 0);
    EXPECT_EQ(cache.bytes(), got[0]->images.numel() * 4 + got[0]->size());
}

TEST(DatasetCache, RequestLoadsInTheBackgroundAndNeverBlocks) {
    JobQueue jobs;
    DatasetCache cache(jobs);
    std::shared_ptr<const Dataset> d = cache.request("mnist", "test");
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!d && std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        d = cache.request("mnist", "test");
    }
    ASSERT_TRUE(d);
    EXPECT_EQ(d.get(), cache.get("mnist", "test").get());
}

TEST(DatasetCache, AFailedLoadIsReportedOnce) {
    JobQueue jobs;
    DatasetCache cache(jobs);
    EXPECT_FALSE(cache.request("/no/such/folder", "test"));
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (cache.error("/no/such/folder", "test").empty() && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_NE(cache.error("/no/such/folder", "test").find("/no/such/folder"), std::string::npos);
    EXPECT_FALSE(cache.request("/no/such/folder", "test"));
    EXPECT_FALSE(cache.loading("/no/such/folder", "test"));
}

}  // namespace
}  // namespace cl
