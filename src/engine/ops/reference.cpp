// The textbook loops behind reference.h, written for reading: one output cell at a time,
// sums in double, padding tested cell by cell.
#include "engine/ops/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/error.h"

namespace cl {

int reference_output_size(int in, int kernel, int stride, int pad, int dilation, bool ceil_mode) {
    const int span = dilation * (kernel - 1) + 1;
    const double steps = double(in + 2 * pad - span) / stride;
    int out = int(ceil_mode ? std::ceil(steps) : std::floor(steps)) + 1;
    if (ceil_mode && (out - 1) * stride >= in + pad) --out;  // last window must start inside
    return out;
}

float conv2d_reference_at(const Tensor& input, const Tensor& weight, const Tensor* bias,
                          const Conv2dParams& params, int n, int co, int oh, int ow) {
    const Shape in = input.shape(), ws = weight.shape();
    const int cin_per_group = ws.c;
    const int cout_per_group = ws.n / params.groups;
    const int group = co / cout_per_group;
    double sum = bias ? (*bias)[co] : 0.0;
    for (int ci = 0; ci < cin_per_group; ++ci)
        for (int kh = 0; kh < ws.h; ++kh)
            for (int kw = 0; kw < ws.w; ++kw) {
                const int ih = oh * params.stride - params.pad + kh * params.dilation;
                const int iw = ow * params.stride - params.pad + kw * params.dilation;
                if (ih < 0 || ih >= in.h || iw < 0 || iw >= in.w) continue;  // zero padding
                sum += double(input.at(n, group * cin_per_group + ci, ih, iw)) *
                       weight.at(co, ci, kh, kw);
            }
    return float(sum);
}

Tensor conv2d_reference(const Tensor& input, const Tensor& weight, const Tensor* bias,
                        const Conv2dParams& params) {
    const Shape in = input.shape(), ws = weight.shape();
    CL_ASSERT(ws.h == ws.w && in.c == ws.c * params.groups && ws.n % params.groups == 0);
    const int oh =
        reference_output_size(in.h, ws.h, params.stride, params.pad, params.dilation, false);
    const int ow =
        reference_output_size(in.w, ws.w, params.stride, params.pad, params.dilation, false);
    Tensor out = Tensor::zeros({in.n, ws.n, oh, ow});
    for (int n = 0; n < in.n; ++n)
        for (int co = 0; co < ws.n; ++co)
            for (int y = 0; y < oh; ++y)
                for (int x = 0; x < ow; ++x)
                    out.at(n, co, y, x) =
                        conv2d_reference_at(input, weight, bias, params, n, co, y, x);
    return out;
}

namespace {
// Calls f(ih, iw) for each input cell of pooling window (oh, ow); returns how many cells the
// window has counting padding (PyTorch: not counting the ceil_mode overhang past the padding).
template <typename F>
int for_each_pool_cell(const PoolParams& p, const Shape& in, int oh, int ow, F f) {
    int padded = 0;
    for (int kh = 0; kh < p.kernel; ++kh)
        for (int kw = 0; kw < p.kernel; ++kw) {
            const int ih = oh * p.stride - p.pad + kh;
            const int iw = ow * p.stride - p.pad + kw;
            if (ih >= in.h + p.pad || iw >= in.w + p.pad) continue;  // past the padding
            ++padded;
            if (ih >= 0 && ih < in.h && iw >= 0 && iw < in.w) f(ih, iw);
        }
    return padded;
}

Tensor pool_output(const Tensor& input, const PoolParams& p) {
    const Shape in = input.shape();
    return Tensor::zeros({in.n, in.c,
                          reference_output_size(in.h, p.kernel, p.stride, p.pad, 1, p.ceil_mode),
                          reference_output_size(in.w, p.kernel, p.stride, p.pad, 1, p.ceil_mode)});
}

template <typename F>
Tensor map_reference(const Tensor& input, F f) {
    Tensor out = Tensor::zeros(input.shape());
    for (int64_t i = 0; i < input.numel(); ++i) out[i] = f(input[i]);
    return out;
}
}  // namespace

Tensor maxpool2d_reference(const Tensor& input, const PoolParams& params) {
    const Shape in = input.shape();
    Tensor out = pool_output(input, params);
    for (int n = 0; n < in.n; ++n)
        for (int c = 0; c < in.c; ++c)
            for (int y = 0; y < out.shape().h; ++y)
                for (int x = 0; x < out.shape().w; ++x) {
                    float best = -std::numeric_limits<float>::infinity();
                    for_each_pool_cell(params, in, y, x, [&](int ih, int iw) {
                        best = std::max(best, input.at(n, c, ih, iw));
                    });
                    out.at(n, c, y, x) = best;
                }
    return out;
}

Tensor avgpool2d_reference(const Tensor& input, const PoolParams& params) {
    const Shape in = input.shape();
    Tensor out = pool_output(input, params);
    for (int n = 0; n < in.n; ++n)
        for (int c = 0; c < in.c; ++c)
            for (int y = 0; y < out.shape().h; ++y)
                for (int x = 0; x < out.shape().w; ++x) {
                    double sum = 0;
                    int inside = 0;
                    const int padded = for_each_pool_cell(params, in, y, x, [&](int ih, int iw) {
                        sum += input.at(n, c, ih, iw);
                        ++inside;
                    });
                    out.at(n, c, y, x) = float(sum / (params.count_include_pad ? padded : inside));
                }
    return out;
}

Tensor global_avgpool_reference(const Tensor& input) {
    const Shape in = input.shape();
    Tensor out = Tensor::zeros({in.n, in.c, 1, 1});
    for (int n = 0; n < in.n; ++n)
        for (int c = 0; c < in.c; ++c) {
            double sum = 0;
            for (int y = 0; y < in.h; ++y)
                for (int x = 0; x < in.w; ++x) sum += input.at(n, c, y, x);
            out.at(n, c, 0, 0) = float(sum / (double(in.h) * in.w));
        }
    return out;
}

Tensor relu_reference(const Tensor& input) {
    return map_reference(input, [](float v) { return v > 0 ? v : 0.0f; });
}
Tensor tanh_reference(const Tensor& input) {
    return map_reference(input, [](float v) { return float(std::tanh(double(v))); });
}
Tensor sigmoid_reference(const Tensor& input) {
    return map_reference(input, [](float v) { return float(1.0 / (1.0 + std::exp(-double(v)))); });
}

Tensor lrn_reference(const Tensor& input, const LrnParams& params) {
    const Shape in = input.shape();
    Tensor out = Tensor::zeros(in);
    for (int n = 0; n < in.n; ++n)
        for (int c = 0; c < in.c; ++c)
            for (int y = 0; y < in.h; ++y)
                for (int x = 0; x < in.w; ++x) {
                    double sum = 0;
                    for (int j = c - params.size / 2; j <= c + (params.size - 1) / 2; ++j)
                        if (j >= 0 && j < in.c)
                            sum += double(input.at(n, j, y, x)) * input.at(n, j, y, x);
                    const double scale = params.k + params.alpha / params.size * sum;
                    out.at(n, c, y, x) = float(input.at(n, c, y, x) / std::pow(scale, params.beta));
                }
    return out;
}

Tensor batchnorm2d_reference(const Tensor& input, const Tensor& gamma, const Tensor& beta,
                             const Tensor& mean, const Tensor& var, float eps) {
    const Shape in = input.shape();
    Tensor out = Tensor::zeros(in);
    for (int n = 0; n < in.n; ++n)
        for (int c = 0; c < in.c; ++c)
            for (int y = 0; y < in.h; ++y)
                for (int x = 0; x < in.w; ++x)
                    out.at(n, c, y, x) = float((input.at(n, c, y, x) - double(mean[c])) /
                                                   std::sqrt(double(var[c]) + eps) * gamma[c] +
                                               beta[c]);
    return out;
}

// Training: each channel normalised by its batch mean and biased variance over N, H and W.
Tensor batchnorm2d_training_reference(const Tensor& input, const Tensor& gamma, const Tensor& beta,
                                      float eps) {
    const Shape in = input.shape();
    const double count = double(in.n) * in.h * in.w;
    Tensor out = Tensor::zeros(in);
    for (int c = 0; c < in.c; ++c) {
        double sum = 0;
        for (int n = 0; n < in.n; ++n)
            for (int y = 0; y < in.h; ++y)
                for (int x = 0; x < in.w; ++x) sum += input.at(n, c, y, x);
        const double mean = sum / count;
        double squares = 0;
        for (int n = 0; n < in.n; ++n)
            for (int y = 0; y < in.h; ++y)
                for (int x = 0; x < in.w; ++x)
                    squares += (input.at(n, c, y, x) - mean) * (input.at(n, c, y, x) - mean);
        const double var = squares / count;
        for (int n = 0; n < in.n; ++n)
            for (int y = 0; y < in.h; ++y)
                for (int x = 0; x < in.w; ++x)
                    out.at(n, c, y, x) = float(
                        (input.at(n, c, y, x) - mean) / std::sqrt(var + eps) * gamma[c] + beta[c]);
    }
    return out;
}

Tensor linear_reference(const Tensor& input, const Tensor& weight, const Tensor* bias) {
    const Shape in = input.shape();
    const int features = int(in.per_sample()), outputs = weight.shape().n;
    CL_ASSERT(weight.shape().c == features);
    Tensor out = Tensor::zeros({in.n, outputs, 1, 1});
    for (int n = 0; n < in.n; ++n)
        for (int o = 0; o < outputs; ++o) {
            double sum = bias ? (*bias)[o] : 0.0;
            for (int i = 0; i < features; ++i)
                sum += double(input[int64_t(n) * features + i]) * weight[int64_t(o) * features + i];
            out[int64_t(n) * outputs + o] = float(sum);
        }
    return out;
}

Tensor flatten_reference(const Tensor& input) {
    const Shape in = input.shape();
    return input.clone().reshaped({in.n, int(in.per_sample()), 1, 1});
}

Tensor concat_reference(const std::vector<const Tensor*>& inputs) {
    Shape s = inputs.at(0)->shape();
    s.c = 0;
    for (const Tensor* t : inputs) s.c += t->shape().c;
    Tensor out = Tensor::zeros(s);
    for (int n = 0; n < s.n; ++n) {
        int c0 = 0;
        for (const Tensor* t : inputs) {
            for (int c = 0; c < t->shape().c; ++c)
                for (int y = 0; y < s.h; ++y)
                    for (int x = 0; x < s.w; ++x) out.at(n, c0 + c, y, x) = t->at(n, c, y, x);
            c0 += t->shape().c;
        }
    }
    return out;
}

Tensor pad_reference(const Tensor& input, const PadParams& params) {
    const Shape in = input.shape();
    const Shape s{in.n, in.c, in.h + params.top + params.bottom, in.w + params.left + params.right};
    Tensor out = Tensor::zeros(s);
    for (int n = 0; n < s.n; ++n)
        for (int c = 0; c < s.c; ++c)
            for (int y = 0; y < s.h; ++y)
                for (int x = 0; x < s.w; ++x) {
                    const int iy = y - params.top, ix = x - params.left;
                    const bool inside = iy >= 0 && iy < in.h && ix >= 0 && ix < in.w;
                    out.at(n, c, y, x) = inside ? input.at(n, c, iy, ix) : params.value;
                }
    return out;
}

Tensor shortcut_pad_reference(const Tensor& input, int out_channels, int stride) {
    const Shape in = input.shape();
    // x[:, :, ::s, ::s] keeps rows 0, s, 2s, ... below H: ceil(H / s) of them.
    const Shape s{in.n, out_channels, (in.h + stride - 1) / stride, (in.w + stride - 1) / stride};
    Tensor out = Tensor::zeros(s);
    for (int n = 0; n < s.n; ++n)
        for (int c = 0; c < s.c; ++c)
            for (int y = 0; y < s.h; ++y)
                for (int x = 0; x < s.w; ++x)
                    out.at(n, c, y, x) = c < in.c ? input.at(n, c, y * stride, x * stride) : 0.0f;
    return out;
}

Tensor channel_pick_reference(const Tensor& input, int channel) {
    const Shape in = input.shape();
    CL_ASSERT(channel >= 0 && channel < in.c);
    Tensor out = Tensor::zeros({in.n, 1, in.h, in.w});
    for (int n = 0; n < in.n; ++n)
        for (int y = 0; y < in.h; ++y)
            for (int x = 0; x < in.w; ++x) out.at(n, 0, y, x) = input.at(n, channel, y, x);
    return out;
}

Tensor dropout_reference(const Tensor& input) {
    return input.clone();
}

Tensor add_reference(const std::vector<const Tensor*>& inputs) {
    Tensor out = Tensor::zeros(inputs.at(0)->shape());
    for (int64_t i = 0; i < out.numel(); ++i) {
        double sum = 0;
        for (const Tensor* t : inputs) sum += (*t)[i];
        out[i] = float(sum);
    }
    return out;
}

Tensor softmax_reference(const Tensor& input) {
    const Shape in = input.shape();
    Tensor out = Tensor::zeros(in);
    for (int n = 0; n < in.n; ++n)
        for (int y = 0; y < in.h; ++y)
            for (int x = 0; x < in.w; ++x) {
                double top = -std::numeric_limits<double>::infinity(), sum = 0;
                for (int c = 0; c < in.c; ++c) top = std::max(top, double(input.at(n, c, y, x)));
                for (int c = 0; c < in.c; ++c) sum += std::exp(input.at(n, c, y, x) - top);
                for (int c = 0; c < in.c; ++c)
                    out.at(n, c, y, x) = float(std::exp(input.at(n, c, y, x) - top) / sum);
            }
    return out;
}

}  // namespace cl
