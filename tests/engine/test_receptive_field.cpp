// Receptive-field geometry against windows computed by hand for LeNet-5 and for small graphs
// with stride, padding, dilation, pooling, element-wise and fully connected layers.
#include <gtest/gtest.h>

#include "engine/receptive_field.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
struct RfCase {
    const char* node;
    int y, x;
    InputWindow expected;  // unclipped
};

void PrintTo(const RfCase& c, std::ostream* os) {
    *os << c.node << "(" << c.y << "," << c.x << ")";
}

void expect_window(const InputWindow& got, const InputWindow& want) {
    EXPECT_EQ(got.all, want.all);
    if (want.all) return;
    EXPECT_EQ(got.y0, want.y0);
    EXPECT_EQ(got.x0, want.x0);
    EXPECT_EQ(got.y1, want.y1);
    EXPECT_EQ(got.x1, want.x1);
}

// input 1x28x28 -> conv1 5x5 pad 2 -> relu1 -> pool1 2/2 -> conv2 5x5 -> relu2 -> pool2 2/2 ->
// flatten -> fc1 ... (ZooOptions default: He weights, geometry only)
class LenetRf : public ::testing::TestWithParam<RfCase> {};

TEST_P(LenetRf, MatchesHandComputedWindow) {
    const Graph g = zoo_build("lenet5");
    const RfCase& c = GetParam();
    expect_window(receptive_field(g, g.require(c.node), c.y, c.x), c.expected);
}

// pool2 (0,0) <- conv2 rows 0..1 <- pool1 rows 0..5 <- conv1 rows 0..11 <- input 0-2 .. 11-2+4.
INSTANTIATE_TEST_SUITE_P(Lenet, LenetRf,
                         ::testing::Values(RfCase{"input", 3, 4, {3, 4, 3, 4, false}},
                                           RfCase{"conv1", 0, 0, {-2, -2, 2, 2, false}},
                                           RfCase{"conv1", 10, 3, {8, 1, 12, 5, false}},
                                           RfCase{"relu1", 10, 3, {8, 1, 12, 5, false}},
                                           RfCase{"pool1", 0, 0, {-2, -2, 3, 3, false}},
                                           RfCase{"conv2", 0, 0, {-2, -2, 11, 11, false}},
                                           RfCase{"pool2", 0, 0, {-2, -2, 13, 13, false}},
                                           RfCase{"pool2", 4, 2, {14, 6, 29, 21, false}},
                                           RfCase{"fc1", 0, 0, {0, 0, -1, -1, true}},
                                           RfCase{"softmax", 0, 0, {0, 0, -1, -1, true}}));

TEST(ReceptiveField, StridePaddingAndDilation) {
    GraphBuilder b("rf", ZooOptions{});
    int x = b.input("input", {1, 1, 32, 32});
    const int c1 = b.conv2d("c1", x, conv(2, 3).with_stride(2).with_pad(1));  // 2x16x16
    const int c2 = b.conv2d("c2", c1, conv(2, 3).with_dilation(2));           // 2x12x12
    const int p = b.avgpool("p", c2, pool(3, 3).with_pad(1));                 // 2x4x4
    const int gap = b.global_avgpool("gap", p);
    Graph g = b.finish();
    // c1 (y,x) reads input 2y-1 .. 2y+1
    expect_window(receptive_field(g, c1, 0, 5), {-1, 9, 1, 11, false});
    // c2 (0,0) reads c1 0..4 -> input -1 .. 9
    expect_window(receptive_field(g, c2, 0, 0), {-1, -1, 9, 9, false});
    // p (1,0) reads c2 rows 2..4, cols -1..1 -> c1 rows 2..8, cols -1..5
    //   -> input rows 3..17, cols -3..11
    expect_window(receptive_field(g, p, 1, 0), {3, -3, 17, 11, false});
    expect_window(receptive_field(g, gap, 0, 0), {0, 0, -1, -1, true});
    expect_window(clip_window(receptive_field(g, p, 1, 0), 32, 32), {3, 0, 17, 11, false});
}

TEST(ReceptiveField, BranchesJoinTheirWindows) {
    GraphBuilder b("rf", ZooOptions{});
    int x = b.input("input", {1, 1, 16, 16});
    const int a = b.conv2d("a", x, conv(1, 3).with_pad(1));  // reads -1..+1
    const int c = b.conv2d("c", x, conv(1, 5).with_pad(2));  // reads -2..+2
    const int sum = b.add("sum", a, c);
    Graph g = b.finish();
    expect_window(receptive_field(g, sum, 5, 7), {3, 5, 7, 9, false});
}
}  // namespace

}  // namespace cl
