// Textbook loops for every op's forward pass: the oracle the fast paths are tested against,
// and the Kernel Lab's "show the math". Slow on purpose; no tricks, one output cell at a time.
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
// input [N,C,H,W] read as [N, C*H*W]; weight [out, in]; bias [out] or nullptr -> [N,out,1,1]
Tensor linear_reference(const Tensor& input, const Tensor& weight, const Tensor* bias);

Tensor flatten_reference(const Tensor& input);
Tensor concat_reference(const std::vector<const Tensor*>& inputs);
Tensor add_reference(const std::vector<const Tensor*>& inputs);
Tensor softmax_reference(const Tensor& input);  // over C, at every (n, h, w)

}  // namespace cl
