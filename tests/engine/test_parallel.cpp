// The engine's thread pool: every job runs exactly once at any thread count, nested and
// concurrent calls complete (serially where the pool is taken), a job's nested calls stay on its
// thread wherever it runs (training's reproducibility rests on it), and resizing at once after
// a resize, or while other threads use the pool, does not hang (a worker that had not started
// yet must still see the stop).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "engine/error.h"
#include "engine/parallel.h"
#include "engine/threading.h"

namespace cl {
namespace {

std::vector<int> run_counts(int jobs) {
    std::vector<std::atomic<int>> counts(static_cast<size_t>(jobs));
    parallel_for(jobs, [&](int job) { counts[size_t(job)].fetch_add(1); });
    std::vector<int> out;
    for (const std::atomic<int>& c : counts) out.push_back(c.load());
    return out;
}

TEST(ParallelFor, EveryJobRunsOnceAtAnyThreadCount) {
    const int saved = thread_count();
    for (int threads : {1, 2, 3, 4}) {
        set_thread_count(threads);
        EXPECT_EQ(thread_count(), threads);
        EXPECT_EQ(parallel_team(), threads);
        for (int jobs : {0, 1, 2, 7, 1000}) {
            const std::vector<int> counts = run_counts(jobs);
            for (int j = 0; j < jobs; ++j)
                ASSERT_EQ(counts[size_t(j)], 1) << threads << " threads, job " << j << "/" << jobs;
        }
    }
    set_thread_count(saved);
}

TEST(ParallelFor, UsesMoreThanTheCallingThreadWhenItCan) {
    const int saved = thread_count();
    set_thread_count(2);
    std::atomic<bool> other{false};
    const std::thread::id caller = std::this_thread::get_id();
    for (int attempt = 0; attempt < 50 && !other.load(); ++attempt)
        parallel_for(64, [&](int) {
            if (std::this_thread::get_id() != caller) other = true;
            volatile double x = 0;  // a little work, so that the worker can take a job
            for (int i = 0; i < 20000; ++i) x = x + i;
        });
    EXPECT_TRUE(other.load()) << "no job ran on a pool thread";
    set_thread_count(saved);
}

TEST(ParallelFor, NestedCallsRunAndCount) {
    std::atomic<int> total{0};
    parallel_for(8, [&](int) { parallel_for(10, [&](int) { total.fetch_add(1); }); });
    EXPECT_EQ(total.load(), 80);
}

TEST(ParallelFor, ZeroMeansAllCoresAndNegativeIsAnError) {
    const int saved = thread_count();
    set_thread_count(0);
    EXPECT_GE(thread_count(), 1);
    EXPECT_LE(thread_count(), int(std::max(1u, std::thread::hardware_concurrency())));
    EXPECT_THROW(set_thread_count(-1), Error);
    set_thread_count(saved);
}

// Each job records the threads its nested jobs ran on: all must be the job's own, whether the
// job ran on a worker, on the caller, or on a second caller that found the pool taken.
std::atomic<int> g_strays{0};
void nested_round(int jobs) {
    parallel_for(jobs, [](int) {
        EXPECT_EQ(parallel_team(), 1);
        const std::thread::id mine = std::this_thread::get_id();
        parallel_for(6, [&](int) {
            if (std::this_thread::get_id() != mine) g_strays.fetch_add(1);
            volatile double x = 0;
            for (int i = 0; i < 2000; ++i) x = x + i;
        });
    });
}

TEST(ParallelFor, NestedCallsStayOnTheJobsThreadEvenWithTwoCallers) {
    const int saved = thread_count();
    set_thread_count(2);
    g_strays = 0;
    std::thread other([] {
        for (int r = 0; r < 100; ++r) nested_round(8);
    });
    for (int r = 0; r < 100; ++r) nested_round(8);
    other.join();
    EXPECT_EQ(g_strays.load(), 0);
    set_thread_count(saved);
}

TEST(ParallelFor, ASingleJobIsAPlainCallThatMayUseThePool) {
    const int saved = thread_count();
    set_thread_count(2);
    int team = 0;
    parallel_for(1, [&](int) { team = parallel_team(); });
    EXPECT_EQ(team, 2);
    set_thread_count(saved);
}

TEST(ParallelFor, TwoCallersAtOnceBothFinish) {
    std::atomic<int> a{0}, b{0};
    std::thread other([&] {
        for (int r = 0; r < 200; ++r) parallel_for(16, [&](int) { a.fetch_add(1); });
    });
    for (int r = 0; r < 200; ++r) parallel_for(16, [&](int) { b.fetch_add(1); });
    other.join();
    EXPECT_EQ(a.load(), 200 * 16);
    EXPECT_EQ(b.load(), 200 * 16);
}

TEST(ParallelFor, ResizingWhileTwoOtherThreadsRunJobsDoesNotHang) {
    const int saved = thread_count();
    std::atomic<bool> stop{false};
    std::atomic<int64_t> ran{0}, expected{0};
    auto caller = [&] {
        while (!stop.load()) {
            parallel_for(12, [&](int) { ran.fetch_add(1); });
            expected.fetch_add(12);
        }
    };
    std::thread a(caller), b(caller);
    for (int r = 0; r < 40; ++r) set_thread_count(1 + r % 3);
    stop = true;
    a.join();
    b.join();
    EXPECT_EQ(ran.load(), expected.load());
    EXPECT_GT(expected.load(), 0);
    set_thread_count(saved);
}

TEST(ParallelFor, ResizingBackToBackDoesNotHang) {
    const int saved = thread_count();
    for (int r = 0; r < 50; ++r) {
        set_thread_count(1 + r % 4);
        set_thread_count(1 + (r + 1) % 4);
    }
    EXPECT_EQ(run_counts(5), std::vector<int>(5, 1));
    set_thread_count(saved);
}

}  // namespace
}  // namespace cl
