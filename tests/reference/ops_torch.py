#!/usr/bin/env python3
"""PyTorch oracle for tests/engine/test_torch_parity.cpp.

Usage: ops_torch.py OUT_DIR [FAMILY]

Writes OUT_DIR/cases.json and one raw little-endian float32 file per tensor. Every case has
seeded inputs and weights, the forward output computed in float64, and, where the op has a
backward, the gradients for a seeded grad_output. Inputs are "input0", "input1", ... and their
gradients "grad_input0", ...; parameters keep their names ("weight", "grad_weight").
Shapes are padded to 4-D (NCHW; a bias [O] becomes [O,1,1,1], a linear weight [out,in]
becomes [out,in,1,1]). Exit code 77: no torch.
"""
import json
import os
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError as error:  # the C++ test skips with this message
    print(f"ops_torch.py: PyTorch is not importable: {error}", file=sys.stderr)
    sys.exit(77)


class Writer:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.cases = []
        self.count = 0

    def tensor(self, t):
        t = t.detach().to(torch.float32).contiguous()
        shape = list(t.shape) + [1] * (4 - t.dim())
        name = f"t{self.count:04d}.bin"
        self.count += 1
        with open(os.path.join(self.out_dir, name), "wb") as f:
            f.write(t.numpy().astype("<f4").tobytes())
        return {"file": name, "shape": shape}

    def case(self, name, op, params, tensors):
        self.cases.append({"name": name, "op": op, "params": params,
                           "tensors": {k: self.tensor(v) for k, v in tensors.items()}})


def leaf(*shape, scale=1.0):
    """Uniform in [-scale, scale], rounded to float32 values: the C++ side reads exactly the
    input PyTorch differentiated (no value crosses a kink such as a clip bound on the way)."""
    t = (torch.rand(*shape, dtype=torch.float64) * 2 - 1).mul_(scale)
    return t.float().double().requires_grad_(True)


def with_grads(out, inputs):
    """Backward of sum(out * grad_output); records grad_output and each input's gradient."""
    grad_output = torch.rand(out.shape, dtype=torch.float64) * 2 - 1
    out.backward(grad_output)
    tensors = {"grad_output": grad_output}
    for key, t in inputs.items():
        tensors["grad_" + key] = t.grad
    return tensors


def record(w, name, op, params, inputs, out, weights=None, extra=None):
    """A case with inputs input0.., the given parameters, out, and every gradient."""
    named = {f"input{i}": x for i, x in enumerate(inputs)}
    named.update(weights or {})
    tensors = dict(named, output=out)
    tensors.update(extra or {})
    tensors.update(with_grads(out, named))
    w.case(name, op, params, tensors)


def conv_cases(w):
    table = [  # name, n, cin, h, w, cout, k, stride, pad, dilation, groups, bias
        ("k3_s1_p1_g1", 2, 3, 9, 11, 5, 3, 1, 1, 1, 1, True),
        ("k3_s2_p1_g2", 1, 4, 12, 9, 6, 3, 2, 1, 1, 2, True),
        ("k5_s3_p2_d2", 1, 3, 17, 14, 4, 5, 3, 2, 2, 1, True),
        ("k1_s1_p0_g1", 2, 6, 5, 7, 3, 1, 1, 0, 1, 1, False),
        ("k7_s2_p3_g1", 1, 3, 23, 21, 4, 7, 2, 3, 1, 1, False),
        ("k3_s1_p1_depthwise", 1, 5, 8, 8, 5, 3, 1, 1, 1, 5, True),
        ("k11_s4_p2_alexnet_stem", 1, 3, 35, 35, 4, 11, 4, 2, 1, 1, True),
    ]
    for name, n, cin, h, wd, cout, k, s, p, d, g, bias in table:
        x, weight = leaf(n, cin, h, wd), leaf(cout, cin // g, k, k, scale=0.5)
        b = leaf(cout) if bias else None
        out = F.conv2d(x, weight, b, stride=s, padding=p, dilation=d, groups=g)
        weights = {"weight": weight}
        if bias:
            weights["bias"] = b
        record(w, name, "conv2d", {"in_channels": cin, "out_channels": cout, "kernel": k,
                                   "stride": s, "pad": p, "dilation": d, "groups": g,
                                   "bias": bias}, [x], out, weights)


def pool_cases(w):
    table = [  # name, op, n, c, h, w, k, stride, pad, ceil, count_include_pad
        ("max_k3_s2_p1_ceil", "maxpool2d", 2, 3, 10, 11, 3, 2, 1, True, True),
        ("max_k2_s2_p0_ceil_odd", "maxpool2d", 1, 2, 7, 9, 2, 2, 0, True, True),
        ("max_k3_s2_p0_ceil_googlenet", "maxpool2d", 1, 3, 14, 15, 3, 2, 0, True, True),
        ("max_k3_s2_p0_alexnet", "maxpool2d", 1, 3, 13, 13, 3, 2, 0, False, True),
        ("avg_k3_s2_p1_ceil_exclpad", "avgpool2d", 2, 3, 10, 11, 3, 2, 1, True, False),
        ("avg_k3_s2_p1_ceil_inclpad", "avgpool2d", 1, 3, 10, 11, 3, 2, 1, True, True),
        ("avg_k2_s2_p1_exclpad", "avgpool2d", 1, 2, 7, 6, 2, 2, 1, False, False),
        ("avg_k5_s3_p2_ceil_exclpad", "avgpool2d", 1, 2, 12, 9, 5, 3, 2, True, False),
        ("avg_k3_s2_p0_ceil_inclpad", "avgpool2d", 1, 2, 6, 8, 3, 2, 0, True, True),
    ]
    for name, op, n, c, h, wd, k, s, p, ceil, include in table:
        x = leaf(n, c, h, wd)
        if op == "maxpool2d":
            out = F.max_pool2d(x, k, s, p, ceil_mode=ceil)
        else:
            out = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=include)
        record(w, name, op, {"kernel": k, "stride": s, "pad": p, "ceil_mode": ceil,
                             "count_include_pad": include}, [x], out)


