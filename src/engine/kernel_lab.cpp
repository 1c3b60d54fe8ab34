// Kernel Lab logic (see kernel_lab.h). The convolution goes through make_conv2d so the lab shows
// exactly what the engine (and `convlens convolve`) computes; the cell arithmetic is plain loops.
#include "engine/kernel_lab.h"

#include <algorithm>
#include <cstdio>

#include "engine/error.h"
#include "engine/graph.h"
#include "engine/model_loader.h"
#include "engine/ops/op.h"

namespace cl {

const std::vector<KernelPreset>& kernel_presets() {
    static const std::vector<KernelPreset> presets = {
        {"horizontal edge", 3, {-1, -1, -1, 1, 1, 1, 0, 0, 0}},
        {"vertical edge", 3, {-1, 1, 0, -1, 1, 0, -1, 1, 0}},
        {"lecture detector 3", 3, {0, 1, -1, 0, 1, -1, 0, 1, -1}},
        {"Sobel x", 3, {-1, 0, 1, -2, 0, 2, -1, 0, 1}},
        {"Sobel y", 3, {-1, -2, -1, 0, 0, 0, 1, 2, 1}},
        {"Prewitt x", 3, {-1, 0, 1, -1, 0, 1, -1, 0, 1}},
        {"Prewitt y", 3, {-1, -1, -1, 0, 0, 0, 1, 1, 1}},
        {"Laplacian", 3, {0, 1, 0, 1, -4, 1, 0, 1, 0}},
        {"box blur", 3, std::vector<float>(9, 1.0f / 9.0f)},
        {"Gaussian blur",
         3,
         {1 / 16.f, 2 / 16.f, 1 / 16.f, 2 / 16.f, 4 / 16.f, 2 / 16.f, 1 / 16.f, 2 / 16.f,
          1 / 16.f}},
        {"sharpen", 3, {0, -1, 0, -1, 5, -1, 0, -1, 0}},
        {"emboss", 3, {-2, -1, 0, -1, 1, 1, 0, 1, 2}},
        {"identity", 3, {0, 0, 0, 0, 1, 0, 0, 0, 0}},
    };
    return presets;
}

Tensor convolve_single(const Tensor& image, const std::vector<float>& kernel, int k, int stride,
                       int pad, float bias) {
    if (k < 1 || int(kernel.size()) != k * k)
        throw Error("convolve: expected " + std::to_string(k * k) + " kernel values, got " +
                    std::to_string(kernel.size()));
    if (stride < 1)
        throw Error("convolve: stride must be at least 1, got " + std::to_string(stride));
    if (pad < 0) throw Error("convolve: padding must not be negative, got " + std::to_string(pad));
    auto op = make_conv2d(1, conv(1, k).with_stride(stride).with_pad(pad));
    const std::vector<NamedParam> params = op->params();
    std::copy(kernel.begin(), kernel.end(), params.at(0).value->data());  // [1,1,K,K]
    (*params.at(1).value)[0] = bias;                                      // [1]
    Shape out_shape;
    try {
        out_shape = op->infer_shape({image.shape()});
    } catch (const Error& e) {
        throw Error(std::string("convolve: ") + e.what());
    }
    Tensor output = Tensor::zeros(out_shape);  // [1,1,Ho,Wo]
    op->forward({&image}, output);
    return output;
}

Tensor grey_from_image(const Image& img) {
    Tensor t = Tensor::zeros({1, 1, img.height, img.width});
    for (int i = 0; i < img.width * img.height; ++i) {
        float v = 0;  // luminance of RGB, as the slides convert colour images to grey
        if (img.channels == 1) {
            v = img.pixels[size_t(i)];
        } else {
            const float* p = &img.pixels[size_t(i) * size_t(img.channels)];
            v = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
        }
        t[i] = v;
    }
    return t;
}

int lab_output_size(int in, int k, int stride, int pad) {
    const int span = in + 2 * pad - k;
    return span < 0 || stride < 1 ? 0 : span / stride + 1;
}

std::string output_size_formula(int in, int k, int stride, int pad) {
    char text[128];
    std::snprintf(text, sizeof text, "(%d + 2\xC3\x97%d - %d) / %d + 1 = %d", in, pad, k, stride,
                  lab_output_size(in, k, stride, pad));
    return text;
}

namespace {
std::string number(float v, const char* format) {
    char text[32];
    std::snprintf(text, sizeof text, format, double(v + 0.0f));  // never "-0.00"
    return text;
}
}  // namespace

CellArithmetic cell_arithmetic(const Tensor& image, const std::vector<float>& kernel, int k,
                               int stride, int pad, float bias, int out_row, int out_col) {
    CL_ASSERT(int(kernel.size()) == k * k);
    const int h = image.shape().h, w = image.shape().w;
    CellArithmetic c;
    c.row = out_row * stride;
    c.col = out_col * stride;
    c.bias = bias;
    double sum = 0;
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {
            const int y = c.row + i - pad, x = c.col + j - pad;
            const float v = y >= 0 && y < h && x >= 0 && x < w ? image.at(0, 0, y, x) : 0.0f;
            const float weight = kernel[size_t(i * k + j)];
            c.patch.push_back(v);
            c.products.push_back(weight * v);
            sum += double(weight) * double(v);
            if (!c.text.empty()) c.text += " + ";
            c.text += "(" + number(weight, "%.3g") + "\xC3\x97" + number(v, "%.2f") + ")";
        }
    c.sum = float(sum);
    c.value = c.sum + bias;
    if (bias != 0.0f) c.text += " + " + number(bias, "%.3g");
    c.text += " = " + number(c.value, "%.2f");
    return c;
}

std::vector<float> lenet_conv1_filter(int index) {
    if (index < 0 || index >= k_lenet_conv1_filters)
        throw Error("lenet5 conv1: no filter " + std::to_string(index) + " (it has 6)");
    Graph graph = load_model("lenet5");
    const int node = graph.find("conv1");
    if (node < 0) throw Error("lenet5: no node 'conv1'");
    for (const NamedParam& p : graph.node(node).op->params())
        if (p.name == "weight") {
            const Tensor& wt = *p.value;  // [6,1,5,5]
            const int k = wt.shape().h;
            std::vector<float> values;
            for (int y = 0; y < k; ++y)
                for (int x = 0; x < k; ++x) values.push_back(wt.at(index, 0, y, x));
            return values;
        }
    throw Error("lenet5 conv1: no weight");
}

}  // namespace cl
