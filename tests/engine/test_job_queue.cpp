// The job queue: results, errors, cancel, latest-wins keys, interactive before background,
// intermediate results, and a prompt shutdown with jobs still running.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/error.h"
#include "engine/services/job_queue.h"

namespace cl {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until the handle's job has finished.
template <typename T>
bool wait_finished(const JobHandle<T>& job, std::chrono::milliseconds limit = 5000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!job.finished()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

JobSpec spec(std::string name, JobPriority priority = JobPriority::Interactive,
             std::string key = {}) {
    JobSpec s;
    s.name = std::move(name);
    s.priority = priority;
    s.key = std::move(key);
    return s;
}

// Runs until cancelled (or 5 s), counting how often it checked.
std::shared_ptr<const int> spin(JobControl& control, std::atomic<bool>& started) {
    started = true;
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (control.keep_going() && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(1ms);
    return std::make_shared<const int>(-1);
}

TEST(JobQueue, DeliversTheResult) {
    JobQueue queue;
    auto job = queue.submit<int>(spec("forty-two"),
                                 [](JobControl&) { return std::make_shared<const int>(42); });
    ASSERT_TRUE(wait_finished(job));
    EXPECT_EQ(job.status(), JobStatus::Done);
    ASSERT_TRUE(job.result());
    EXPECT_EQ(*job.result(), 42);
}

TEST(JobQueue, AnExceptionBecomesTheJobsError) {
    JobQueue queue;
    auto job = queue.submit<int>(spec("bad file"), [](JobControl&) -> std::shared_ptr<const int> {
        throw Error("digits.idx: not an IDX file");
    });
    ASSERT_TRUE(wait_finished(job));
    EXPECT_EQ(job.status(), JobStatus::Failed);
    EXPECT_EQ(job.error(), "digits.idx: not an IDX file");
    EXPECT_FALSE(job.result());
}

TEST(JobQueue, CancelStopsARunningJob) {
    JobQueue queue;
    std::atomic<bool> started{false};
    auto job = queue.submit<int>(spec("long"), [&](JobControl& c) { return spin(c, started); });
    while (!started) std::this_thread::sleep_for(1ms);
    const auto t0 = std::chrono::steady_clock::now();
    job.cancel();
    ASSERT_TRUE(wait_finished(job));
    EXPECT_EQ(job.status(), JobStatus::Cancelled);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

TEST(JobQueue, ASameKeyJobSupersedesTheOlderOne) {
    JobQueue queue;
    std::atomic<bool> started{false};
    auto first = queue.submit<int>(spec("pass 1", JobPriority::Interactive, "pane"),
                                   [&](JobControl& c) { return spin(c, started); });
    while (!started) std::this_thread::sleep_for(1ms);
    auto second = queue.submit<int>(spec("pass 2", JobPriority::Interactive, "pane"),
                                    [](JobControl&) { return std::make_shared<const int>(2); });
    ASSERT_TRUE(wait_finished(first));
    ASSERT_TRUE(wait_finished(second));
    EXPECT_EQ(first.status(), JobStatus::Cancelled);
    EXPECT_EQ(second.status(), JobStatus::Done);
    EXPECT_EQ(*second.result(), 2);
}

TEST(JobQueue, AQueuedJobWithTheSameKeyNeverRuns) {
    JobQueue queue;
    std::atomic<bool> a{false}, b{false};
    // Occupy both runners so that the keyed jobs stay queued.
    auto block1 = queue.submit<int>(spec("block 1"), [&](JobControl& c) { return spin(c, a); });
    auto block2 = queue.submit<int>(spec("block 2"), [&](JobControl& c) { return spin(c, b); });
    while (!a || !b) std::this_thread::sleep_for(1ms);
    std::atomic<int> ran{0};
    auto old = queue.submit<int>(spec("old", JobPriority::Interactive, "k"), [&](JobControl&) {
        ++ran;
        return std::make_shared<const int>(1);
    });
    auto fresh = queue.submit<int>(spec("new", JobPriority::Interactive, "k"),
                                   [&](JobControl&) { return std::make_shared<const int>(2); });
    EXPECT_EQ(old.status(), JobStatus::Cancelled);
    block1.cancel();
    block2.cancel();
    ASSERT_TRUE(wait_finished(fresh));
    EXPECT_EQ(*fresh.result(), 2);
    EXPECT_EQ(ran.load(), 0);
}

TEST(JobQueue, InteractiveJobsDoNotWaitBehindABackgroundJob) {
    JobQueue queue;
    std::atomic<bool> started{false};
    auto scan = queue.submit<int>(spec("dataset scan", JobPriority::Background),
                                  [&](JobControl& c) { return spin(c, started); });
    while (!started) std::this_thread::sleep_for(1ms);
    // A second background job must wait for the first; the interactive one must not.
    std::atomic<bool> background_ran{false};
    auto later = queue.submit<int>(spec("measure", JobPriority::Background), [&](JobControl&) {
        background_ran = true;
        return std::make_shared<const int>(0);
    });
    auto stroke = queue.submit<int>(spec("forward"),
                                    [](JobControl&) { return std::make_shared<const int>(7); });
    ASSERT_TRUE(wait_finished(stroke, 1000ms));
    EXPECT_EQ(*stroke.result(), 7);
    EXPECT_FALSE(background_ran.load());
    EXPECT_TRUE(scan.running());
    scan.cancel();
    ASSERT_TRUE(wait_finished(later));
    EXPECT_TRUE(background_ran.load());
}

TEST(JobQueue, InterimResultsAndProgressAreVisibleWhileRunning) {
    JobQueue queue;
    std::atomic<int> step{0};
    std::atomic<bool> go_on{false};
    auto job = queue.submit<int>(spec("ascent"), [&](JobControl& c) {
        for (int i = 1; i <= 3; ++i) {
            c.publish(std::make_shared<const int>(i));
            c.progress(i / 3.0, "step " + std::to_string(i));
            step = i;
            while (!go_on && c.keep_going()) std::this_thread::sleep_for(1ms);
            go_on = false;
        }
        return std::shared_ptr<const int>();  // nothing more than what was published
    });
    while (step < 1) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(*job.result(), 1);
    EXPECT_EQ(job.progress().text, "step 1");
    EXPECT_TRUE(job.running());
    go_on = true;
    while (step < 2) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(*job.result(), 2);
    go_on = true;
    while (step < 3) std::this_thread::sleep_for(1ms);
    go_on = true;
    ASSERT_TRUE(wait_finished(job));
    EXPECT_EQ(job.status(), JobStatus::Done);
    EXPECT_EQ(*job.result(), 3);
    EXPECT_EQ(job.state()->result_count(), 3u);
}

TEST(JobQueue, ShutsDownPromptlyWithJobsRunningAndQueued) {
    std::atomic<bool> a{false}, b{false};
    JobHandle<int> running, queued;
    const auto t0 = std::chrono::steady_clock::now();
    {
        JobQueue queue;
        running = queue.submit<int>(spec("1"), [&](JobControl& c) { return spin(c, a); });
        queue.submit<int>(spec("2"), [&](JobControl& c) { return spin(c, b); });
        while (!a || !b) std::this_thread::sleep_for(1ms);
        queued = queue.submit<int>(spec("3"),
                                   [](JobControl&) { return std::make_shared<const int>(3); });
        EXPECT_EQ(queue.active().size(), 3u);
        EXPECT_FALSE(queue.idle());
    }
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    EXPECT_EQ(running.status(), JobStatus::Cancelled);
    EXPECT_EQ(queued.status(), JobStatus::Cancelled);
}

TEST(JobQueue, ForwardPassesStopBetweenNodesWhenCancelled) {
    JobQueue queue;
    std::atomic<bool> cancelled_pass{false};
    auto job = queue.submit<int>(spec("pass"), [&](JobControl& c) {
        RunControl control = c.run_control();
        EXPECT_TRUE(control.keep_going(0, 1));
        c.progress(0.5);
        while (c.keep_going()) std::this_thread::sleep_for(1ms);
        cancelled_pass = !control.keep_going(1, 2);
        return std::make_shared<const int>(0);
    });
    while (job.progress().fraction < 0) std::this_thread::sleep_for(1ms);
    job.cancel();
    ASSERT_TRUE(wait_finished(job));
    EXPECT_TRUE(cancelled_pass.load());
}

}  // namespace
}  // namespace cl
