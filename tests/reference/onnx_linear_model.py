"""A model whose input is [N, features]: x [1,3] -> Gemm (3 -> 4, transB) -> Softmax, written by
hand with onnx.helper, with an input and its class probabilities from numpy.

usage: onnx_linear_model.py OUT_DIR  (writes linear.onnx, x.npy [1,3], x_batch.npy [2,3],
                                      probs.npy [1,4])
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(11)
    w = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    x = np.array([[0.5, -1.25, 2.0]], np.float32)
    nodes = [
        helper.make_node("Gemm", ["x", "w", "b"], ["fc"], name="fc", transB=1),
        helper.make_node("Softmax", ["fc"], ["prob"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes, "linear", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [1, 4])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "linear.onnx"))

    logits = x.astype(np.float64) @ w.T.astype(np.float64) + b
    probs = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.save(os.path.join(out_dir, "x.npy"), x)
    np.save(os.path.join(out_dir, "x_batch.npy"), np.concatenate([x, x]))
    np.save(os.path.join(out_dir, "probs.npy"), probs.astype(np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
