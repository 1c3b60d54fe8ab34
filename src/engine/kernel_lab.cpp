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
    const int channels = image.shape().c;
    if (k < 1 || int64_t(kernel.size()) != int64_t(channels) * k * k)
        throw Error("convolve: expected " + std::to_string(channels * k * k) +
                    " kernel values, got " + std::to_string(kernel.size()));
    if (stride < 1)
        throw Error("convolve: stride must be at least 1, got " + std::to_string(stride));
    if (pad < 0) throw Error("convolve: padding must not be negative, got " + std::to_string(pad));
    auto op = make_conv2d(channels, conv(1, k).with_stride(stride).with_pad(pad));
    const std::vector<NamedParam> params = op->params();
    std::copy(kernel.begin(), kernel.end(), params.at(0).value->data());  // [1,C,K,K]
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
// v as text without a minus sign on a value that rounds to zero ("-0.00" reads as a mistake).
std::string number(float v, const char* format) {
    char text[32];
    std::snprintf(text, sizeof text, format, double(v));
    std::string s = text;
    if (s[0] == '-' && s.find_first_of("123456789") == std::string::npos) s.erase(0, 1);
    return s;
}
}  // namespace

CellArithmetic cell_arithmetic(const Tensor& image, const std::vector<float>& kernel, int k,
                               int stride, int pad, float bias, int out_row, int out_col) {
    const int channels = image.shape().c, h = image.shape().h, w = image.shape().w;
    CL_ASSERT(int64_t(kernel.size()) == int64_t(channels) * k * k);
    CellArithmetic c;
    c.row = out_row * stride;
    c.col = out_col * stride;
    c.bias = bias;
    double sum = 0;
    std::string products_text;
    for (int ch = 0; ch < channels; ++ch) {
        double channel_sum = 0;
        for (int i = 0; i < k; ++i)
            for (int j = 0; j < k; ++j) {
                const int y = c.row + i - pad, x = c.col + j - pad;
                const float v = y >= 0 && y < h && x >= 0 && x < w ? image.at(0, ch, y, x) : 0.0f;
                const float weight = kernel[size_t((ch * k + i) * k + j)];
                c.patch.push_back(v);
                c.products.push_back(weight * v);
                channel_sum += double(weight) * double(v);
                if (!products_text.empty()) products_text += " + ";
                products_text +=
                    "(" + number(weight, "%.3g") + "\xC3\x97" + number(v, "%.2f") + ")";
            }
        c.channel_sums.push_back(float(channel_sum));
        sum += channel_sum;
    }
    c.sum = float(sum);
    c.value = c.sum + bias;
    if (channels == 1) {
        c.text = products_text;
        if (bias != 0.0f) c.text += " + " + number(bias, "%.3g");
    } else {
        for (int ch = 0; ch < channels; ++ch)
            c.text += (ch ? " + ch" : "ch") + std::to_string(ch) + " " +
                      number(c.channel_sums[size_t(ch)], "%.2f");
        c.text += " + bias " + number(bias, "%.3g");
    }
    c.text += " = " + number(c.value, "%.2f");
    return c;
}

namespace {
// The weight and bias of conv node `name`, or nullptr when there is no such convolution.
const Node* conv_node(const Graph& graph, const std::string& name) {
    const int index = graph.find(name);
    if (index < 0) return nullptr;
    const Node& node = graph.node(index);
    return node.op && node.op->kind() == OpKind::Conv2d ? &node : nullptr;
}

}  // namespace

int conv_filter_count(const Graph& graph, const std::string& node) {
    const Node* n = conv_node(graph, node);
    const Tensor* weight = n ? n->param("weight") : nullptr;
    return weight ? weight->shape().n : 0;
}

LearnedFilter conv_filter(const Graph& graph, const std::string& node, int index) {
    const Node* n = conv_node(graph, node);
    const Tensor* weight = n ? n->param("weight") : nullptr;  // [O,C,K,K]
    if (!weight) throw Error(graph.name() + ": no convolution named '" + node + "'");
    const Shape& s = weight->shape();
    if (index < 0 || index >= s.n)
        throw Error(graph.name() + " " + node + ": no filter " + std::to_string(index) +
                    " (it has " + std::to_string(s.n) + ")");
    LearnedFilter f;
    f.channels = s.c;
    f.k = s.h;
    const int64_t per = int64_t(s.c) * s.h * s.w;
    f.weights.assign(weight->data() + index * per, weight->data() + (index + 1) * per);
    const Tensor* bias = n->param("bias");
    f.bias = bias ? (*bias)[index] : 0.0f;
    return f;
}

std::vector<float> lenet_conv1_filter(int index) {
    return conv_filter(load_model("lenet5"), "conv1", index).weights;
}

Tensor conv_input(const Graph& graph, const std::string& node, const Tensor& input) {
    const int index = graph.require(node);
    const Activations acts = graph.forward(input);
    return acts.outputs.at(size_t(graph.node(index).inputs.at(0)));
}

std::vector<float> kernel_as_filter(const std::vector<float>& kernel, int k, int filter_k) {
    CL_ASSERT(int(kernel.size()) == k * k);
    if (k > filter_k)
        throw Error("the filter is " + std::to_string(filter_k) + "\xC3\x97" +
                    std::to_string(filter_k) + ": a " + std::to_string(k) + "\xC3\x97" +
                    std::to_string(k) + " kernel does not fit (make it " +
                    std::to_string(filter_k) + "\xC3\x97" + std::to_string(filter_k) +
                    " or smaller)");
    std::vector<float> filter(size_t(filter_k * filter_k), 0.0f);
    const int off = (filter_k - k) / 2;
    for (int y = 0; y < k; ++y)
        for (int x = 0; x < k; ++x)
            filter[size_t((y + off) * filter_k + x + off)] = kernel[size_t(y * k + x)];
    return filter;
}

Tensor rgb_from_image(const Image& img) {
    Tensor t = Tensor::zeros({1, 3, img.height, img.width});  // [1,3,H,W]
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const size_t i = size_t(y * img.width + x) * size_t(img.channels);
            for (int c = 0; c < 3; ++c)
                t.at(0, c, y, x) = img.pixels[i + size_t(img.channels >= 3 ? c : 0)];
        }
    return t;
}

Tensor shrink_to_fit(const Tensor& image, int max_side) {
    const int channels = image.shape().c, h = image.shape().h, w = image.shape().w;
    const int factor = (std::max(h, w) + max_side - 1) / max_side;
    if (factor <= 1) return image;
    const int oh = std::max(1, h / factor), ow = std::max(1, w / factor);
    Tensor out = Tensor::zeros({1, channels, oh, ow});  // [1,C,H/f,W/f], each a f x f mean
    for (int c = 0; c < channels; ++c)
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                double sum = 0;
                for (int i = 0; i < factor; ++i)
                    for (int j = 0; j < factor; ++j)
                        sum += image.at(0, c, y * factor + i, x * factor + j);
                out.at(0, c, y, x) = float(sum / double(factor * factor));
            }
    return out;
}

std::vector<float> repeat_channels(const std::vector<float>& kernel, int channels) {
    std::vector<float> out;
    for (int c = 0; c < channels; ++c) out.insert(out.end(), kernel.begin(), kernel.end());
    return out;
}

}  // namespace cl
