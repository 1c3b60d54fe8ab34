// The classroom-scale architectures: AlexNet, VGG, GoogLeNet and ResNet each cut down to 1x28x28
// grey images and 10 classes, keeping the idea its paper is remembered for, small enough that
// ConvLens trains them on a laptop in minutes (docs/zoo.md: what was scaled down and why).
#include <string>

#include "engine/zoo/zoo.h"

namespace cl {

namespace {

int conv_relu(GraphBuilder& b, const std::string& name, int x, const Conv2dParams& params) {
    x = b.conv2d(name, x, params);
    return b.relu("relu" + name.substr(4), x);  // "conv3_1" -> "relu3_1"
}

// ResNet's BasicBlock with BatchNorm, as resnet.cpp builds it at full size: two 3x3 convs, the
// first one strided where the stage halves the map, and a 1x1 projection on the shortcut when
// the shape changes (option B).
int residual_block(GraphBuilder& b, const std::string& name, int x, int channels, int stride) {
    const std::string p = name + ".";
    int y =
        b.conv2d(p + "conv1", x, conv(channels, 3).with_stride(stride).with_pad(1).without_bias());
    y = b.batchnorm(p + "bn1", y);
    y = b.relu(p + "relu", y);
    y = b.conv2d(p + "conv2", y, conv(channels, 3).with_pad(1).without_bias());
    y = b.batchnorm(p + "bn2", y);
    int shortcut = x;
    if (stride != 1 || b.shape(x).c != channels) {
        shortcut =
            b.conv2d(p + "downsample.0", x, conv(channels, 1).with_stride(stride).without_bias());
        shortcut = b.batchnorm(p + "downsample.1", shortcut);
    }
    y = b.add(p + "add", y, shortcut);  // F(x) + x
    return b.relu(p + "relu_out", y);
}

}  // namespace

// AlexNet's ideas: a large strided first kernel, ReLU, local response normalisation, overlapping
// 3x3/2 max-pooling, five convolutions and dropout before two wide fully connected layers.
Graph build_alexnet_mini(const ZooOptions& options) {
    GraphBuilder b("alexnet-mini", options);
    int x = b.input("input", {1, 1, 28, 28});
    x = b.conv2d("conv1", x, conv(48, 5).with_stride(2).with_pad(2));  // 48x14x14
    x = b.relu("relu1", x);
    x = b.lrn("lrn1", x);
    x = b.maxpool("maxpool1", x, pool(3, 2).with_pad(1));  // 48x7x7, windows overlap
    x = b.conv2d("conv2", x, conv(64, 3).with_pad(1));     // 64x7x7
    x = b.relu("relu2", x);
    x = b.lrn("lrn2", x);
    x = b.maxpool("maxpool2", x, pool(3, 2).with_pad(1));  // 64x4x4
    x = conv_relu(b, "conv3", x, conv(96, 3).with_pad(1));
    x = conv_relu(b, "conv4", x, conv(96, 3).with_pad(1));
    x = conv_relu(b, "conv5", x, conv(64, 3).with_pad(1));  // 64x4x4
    x = b.maxpool("maxpool3", x, pool(3, 2).with_pad(1));   // 64x2x2
    x = b.flatten("flatten", x);                            // 256
    x = b.dropout("dropout6", x, 0.5f);
    x = b.linear("fc6", x, 384);
    x = b.relu("relu6", x);
    x = b.dropout("dropout7", x, 0.5f);
    x = b.linear("fc7", x, 384);
    x = b.relu("relu7", x);
    b.linear("fc8", x, 10);
    return b.finish();
}

// VGG's idea: nothing but 3x3 convolutions (two stacked see 5x5 with fewer weights), in blocks
// ended by a 2x2 max-pool, the channels doubling after each pool: 16, 32, 64.
Graph build_vgg_mini(const ZooOptions& options) {
    GraphBuilder b("vgg-mini", options);
    int x = b.input("input", {1, 1, 28, 28});
    // Blocks of 1, 2 and 2 convolutions, as VGG's configuration A starts with a single one.
    const int widths[] = {16, 32, 64};  // at 28x28, 14x14, 7x7
    const int convs[] = {1, 2, 2};
    for (int block = 1; block <= 3; ++block) {
        const std::string n = std::to_string(block);
        for (int i = 1; i <= convs[block - 1]; ++i)
            x = conv_relu(b, "conv" + n + "_" + std::to_string(i), x,
                          conv(widths[block - 1], 3).with_pad(1));
        x = b.maxpool("pool" + n, x, pool(2, 2));  // 14x14, 7x7, 3x3
    }
    x = b.flatten("flatten", x);  // 64x3x3 = 576
    x = b.dropout("dropout6", x, 0.5f);
    x = b.linear("fc6", x, 256);
    x = b.relu("relu6", x);
    b.linear("fc7", x, 10);
    return b.finish();
}

// GoogLeNet's ideas: inception modules whose 1x1 reductions make the 3x3 and 5x5 branches cheap,
// and global average pooling instead of big fully connected layers.
Graph build_googlenet_mini(const ZooOptions& options) {
    GraphBuilder b("googlenet-mini", options);
    int x = b.input("input", {1, 1, 28, 28});
    x = b.conv2d("conv1/3x3", x, conv(32, 3).with_pad(1));  // 32x28x28
    x = b.relu("conv1/relu_3x3", x);
    x = b.maxpool("pool1/3x3_s2", x, pool(3, 2).with_pad(1));  // 32x14x14
    // #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj, as in the paper's Table 1.
    x = add_inception_module(b, "inception3a", x, {16, 24, 32, 4, 8, 8}, false);     // 64x14x14
    x = b.maxpool("pool3/3x3_s2", x, pool(3, 2).with_pad(1));                        // 64x7x7
    x = add_inception_module(b, "inception4a", x, {32, 32, 48, 8, 16, 16}, false);   // 112x7x7
    x = add_inception_module(b, "inception4b", x, {48, 48, 96, 12, 24, 24}, false);  // 192x7x7
    x = b.global_avgpool("pool5/7x7_s1", x);                                         // 192x1x1
    x = b.dropout("pool5/drop", x, 0.2f);
    b.linear("loss3/classifier", x, 10);
    return b.finish();
}

// ResNet's ideas: basic residual blocks, batch normalisation after every convolution, and a 1x1
// projection shortcut where a stage halves the map and doubles the channels.
Graph build_resnet_mini(const ZooOptions& options) {
    GraphBuilder b("resnet-mini", options);
    int x = b.input("input", {1, 1, 28, 28});
    x = b.conv2d("conv1", x, conv(24, 3).with_pad(1).without_bias());  // 24x28x28
    x = b.batchnorm("bn1", x);
    x = b.relu("relu", x);
    x = b.maxpool("maxpool", x, pool(2, 2));      // 24x14x14
    x = residual_block(b, "layer1.0", x, 24, 1);  // 24x14x14, identity shortcut
    x = residual_block(b, "layer2.0", x, 48, 2);  // 48x7x7, projection
    x = residual_block(b, "layer3.0", x, 96, 2);  // 96x4x4, projection
    x = b.global_avgpool("avgpool", x);           // 96x1x1
    b.linear("fc", x, 10);
    return b.finish();
}

}  // namespace cl
