// LeNet-5 as the lecture draws it (ReLU and max-pooling, the modern reading of LeCun 1998):
// 1x28x28 input padded by 2, 61,706 parameters.
#include "engine/zoo/zoo.h"

namespace cl {

Graph build_lenet5(const ZooOptions& options) {
    GraphBuilder b("lenet5", options);
    int x = b.input("input", {1, 1, 28, 28});
    x = b.conv2d("conv1", x, conv(6, 5).with_pad(2));  // 6x28x28
    x = b.relu("relu1", x);
    x = b.maxpool("pool1", x, pool(2, 2));  // 6x14x14
    x = b.conv2d("conv2", x, conv(16, 5));  // 16x10x10
    x = b.relu("relu2", x);
    x = b.maxpool("pool2", x, pool(2, 2));  // 16x5x5
    x = b.flatten("flatten", x);            // 400
    x = b.linear("fc1", x, 120);
    x = b.relu("relu3", x);
    x = b.linear("fc2", x, 84);
    x = b.relu("relu4", x);
    x = b.linear("fc3", x, 10);  // logits
    b.softmax("softmax", x);
    return b.finish();
}

}  // namespace cl
