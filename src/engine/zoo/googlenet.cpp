// GoogLeNet (Szegedy et al. 2014, "Going deeper with convolutions"), Table 1 of the paper on
// 3x224x224, with bias on every convolution and the Caffe reference model's layer names; no
// auxiliary classifiers (they only exist while training). LRN layers only with ZooOptions::lrn.
#include <string>

#include "engine/zoo/zoo.h"

namespace cl {

int add_inception_module(GraphBuilder& b, const std::string& name, int x, const InceptionWidths& w,
                         bool naive) {
    const std::string p = name + "/";
    auto conv_relu = [&](const std::string& branch, int in, int width, int kernel) {
        const int y = b.conv2d(p + branch, in, conv(width, kernel).with_pad(kernel / 2));  // same
        return b.relu(p + "relu_" + branch, y);
    };
    const int b1 = conv_relu("1x1", x, w.c1x1, 1);
    const int r3 = naive ? x : conv_relu("3x3_reduce", x, w.c3x3_reduce, 1);
    const int b3 = conv_relu("3x3", r3, w.c3x3, 3);
    const int r5 = naive ? x : conv_relu("5x5_reduce", x, w.c5x5_reduce, 1);
    const int b5 = conv_relu("5x5", r5, w.c5x5, 5);
    const int pooled = b.maxpool(p + "pool", x, pool(3, 1).with_pad(1));  // same size
    // Naive: the pooled input goes straight into the concat, so the module can only grow.
    const int b4 = naive ? pooled : conv_relu("pool_proj", pooled, w.pool_proj, 1);
    return b.concat(p + "output", {b1, b3, b5, b4});
}

namespace {
Graph inception_graph(const std::string& module, Shape input, const InceptionWidths& widths,
                      bool naive, const ZooOptions& options) {
    GraphBuilder b(module + (naive ? "-naive" : ""), options);
    const int x = b.input("input", input);
    add_inception_module(b, module, x, widths, naive);
    return b.finish();
}

// The paper's Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
const InceptionWidths k_3a{64, 96, 128, 16, 32, 32};      // -> 256 channels
const InceptionWidths k_3b{128, 128, 192, 32, 96, 64};    // -> 480
const InceptionWidths k_4a{192, 96, 208, 16, 48, 64};     // -> 512
const InceptionWidths k_4b{160, 112, 224, 24, 64, 64};    // -> 512
const InceptionWidths k_4c{128, 128, 256, 24, 64, 64};    // -> 512
const InceptionWidths k_4d{112, 144, 288, 32, 64, 64};    // -> 528
const InceptionWidths k_4e{256, 160, 320, 32, 128, 128};  // -> 832
const InceptionWidths k_5a{256, 160, 320, 32, 128, 128};  // -> 832
const InceptionWidths k_5b{384, 192, 384, 48, 128, 128};  // -> 1024
}  // namespace

Graph build_inception_block(Shape input, const InceptionWidths& widths, bool naive,
                            const ZooOptions& options) {
    return inception_graph("inception", input, widths, naive, options);
}

Graph build_googlenet(const ZooOptions& options) {
    GraphBuilder b("googlenet", options);
    int x = b.input("input", {1, 3, 224, 224});
    x = b.conv2d("conv1/7x7_s2", x, conv(64, 7).with_stride(2).with_pad(3));  // 64x112x112
    x = b.relu("conv1/relu_7x7", x);
    // The reference model rounds pooled sizes up (Caffe), which the table's sizes need.
    x = b.maxpool("pool1/3x3_s2", x, pool(3, 2).with_ceil());  // 64x56x56
    if (options.lrn) x = b.lrn("pool1/norm1", x);
    x = b.conv2d("conv2/3x3_reduce", x, conv(64, 1));  // 64x56x56
    x = b.relu("conv2/relu_3x3_reduce", x);
    x = b.conv2d("conv2/3x3", x, conv(192, 3).with_pad(1));  // 192x56x56
    x = b.relu("conv2/relu_3x3", x);
    if (options.lrn) x = b.lrn("conv2/norm2", x);
    x = b.maxpool("pool2/3x3_s2", x, pool(3, 2).with_ceil());    // 192x28x28
    x = add_inception_module(b, "inception3a", x, k_3a, false);  // 256x28x28
    x = add_inception_module(b, "inception3b", x, k_3b, false);  // 480x28x28
    x = b.maxpool("pool3/3x3_s2", x, pool(3, 2).with_ceil());    // 480x14x14
    x = add_inception_module(b, "inception4a", x, k_4a, false);  // 512x14x14
    x = add_inception_module(b, "inception4b", x, k_4b, false);
    x = add_inception_module(b, "inception4c", x, k_4c, false);
    x = add_inception_module(b, "inception4d", x, k_4d, false);  // 528x14x14
    x = add_inception_module(b, "inception4e", x, k_4e, false);  // 832x14x14
    x = b.maxpool("pool4/3x3_s2", x, pool(3, 2).with_ceil());    // 832x7x7
    x = add_inception_module(b, "inception5a", x, k_5a, false);  // 832x7x7
    x = add_inception_module(b, "inception5b", x, k_5b, false);  // 1024x7x7
    x = b.avgpool("pool5/7x7_s1", x, pool(7, 1));                // 1024x1x1
    x = b.dropout("pool5/drop_7x7_s1", x, 0.4f);
    b.linear("loss3/classifier", x, 1000);
    return b.finish();
}

Graph build_inception3a(const ZooOptions& options) {
    return inception_graph("inception3a", {1, 192, 28, 28}, k_3a, false, options);
}

Graph build_inception3a_naive(const ZooOptions& options) {
    return inception_graph("inception3a", {1, 192, 28, 28}, k_3a, true, options);
}

}  // namespace cl
