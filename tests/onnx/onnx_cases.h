// The ONNX files the test suite has PyTorch write (tests/reference/onnx_export_models.py), shared
// by the importer's check against PyTorch and the export round trip.
#pragma once

#include <ostream>

namespace cl {

struct OnnxCase {
    const char* name;
    bool slow;  // VGG-size models: target test_onnx_slow (CONVLENS_ONNX_SLOW=1)
};

inline constexpr OnnxCase k_onnx_cases[] = {
    {"handmade", false},
    {"lenet_opset9", false},
    {"lenet_opset11", false},
    {"lenet_opset11_unfolded", false},
    {"lenet_opset13", false},
    {"lenet_opset17", false},
    {"alexnet", false},
    {"resnet18", false},
    {"squeezenet1_1", false},
    {"mobilenet_v2", false},
    {"googlenet", false},
    {"squeezenet1_1_normalized", false},
    {"googlenet_transform_input", false},
    {"resnet18_explicit_bn", true},
    {"mobilenet_v2_opset9", true},
    {"vgg11", true},
    {"vgg11_bn", true},
    {"vgg13", true},
    {"vgg13_bn", true},
    {"vgg16", true},
    {"vgg16_bn", true},
    {"vgg19", true},
    {"vgg19_bn", true},
    {"resnet34", true},
    {"resnet50", true},
    {"squeezenet1_0", true},
    {"densenet121", true},
};

inline void PrintTo(const OnnxCase& c, std::ostream* os) {
    *os << c.name;
}

}  // namespace cl
