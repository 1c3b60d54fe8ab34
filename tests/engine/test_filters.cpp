// The filters the views draw: one input channel's slice of every filter, and a node's weight.
#include <gtest/gtest.h>

#include "engine/filters.h"
#include "engine/zoo/zoo.h"

namespace cl {

TEST(Filters, SliceForOneInputChannelKeepsEveryFilterInOrder) {
    Tensor w = Tensor::zeros({2, 3, 2, 2});  // [O, I, K, K]
    for (int o = 0; o < 2; ++o)
        for (int i = 0; i < 3; ++i)
            for (int y = 0; y < 2; ++y)
                for (int x = 0; x < 2; ++x)
                    w.at(o, i, y, x) = float(1000 * o + 100 * i + 10 * y + x);
    const Tensor f = filters_for_input(w, 1);
    ASSERT_EQ(f.shape(), (Shape{1, 2, 2, 2}));
    EXPECT_EQ(f.at(0, 0, 0, 0), 100.0f);
    EXPECT_EQ(f.at(0, 0, 1, 1), 111.0f);
    EXPECT_EQ(f.at(0, 1, 0, 1), 1101.0f);
    EXPECT_EQ(f.at(0, 1, 1, 0), 1110.0f);
}

TEST(Filters, NodeWeightIsTheConvolutionsAndNothingForAReLU) {
    const Graph g = zoo_build("lenet5");
    const Tensor* conv1 = g.node(g.find("conv1")).param("weight");
    ASSERT_NE(conv1, nullptr);
    EXPECT_EQ(conv1->shape(), (Shape{6, 1, 5, 5}));
    EXPECT_EQ(g.node(g.find("relu1")).param("weight"), nullptr);
    EXPECT_EQ(g.node(0).param("weight"), nullptr);  // the input
}

}  // namespace cl
