// Unit inputs: the units that feed a unit, against boxes worked out by hand for every layer type
// of LeNet-5 and for a strided, padded, dilated, grouped convolution; the dot product of a conv or
// linear unit, recomputed term by term, against the value the engine's own forward pass produced.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/unit_inputs.h"
#include "engine/zoo/zoo.h"
#include "testing.h"

namespace cl {

namespace {
struct FeedCase {
    const char* node;
    int c, y, x;
    const char* source;
    int c0, c1, y0, y1, x0, x1;  // expected box in `source`
};

void PrintTo(const FeedCase& c, std::ostream* os) {
    *os << c.node << "(" << c.c << "," << c.y << "," << c.x << ")";
}

// LeNet-5: input 1x28x28 -> conv1 6@5x5 pad 2 -> relu1 -> pool1 2/2 -> conv2 16@5x5 -> relu2
// -> pool2 2/2 -> flatten 400 -> fc1 120 -> relu -> fc2 84 -> relu -> fc3 10 -> softmax
class LenetFeed : public ::testing::TestWithParam<FeedCase> {};

TEST_P(LenetFeed, MatchesHandComputedBox) {
    const Graph g = zoo_build("lenet5");
    const FeedCase& c = GetParam();
    const UnitRegion r = feeding_units(g, g.require(c.node), c.c, c.y, c.x);
    EXPECT_EQ(r.node, g.require(c.source));
    EXPECT_EQ(r.c0, c.c0);
    EXPECT_EQ(r.c1, c.c1);
    EXPECT_EQ(r.y0, c.y0);
    EXPECT_EQ(r.y1, c.y1);
    EXPECT_EQ(r.x0, c.x0);
    EXPECT_EQ(r.x1, c.x1);
}

INSTANTIATE_TEST_SUITE_P(Lenet, LenetFeed,
                         ::testing::Values(
                             // conv1 (0,0) reads input rows -2..2: clipped to 0..2
                             FeedCase{"conv1", 4, 0, 0, "input", 0, 0, 0, 2, 0, 2},
                             FeedCase{"conv1", 1, 10, 27, "input", 0, 0, 8, 12, 25, 27},
                             FeedCase{"relu1", 2, 5, 6, "conv1", 2, 2, 5, 5, 6, 6},
                             FeedCase{"pool1", 3, 4, 7, "relu1", 3, 3, 8, 9, 14, 15},
                             // conv2 (no padding) reads all six pool1 maps, rows y..y+4
                             FeedCase{"conv2", 9, 2, 4, "pool1", 0, 5, 2, 6, 4, 8},
                             FeedCase{"pool2", 7, 1, 2, "relu2", 7, 7, 2, 3, 4, 5},
                             // flatten unit 37 is pool2 map 1 (25 units a map), row 2, column 2
                             FeedCase{"flatten", 37, 0, 0, "pool2", 1, 1, 2, 2, 2, 2},
                             FeedCase{"fc1", 17, 0, 0, "flatten", 0, 399, 0, 0, 0, 0},
                             FeedCase{"softmax", 3, 0, 0, "fc3", 0, 9, 0, 0, 0, 0}));

TEST(UnitInputs, InputNodeHasNoFeeders) {
    const Graph g = zoo_build("lenet5");
    EXPECT_TRUE(feeding_units(g, 0, 0, 3, 3).empty());
    EXPECT_THROW(feeding_units(g, g.require("conv1"), 6, 0, 0), Error);
}

TEST(UnitInputs, RegionsThroughFlattenAndGroups) {
    GraphBuilder b("groups", ZooOptions{});
    const int x = b.input("input", {1, 4, 9, 9});
    // 6 outputs in 2 groups: outputs 0-2 read inputs 0-1, outputs 3-5 read inputs 2-3
    const int c = b.conv2d("c", x, conv(6, 3).with_stride(2).with_pad(1).with_groups(2));
    const int d = b.conv2d("d", c, conv(2, 3).with_dilation(2));  // 5x5 -> 1x1, reads rows 0,2,4
    Graph g = b.finish();
    UnitRegion r = feeding_units(g, c, 4, 1, 3);  // rows 2-1 .. 2+1, cols 6-1 .. 6+1
    EXPECT_EQ(r.c0, 2);
    EXPECT_EQ(r.c1, 3);
    EXPECT_EQ(r.y0, 1);
    EXPECT_EQ(r.y1, 3);
    EXPECT_EQ(r.x0, 5);
    EXPECT_EQ(r.x1, 7);
    r = feeding_units(g, UnitRegion{c, 1, 3, 0, 0, 4, 4});  // outputs of both groups, col 4: 7..9
    EXPECT_EQ(r.c0, 0);
    EXPECT_EQ(r.c1, 3);
    EXPECT_EQ(r.x0, 7);
    EXPECT_EQ(r.x1, 8);  // clipped
    r = feeding_units(g, d, 1, 0, 0);
    EXPECT_EQ(r.node, c);
    EXPECT_EQ(r.c1, 5);
    EXPECT_EQ(r.y1, 4);
    EXPECT_EQ(r.x1, 4);
}

struct DotCase {
    const char* node;
    int c, y, x;
    int terms;
};

void PrintTo(const DotCase& c, std::ostream* os) {
    *os << c.node << "(" << c.c << "," << c.y << "," << c.x << ")";
}

class LenetDot : public ::testing::TestWithParam<DotCase> {};

// Every conv and fc unit's dot product adds up to what the engine's forward pass computed.
TEST_P(LenetDot, AddsUpToTheEnginesOutput) {
    const Graph g = zoo_build("lenet5");
    const Activations a = g.forward(testing::random_tensor({1, 1, 28, 28}, 7, 0.0f, 1.0f));
    const DotCase& c = GetParam();
    const int node = g.require(c.node);
    const UnitDotProduct dot = unit_dot_product(g, a, node, c.c, c.y, c.x);
    EXPECT_EQ(int(dot.terms.size()), c.terms);
    EXPECT_EQ(dot.input_node, g.node(node).inputs[0]);
    const float engine = a.outputs[size_t(node)].at(0, c.c, c.y, c.x);
    EXPECT_NEAR(dot.value(), engine, 1e-4f * (1.0f + std::abs(engine)));
    EXPECT_NE(dot.value(), dot.bias) << "the products added nothing";
}

INSTANTIATE_TEST_SUITE_P(
    Lenet, LenetDot,
    ::testing::Values(DotCase{"conv1", 0, 0, 0, 25},  // corner: padding
                      DotCase{"conv1", 5, 13, 20, 25}, DotCase{"conv1", 2, 27, 27, 25},
                      DotCase{"conv2", 0, 0, 0, 150}, DotCase{"conv2", 11, 9, 4, 150},
                      DotCase{"fc1", 42, 0, 0, 400}, DotCase{"fc3", 9, 0, 0, 84}));

TEST(UnitInputs, DotProductOfAGroupedStridedDilatedConv) {
    GraphBuilder b("conv", ZooOptions{});
    const int x = b.input("input", {1, 4, 11, 11});
    const int c =
        b.conv2d("c", x, conv(6, 3).with_stride(2).with_pad(2).with_dilation(2).with_groups(2));
    Graph g = b.finish();
    const Activations a = g.forward(testing::random_tensor({1, 4, 11, 11}, 3));
    const Shape s = g.node(c).shape;
    for (int ch = 0; ch < s.c; ++ch)
        for (int y = 0; y < s.h; ++y)
            for (int xx = 0; xx < s.w; ++xx) {
                const UnitDotProduct dot = unit_dot_product(g, a, c, ch, y, xx);
                ASSERT_EQ(dot.terms.size(), 18u);
                EXPECT_EQ(dot.terms[0].channel, ch < 3 ? 0 : 2);
                EXPECT_NEAR(dot.value(), a.outputs[size_t(c)].at(0, ch, y, xx), 1e-4f)
                    << "unit " << ch << " (" << y << ", " << xx << ")";
            }
    // unit (0,0) starts at row -2: its first window row is padding
    const UnitDotProduct corner = unit_dot_product(g, a, c, 0, 0, 0);
    EXPECT_TRUE(corner.terms[0].padding);
    EXPECT_EQ(corner.terms[0].input, 0.0f);
    EXPECT_FALSE(corner.terms[4].padding);  // row 0, column 0
}

TEST(UnitInputs, DotProductOfOtherLayersThrows) {
    const Graph g = zoo_build("lenet5");
    const Activations a = g.forward(testing::random_tensor({1, 1, 28, 28}, 1, 0.0f, 1.0f));
    EXPECT_FALSE(has_dot_product(g, g.require("pool1")));
    EXPECT_TRUE(has_dot_product(g, g.require("conv2")));
    EXPECT_THROW(unit_dot_product(g, a, g.require("pool1"), 0, 0, 0), Error);
}

TEST(UnitInputs, LargestTermsByMagnitude) {
    UnitDotProduct dot;
    for (float w : {0.5f, -3.0f, 1.0f, 2.0f}) dot.terms.push_back(DotTerm{0, 0, 0, w, 1.0f, false});
    EXPECT_EQ(largest_terms(dot, 3), (std::vector<int>{1, 3, 2}));
    EXPECT_EQ(largest_terms(dot, 10).size(), 4u);
}
}  // namespace

}  // namespace cl
