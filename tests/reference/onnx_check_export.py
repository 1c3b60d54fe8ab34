#!/usr/bin/env python3
"""Independent check of `convlens export`: validates the file with onnx.checker, rebuilds the
network in PyTorch from the exported nodes and initializers (torch.nn.functional, one call per
ONNX node), runs it on INPUT.npy and writes every node's output as OUT_DIR/<k>.npy with
OUT_DIR/outputs.json = [{"tensor", "file"}].

usage: onnx_check_export.py MODEL.onnx INPUT.npy OUT_DIR
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pads_of(a):
    pads = list(a.get("pads", [0, 0, 0, 0]))
    if pads[0] != pads[2] or pads[1] != pads[3]:
        raise ValueError("asymmetric pads in an export")
    return (pads[0], pads[1])


def run_node(node, v):
    a = attrs(node)
    x = [v[i] for i in node.input]
    op = node.op_type
    if op == "Conv":
        return F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, stride=tuple(a["strides"]),
                        padding=pads_of(a), dilation=tuple(a["dilations"]), groups=a["group"])
    if op == "MaxPool":
        return F.max_pool2d(x[0], tuple(a["kernel_shape"]), tuple(a["strides"]), pads_of(a),
                            ceil_mode=bool(a.get("ceil_mode", 0)))
    if op == "AveragePool":
        return F.avg_pool2d(x[0], tuple(a["kernel_shape"]), tuple(a["strides"]), pads_of(a),
                            ceil_mode=bool(a.get("ceil_mode", 0)),
                            count_include_pad=bool(a.get("count_include_pad", 0)))
    if op == "GlobalAveragePool":
        return x[0].mean(dim=(2, 3), keepdim=True)
    if op == "Relu":
        return F.relu(x[0])
    if op == "Tanh":
        return torch.tanh(x[0])
    if op == "Sigmoid":
        return torch.sigmoid(x[0])
    if op in ("Dropout", "Identity"):
        return x[0]
    if op == "LRN":
        return F.local_response_norm(x[0], a["size"], a.get("alpha", 1e-4), a.get("beta", 0.75),
                                     a.get("bias", 1.0))
    if op == "BatchNormalization":
        return F.batch_norm(x[0], x[3], x[4], x[1], x[2], eps=a.get("epsilon", 1e-5))
    if op == "Gemm":
        w = x[1].T if a.get("transB", 0) else x[1]
        return x[0] @ w + (x[2] if len(x) > 2 else 0)
    if op == "Flatten":
        return torch.flatten(x[0], a.get("axis", 1))
    if op == "Concat":
        return torch.cat(x, dim=a["axis"])
    if op == "Add":
        return x[0] + x[1]
    if op == "Softmax":
        return F.softmax(x[0], dim=a.get("axis", -1))
    raise ValueError("op %s is not in this checker" % op)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, input_path, out_dir = sys.argv[1:]
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    g = model.graph
    v = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
    v[g.input[0].name] = torch.from_numpy(np.load(input_path))
    os.makedirs(out_dir, exist_ok=True)
    outputs = []
    with torch.no_grad():
        for k, node in enumerate(g.node):
            v[node.output[0]] = run_node(node, v)
            file = "%03d.npy" % k
            np.save(os.path.join(out_dir, file), v[node.output[0]].numpy().astype(np.float32))
            outputs.append({"tensor": node.output[0], "file": file})
    with open(os.path.join(out_dir, "outputs.json"), "w") as f:
        json.dump(outputs, f, indent=1)
    print("%s: checker ok, %d nodes rebuilt in PyTorch" % (path, len(g.node)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