def lrn_cases(w):
    table = [  # name, shape, size, alpha, beta, k
        ("alexnet_s5", (2, 10, 5, 4), 5, 1e-4, 0.75, 2.0),
        ("s5_strong", (1, 9, 3, 3), 5, 0.5, 0.75, 1.0),
        ("s4_even", (1, 8, 3, 2), 4, 0.6, 0.75, 1.0),
        ("s3_beta1", (1, 6, 2, 3), 3, 0.9, 1.0, 1.5),
    ]
    for name, shape, size, alpha, beta, k in table:
        x = leaf(*shape, scale=2.0)
        out = F.local_response_norm(x, size, alpha, beta, k)
        record(w, name, "lrn", {"size": size, "alpha": alpha, "beta": beta, "k": k}, [x], out)


def batchnorm_cases(w):
    table = [  # name, shape, eps, momentum, training
        ("train_n4_c3_5x6", (4, 3, 5, 6), 1e-5, 0.1, True),
        ("train_n8_c5_1x1", (8, 5, 1, 1), 1e-3, 0.3, True),
        ("eval_n2_c4_3x3", (2, 4, 3, 3), 1e-5, 0.1, False),
    ]
    for name, shape, eps, momentum, training in table:
        c = shape[1]
        x = (leaf(*shape, scale=2.0).detach() + 0.5).requires_grad_(True)
        gamma, beta = leaf(c), leaf(c)
        mean = torch.rand(c, dtype=torch.float64) - 0.5
        var = torch.rand(c, dtype=torch.float64) + 0.5
        run_mean, run_var = mean.clone(), var.clone()
        out = F.batch_norm(x, run_mean, run_var, gamma, beta, training, momentum, eps)
        record(w, name, "batchnorm2d", {"channels": c, "eps": eps, "momentum": momentum,
                                        "training": training}, [x], out,
               {"weight": gamma, "bias": beta},
               {"running_mean": mean, "running_var": var, "running_mean_after": run_mean,
                "running_var_after": run_var})


def linear_softmax_cases(w):
    for name, shape, out_features in [("n1_16x5x5_to_12", (1, 16, 5, 5), 12),
                                      ("n3_40_to_7", (3, 40, 1, 1), 7)]:
        x = leaf(*shape)
        weight, b = leaf(out_features, x[0].numel(), scale=0.3), leaf(out_features)
        out = F.linear(x.flatten(1), weight, b)
        record(w, name, "linear", {"in_features": x[0].numel(), "out_features": out_features},
               [x], out, {"weight": weight, "bias": b})
    for name, shape in [("softmax_n2_c10", (2, 10, 1, 1)), ("softmax_n1_c4_3x2", (1, 4, 3, 2))]:
        x = leaf(*shape, scale=6.0)
        out = F.softmax(x, dim=1)
        record(w, name, "softmax", {}, [x], out)


FAMILIES = {"conv2d": conv_cases, "pool": pool_cases, "lrn": lrn_cases,
            "batchnorm2d": batchnorm_cases, "linear_softmax": linear_softmax_cases}


def main():
    out_dir = sys.argv[1]
    families = sys.argv[2:] or list(FAMILIES)
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(20231125)
    writer = Writer(out_dir)
    for family in families:
        FAMILIES[family](writer)
    with open(os.path.join(out_dir, "cases.json"), "w") as f:
        json.dump({"cases": writer.cases}, f, indent=1)


if __name__ == "__main__":
    main()
