// TinyVGG, the network of the CNN Explainer lesson (Wang et al. 2020): 3x64x64 input, two
// blocks of conv 10@3x3 (no padding), ReLU, conv 10@3x3, ReLU, max-pool 2, then fc -> 10.
#include "engine/zoo/zoo.h"

namespace cl {

Graph build_tinyvgg(const ZooOptions& options) {
    GraphBuilder b("tinyvgg", options);
    int x = b.input("input", {1, 3, 64, 64});
    x = b.conv2d("conv_1_1", x, conv(10, 3));  // 10x62x62
    x = b.relu("relu_1_1", x);
    x = b.conv2d("conv_1_2", x, conv(10, 3));  // 10x60x60
    x = b.relu("relu_1_2", x);
    x = b.maxpool("max_pool_1", x, pool(2, 2));  // 10x30x30
    x = b.conv2d("conv_2_1", x, conv(10, 3));    // 10x28x28
    x = b.relu("relu_2_1", x);
    x = b.conv2d("conv_2_2", x, conv(10, 3));  // 10x26x26
    x = b.relu("relu_2_2", x);
    x = b.maxpool("max_pool_2", x, pool(2, 2));  // 10x13x13
    x = b.flatten("flatten", x);                 // 1690
    x = b.linear("output", x, 10);
    b.softmax("softmax", x);
    return b.finish();
}

}  // namespace cl
