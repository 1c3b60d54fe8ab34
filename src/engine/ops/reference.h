// Textbook loops for every op's forward pass: the oracle the fast paths are tested against,
// and the Kernel Lab's "show the math" (reference.cpp; the element-wise ops in
// reference_elementwise.cpp). Slow on purpose; no tricks, one output cell at a time.
#pragma once

#include <vector>

#include "engine/ops/op.h"
#include "engine/tensor.h"

namespace cl {

// floor((in + 2*pad - dilation*(kernel-1) - 1) / stride) + 1, or PyTorch's ceil_mode rule.
int reference_output_size(int in, int kernel, int stride, int pad, int dilation, bool ceil_mode);

// input [N,Cin,H,W], weight [Cout, Cin/groups, K, K], bias [Cout] or nullptr; the kernel and
// out_channels come from the weight, stride/pad/dilation/groups from params.
Tensor conv2d_reference(const Tensor& input, const Tensor& weight, const Tensor* bias,
                        const Conv2dParams& params);
// One output cell (n, co, oh, ow): the dot product of the kernel with its window, plus bias.
float conv2d_reference_at(const Tensor& input, const Tensor& weight, const Tensor* bias,
                          const Conv2dParams& params, int n, int co, int oh, int ow);

Tensor maxpool2d_reference(const Tensor& input, const PoolParams& params);
Tensor avgpool2d_reference(const Tensor& input, const PoolParams& params);
Tensor global_avgpool_reference(const Tensor& input);

Tensor relu_reference(const Tensor& input);
Tensor tanh_reference(const Tensor& input);
Tensor sigmoid_reference(const Tensor& input);

Tensor lrn_reference(const Tensor& input, const LrnParams& params);
// Inference: (x - mean) / sqrt(var + eps) * gamma + beta, all per channel ([C] tensors).
Tensor batchnorm2d_reference(const Tensor& input, const Tensor& gamma, const Tensor& beta,
                             const Tensor& mean, const Tensor& var, float eps);
// Training: the same with each channel's batch mean and biased variance over N, H and W.
Tensor batchnorm2d_training_reference(const Tensor& input, const Tensor& gamma, const Tensor& beta,
                                      float eps);
// input [N,C,H,W] read as [N, C*H*W]; weight [out, in]; bias [out] or nullptr -> [N,out,1,1]
Tensor linear_reference(const Tensor& input, const Tensor& weight, const Tensor* bias);

Tensor flatten_reference(const Tensor& input);
Tensor concat_reference(const std::vector<const Tensor*>& inputs);
Tensor add_reference(const std::vector<const Tensor*>& inputs);
Tensor softmax_reference(const Tensor& input);  // over C, at every (n, h, w)

// Constant padding of H and W: params.value outside the input.
Tensor pad_reference(const Tensor& input, const PadParams& params);
// ResNet option A: out[:, :C] = x[:, :, ::stride, ::stride], out[:, C:out_channels] = 0.
Tensor shortcut_pad_reference(const Tensor& input, int out_channels, int stride);
Tensor channel_pick_reference(const Tensor& input, int channel);  // [N,C,H,W] -> [N,1,H,W]
// Dropout at inference (and in training with p = 0): the identity.
Tensor dropout_reference(const Tensor& input);

// reference_elementwise.cpp. kind is Add, Sub, Mul or Div.
// a op b for two inputs of the same shape.
Tensor elementwise_reference(OpKind kind, const Tensor& a, const Tensor& b);
// x op k, or k op x when constant_first; k a scalar [1,1,1,1] or one value per channel [1,C,1,1].
Tensor elementwise_constant_reference(OpKind kind, const Tensor& input, const Tensor& constant,
                                      bool constant_first);
Tensor clip_reference(const Tensor& input, float min_value,
                      float max_value);  // min(max(x, lo), hi)

}  // namespace cl
