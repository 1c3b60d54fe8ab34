// AlexNet (Krizhevsky, Sutskever, Hinton 2012) as one tower on 3x227x227, the form lecture
// tables use: 62,378,344 parameters. LRN after relu1/relu2 only with ZooOptions::lrn.
#include "engine/zoo/zoo.h"

namespace cl {

Graph build_alexnet(const ZooOptions& options) {
    GraphBuilder b("alexnet", options);
    int x = b.input("input", {1, 3, 227, 227});
    x = b.conv2d("conv1", x, conv(96, 11).with_stride(4));  // 96x55x55
    x = b.relu("relu1", x);
    if (options.lrn) x = b.lrn("lrn1", x);               // k 2, n 5, alpha 1e-4, beta 0.75
    x = b.maxpool("maxpool1", x, pool(3, 2));            // 96x27x27 (overlapping pooling)
    x = b.conv2d("conv2", x, conv(256, 5).with_pad(2));  // 256x27x27
    x = b.relu("relu2", x);
    if (options.lrn) x = b.lrn("lrn2", x);
    x = b.maxpool("maxpool2", x, pool(3, 2));            // 256x13x13
    x = b.conv2d("conv3", x, conv(384, 3).with_pad(1));  // 384x13x13
    x = b.relu("relu3", x);
    x = b.conv2d("conv4", x, conv(384, 3).with_pad(1));  // 384x13x13
    x = b.relu("relu4", x);
    x = b.conv2d("conv5", x, conv(256, 3).with_pad(1));  // 256x13x13
    x = b.relu("relu5", x);
    x = b.maxpool("maxpool3", x, pool(3, 2));  // 256x6x6
    x = b.flatten("flatten", x);               // 9216
    // The paper applies dropout to the first two fully-connected layers; as in torchvision,
    // the dropout node sits on each one's input.
    x = b.dropout("dropout6", x, 0.5f);
    x = b.linear("fc6", x, 4096);
    x = b.relu("relu6", x);
    x = b.dropout("dropout7", x, 0.5f);
    x = b.linear("fc7", x, 4096);
    x = b.relu("relu7", x);
    b.linear("fc8", x, 1000);  // logits of the 1000 ILSVRC classes
    return b.finish();
}

}  // namespace cl
