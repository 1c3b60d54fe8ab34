// The ops tests/reference/ops_torch.py compares with PyTorch autograd, by the "op" name its
// cases carry. TorchParity.OracleWritesCasesForEveryListedOp checks that the oracle writes
// cases for every entry, and for nothing else but the loss (which is not an op). Each row of
// the op-case table with a backward names an entry of its kind (OpCase::torch).
#pragma once

#include <string>

#include "engine/ops/op.h"

namespace cl::testing {

struct TorchParityOp {
    const char* oracle_op;  // the cases' "op" in cases.json
    OpKind kind;
};

inline constexpr TorchParityOp k_torch_parity_ops[] = {
    {"conv2d", OpKind::Conv2d},
    {"maxpool2d", OpKind::MaxPool2d},
    {"avgpool2d", OpKind::AvgPool2d},
    {"global_avgpool", OpKind::GlobalAvgPool},
    {"relu", OpKind::Relu},
    {"tanh", OpKind::Tanh},
    {"sigmoid", OpKind::Sigmoid},
    {"lrn", OpKind::Lrn},
    {"batchnorm2d", OpKind::BatchNorm2d},
    {"linear", OpKind::Linear},
    {"flatten", OpKind::Flatten},
    {"dropout", OpKind::Dropout},
    {"concat", OpKind::Concat},
    {"add", OpKind::Add},
    {"softmax", OpKind::Softmax},
    {"mul", OpKind::Mul},
    {"sub", OpKind::Sub},
    {"div", OpKind::Div},
    {"clip", OpKind::Clip},
    {"pad", OpKind::Pad},
    {"shortcut_pad", OpKind::ShortcutPad},
    {"channel_pick", OpKind::ChannelPick},
};

// The entry named `oracle_op`, or nullptr.
inline const TorchParityOp* torch_parity_op(const std::string& oracle_op) {
    for (const TorchParityOp& op : k_torch_parity_ops)
        if (oracle_op == op.oracle_op) return &op;
    return nullptr;
}

}  // namespace cl::testing
