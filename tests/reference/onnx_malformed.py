#!/usr/bin/env python3
"""Writes small ONNX files that ConvLens must refuse with a clear one-line error, plus good.onnx
(a valid tiny net that the C++ test truncates).

usage: onnx_malformed.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tiny(nodes, inits, input_shape=(1, 1, 8, 8), output="y"):
    graph = helper.make_graph(
        nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(input_shape))],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    w = np.ones((2, 1, 3, 3), np.float32)
    conv = helper.make_node("Conv", ["x", "w"], ["c"], name="conv1", kernel_shape=[3, 3])
    relu = helper.make_node("Relu", ["c"], ["y"], name="relu1")
    files = {
        "good": tiny([conv, relu], {"w": w}),
        "unsupported_op": tiny([conv, helper.make_node("Foo", ["c"], ["y"], name="bar")], {"w": w}),
        "missing_initializer": tiny([conv, relu], {}),
        "wrong_rank": tiny([conv, relu], {"w": w}, input_shape=(1, 8, 8)),
        "cycle": tiny([helper.make_node("Relu", ["y"], ["c"], name="a"),
                       helper.make_node("Add", ["x", "c"], ["y"], name="b")], {}),
        "non_square_kernel": tiny([helper.make_node("Conv", ["x", "w13"], ["y"], name="conv13",
                                                    kernel_shape=[1, 3])],
                                  {"w13": np.ones((2, 1, 1, 3), np.float32)}),
        "reshape_not_flatten": tiny([conv, helper.make_node("Reshape", ["c", "shape"], ["y"],
                                                            name="reshape")],
                                    {"w": w, "shape": np.array([1, 12, 6], np.int64)}),
        "gather_on_activation": tiny([conv, helper.make_node("Gather", ["c", "index"], ["y"],
                                                             name="pick", axis=1)],
                                     {"w": w, "index": np.array([0, 1], np.int64)}),
    }
    for name, model in files.items():
        onnx.save(model, os.path.join(out, name + ".onnx"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
