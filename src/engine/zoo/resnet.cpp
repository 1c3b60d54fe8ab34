// ResNet (He et al. 2015, "Deep residual learning") with BasicBlocks on 3x224x224: resnet18 and
// resnet34 as torchvision builds them (BatchNorm, no conv bias, 1x1 projection shortcuts, module
// names as in its state_dict), and resnet18-plain-count, the network that lecture tables count.
#include <string>
#include <vector>

#include "engine/zoo/zoo.h"

namespace cl {

namespace {

// torchvision: conv/bn/relu; plain count: conv with bias and nothing between conv and ReLU.
struct ResNetStyle {
    bool batchnorm;
};

int conv_bn(GraphBuilder& b, const ResNetStyle& style, const std::string& conv_name,
            const std::string& bn_name, int x, Conv2dParams params) {
    if (style.batchnorm) params.without_bias();  // BN's beta makes a conv bias redundant
    x = b.conv2d(conv_name, x, params);
    return style.batchnorm ? b.batchnorm(bn_name, x) : x;
}

// BasicBlock: two 3x3 convs; the first one strides when the stage halves the map.
int basic_block(GraphBuilder& b, const ResNetStyle& style, const std::string& name, int x,
                int channels, int stride) {
    const std::string p = name + ".";
    const Conv2dParams first = conv(channels, 3).with_stride(stride).with_pad(1);
    int y = conv_bn(b, style, p + "conv1", p + "bn1", x, first);
    y = b.relu(p + "relu", y);
    y = conv_bn(b, style, p + "conv2", p + "bn2", y, conv(channels, 3).with_pad(1));
    int shortcut = x;
    if (stride != 1 || b.shape(x).c != channels) {
        shortcut = style.batchnorm
                       ? conv_bn(b, style, p + "downsample.0", p + "downsample.1", x,
                                 conv(channels, 1).with_stride(stride))  // option B: projection
                       : b.shortcut_pad(p + "shortcut", x, channels, stride);  // option A
    }
    y = b.add(p + "add", y, shortcut);  // F(x) + x
    return b.relu(p + "relu_out", y);
}

Graph build_resnet(const std::string& name, const std::vector<int>& blocks,
                   const ResNetStyle& style, const ZooOptions& options) {
    GraphBuilder b(name, options);
    int x = b.input("input", {1, 3, 224, 224});
    x = conv_bn(b, style, "conv1", "bn1", x, conv(64, 7).with_stride(2).with_pad(3));  // 64x112x112
    x = b.relu("relu", x);
    x = b.maxpool("maxpool", x, pool(3, 2).with_pad(1));  // 64x56x56
    const int widths[] = {64, 128, 256, 512};             // 56x56, 28x28, 14x14, 7x7
    for (size_t stage = 0; stage < blocks.size(); ++stage) {
        for (int i = 0; i < blocks[stage]; ++i) {
            const int stride = (stage > 0 && i == 0) ? 2 : 1;
            const std::string block = "layer" + std::to_string(stage + 1) + "." + std::to_string(i);
            x = basic_block(b, style, block, x, widths[stage], stride);
        }
    }
    x = b.global_avgpool("avgpool", x);  // 512x1x1
    b.linear("fc", x, 1000);
    return b.finish();
}

}  // namespace

Graph build_resnet18(const ZooOptions& options) {
    return build_resnet("resnet18", {2, 2, 2, 2}, ResNetStyle{true}, options);
}

Graph build_resnet34(const ZooOptions& options) {
    return build_resnet("resnet34", {3, 4, 6, 3}, ResNetStyle{true}, options);
}

Graph build_resnet18_plain_count(const ZooOptions& options) {
    return build_resnet("resnet18-plain-count", {2, 2, 2, 2}, ResNetStyle{false}, options);
}

}  // namespace cl
