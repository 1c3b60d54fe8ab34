// The activation arena: one block per pass, reused only when every tensor of the earlier pass
// is gone, so results handed out stay as they were.
#include <gtest/gtest.h>

#include "engine/activation_arena.h"
#include "engine/graph.h"
#include "engine/zoo/zoo.h"
#include "testing.h"

namespace cl {
namespace {

TEST(ActivationArena, LaysOutAlignedDisjointTensorsInOneBlock) {
    ActivationArena arena;
    const std::vector<Shape> shapes{{1, 3, 5, 7}, {1, 1, 1, 1}, {2, 4, 3, 3}};
    const std::vector<Tensor> t = arena.acquire(shapes);
    ASSERT_EQ(t.size(), shapes.size());
    for (size_t i = 0; i < t.size(); ++i) {
        EXPECT_EQ(t[i].shape(), shapes[i]);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(t[i].data()) % 64, 0u) << i;
        if (i > 0) {
            EXPECT_GE(t[i].data(), t[i - 1].data() + t[i - 1].numel()) << i;
        }
    }
}

TEST(ActivationArena, ReusesABlockOnlyWhenNobodyHoldsIt) {
    ActivationArena arena;
    const std::vector<Shape> shapes{{1, 2, 8, 8}, {1, 4, 4, 4}};
    const float* first = nullptr;
    {
        const std::vector<Tensor> a = arena.acquire(shapes);
        first = a[0].data();
        const std::vector<Tensor> b = arena.acquire(shapes);  // a is held: another block
        EXPECT_NE(b[0].data(), first);
    }
    EXPECT_EQ(arena.acquire(shapes)[0].data(), first);  // both released: the first again

    Tensor view;  // a view of one map keeps the whole block in use
    const float* viewed_block = nullptr;
    {
        const std::vector<Tensor> t = arena.acquire(shapes);
        viewed_block = t[0].data();
        view = t[1].plane(0, 2);
    }
    EXPECT_NE(arena.acquire(shapes)[0].data(), viewed_block);
    EXPECT_LE(arena.blocks_kept(), ActivationArena::k_kept_blocks);
}

TEST(ActivationArena, ANewBatchSizeGetsANewLayout) {
    ActivationArena arena;
    const std::vector<Tensor> one = arena.acquire({{1, 3, 4, 4}});
    std::vector<Tensor> two = arena.acquire({{2, 3, 4, 4}});
    EXPECT_EQ(two[0].shape().n, 2);
    two[0].data()[2 * 48 - 1] = 1.0f;  // the whole tensor is addressable (ASan would tell)
    EXPECT_EQ(one[0].shape().n, 1);
}

TEST(ActivationArena, AKeptPassIsNotOverwrittenByTheNext) {
    Graph g = zoo_build("lenet5");
    const Activations kept = g.forward(testing::random_tensor(g.input_shape(), 1, 0.0f, 1.0f));
    std::vector<Tensor> copies;
    for (const Tensor& t : kept.outputs) copies.push_back(t.clone());
    for (int pass = 0; pass < 5; ++pass)  // later passes, some released at once
        g.forward(testing::random_tensor(g.input_shape(), uint32_t(2 + pass), 0.0f, 1.0f));
    for (size_t i = 0; i < copies.size(); ++i)
        EXPECT_TENSORS_CLOSE(kept.outputs[i], copies[i], 0.0f, 0.0f) << g.node(int(i)).name;
}

TEST(ActivationArena, ARecycledBlockGivesTheSameResultsAsAFreshGraph) {
    Graph g = zoo_build("tinyvgg");
    const Tensor x = testing::random_tensor(g.input_shape(), 4, 0.0f, 1.0f);
    const Tensor y = testing::random_tensor(g.input_shape(), 5, 0.0f, 1.0f);
    g.forward(x);  // dropped at once: its block now holds x's values
    const Activations again = g.forward(y);
    const Activations fresh = g.clone().forward(y);
    for (int i = 0; i < g.size(); ++i)
        EXPECT_TENSORS_CLOSE(again.outputs[size_t(i)], fresh.outputs[size_t(i)], 0.0f, 0.0f)
            << g.node(i).name;
}

}  // namespace
}  // namespace cl
