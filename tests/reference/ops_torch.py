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


def away_from_zero(*shape, low=0.5):
    """|x| in [low, low + 1] with random signs (divisors; dropout inputs whose mask is read
    from the output)."""
    t = torch.rand(*shape, dtype=torch.float64) * 2 - 1
    return (t + low * t.sign()).float().double().requires_grad_(True)


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


def graph_cases(w):
    """The ops that join, reshape or pad tensors in the zoo's graphs and imported ONNX files."""
    for name, shapes in [("two_n2", [(2, 3, 4, 5), (2, 2, 4, 5)]),
                         ("three_inception", [(1, 1, 3, 5), (1, 3, 3, 5), (1, 2, 3, 5)])]:
        xs = [leaf(*shape) for shape in shapes]
        record(w, name, "concat", {}, xs, torch.cat(xs, dim=1))
    for name, count, shape in [("two_residual", 2, (2, 4, 5, 3)), ("three", 3, (1, 2, 3, 5))]:
        xs = [leaf(*shape) for _ in range(count)]
        record(w, name, "add", {}, xs, sum(xs[1:], xs[0]))
    for name, shape in [("odd_map", (2, 3, 5, 7)), ("resnet_7x7", (1, 8, 7, 7)),
                        ("1x1_map", (2, 3, 1, 1))]:
        x = leaf(*shape)
        record(w, name, "global_avgpool", {}, [x], F.adaptive_avg_pool2d(x, 1))
    # ONNX Reshape to [N, C*H*W] is imported as Flatten: the same op, PyTorch's two spellings.
    x = leaf(2, 3, 5, 3)
    record(w, "flatten", "flatten", {}, [x], x.flatten(1))
    x = leaf(1, 4, 3, 2)
    record(w, "reshape_n_minus1", "flatten", {}, [x], x.reshape(x.shape[0], -1))
    table = [  # name, shape, top, left, bottom, right, value (the pads make_pad takes)
        ("t1_l2_b0_r3", (2, 3, 4, 5), 1, 2, 0, 3, 0.0),
        ("t2_l2_b2_r2_value", (1, 2, 3, 3), 2, 2, 2, 2, -1.5),
        ("t0_l0_b1_r1_onnx_same_upper", (1, 3, 6, 6), 0, 0, 1, 1, 0.0),
        ("none", (1, 2, 3, 5), 0, 0, 0, 0, 0.0),
    ]
    for name, shape, top, left, bottom, right, value in table:
        x = leaf(*shape)
        out = F.pad(x, (left, right, top, bottom), value=value)  # last axis first
        record(w, name, "pad", {"top": top, "left": left, "bottom": bottom, "right": right,
                                "value": value}, [x], out)
    for name, shape, out_channels, stride in [("c4_to_8_s2", (2, 4, 7, 6), 8, 2),
                                              ("c16_to_32_s2_resnet", (1, 16, 8, 8), 32, 2),
                                              ("c3_to_3_s1", (1, 3, 4, 5), 3, 1),
                                              ("c2_to_5_s3", (1, 2, 7, 8), 5, 3)]:
        x = leaf(*shape)
        # ResNet option A, as the paper's CIFAR code writes it: subsample, pad channels.
        sub = x[:, :, ::stride, ::stride]
        out = F.pad(sub, (0, 0, 0, 0, 0, out_channels - shape[1]))
        record(w, name, "shortcut_pad", {"out_channels": out_channels, "stride": stride}, [x],
               out)
    for name, shape, channel in [("first", (2, 3, 4, 5), 0), ("last", (2, 3, 5, 3), 2),
                                 ("only", (1, 1, 3, 3), 0)]:
        x = leaf(*shape)
        record(w, name, "channel_pick", {"channel": channel}, [x], x[:, channel:channel + 1])


def activation_cases(w):
    for op, f in [("relu", F.relu), ("tanh", torch.tanh), ("sigmoid", torch.sigmoid)]:
        x = leaf(2, 3, 5, 7, scale=3.0)
        record(w, "odd", op, {}, [x], f(x))
    table = [  # name, shape, min (None: -inf), max, scale of the inputs
        ("lo_hi", (2, 3, 5, 7), -0.3, 0.25, 1.0),
        ("relu6", (1, 3, 7, 9), 0.0, 6.0, 8.0),
        ("max_only", (2, 3, 5, 7), None, 0.25, 1.0),
        ("min_equals_max", (1, 2, 3, 5), 0.25, 0.25, 1.0),
    ]
    for name, shape, lo, hi, scale in table:
        x = leaf(*shape, scale=scale)
        record(w, name, "clip", {"min": lo, "max": hi}, [x], torch.clamp(x, min=lo, max=hi))
    # On a bound clamp passes the gradient and relu6 (hardtanh) does not; Clip follows
    # relu6, which is what ONNX Clip(0, 6) comes from.
    x = torch.tensor([-1.0, 0.0, 0.5, 6.0, 7.0, 3.0], dtype=torch.float64)
    x = x.reshape(1, 1, 2, 3).requires_grad_(True)
    record(w, "relu6_inputs_on_bounds", "clip", {"min": 0.0, "max": 6.0}, [x], F.relu6(x))


def arithmetic_cases(w):
    """Mul, Sub, Div of two same-shape tensors, and all four with a constant (params
    "constant": a scalar or one value per channel; "constant_first": k op x)."""
    ops = [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div)]
    for op, f in ops[1:]:
        for name, shape in [("n2_odd", (2, 3, 3, 5)), ("n1_1x1", (1, 7, 1, 1))]:
            a = leaf(*shape, scale=2.0)
            b = away_from_zero(*shape) if op == "div" else leaf(*shape, scale=2.0)
            record(w, name, op, {}, [a, b], f(a, b))
    table = [  # name, shape, constant values, constant_first
        ("constant_scalar", (2, 3, 5, 3), [-1.75], False),
        ("constant_per_channel", (2, 4, 3, 5), [0.75, -1.5, 2.0, -0.5], False),
        ("constant_first_scalar", (1, 3, 5, 7), [-1.75], True),
        ("constant_first_per_channel", (2, 3, 3, 3), [0.75, -1.5, 2.0], True),
    ]
    for op, f in ops:
        for name, shape, values, first in table:
            k = torch.tensor(values, dtype=torch.float64)
            k = k.reshape(1, -1, 1, 1) if len(values) > 1 else k.reshape(())
            x = away_from_zero(*shape) if op == "div" and first else leaf(*shape, scale=2.0)
            record(w, name, op, {"constant": values, "constant_first": first}, [x],
                   f(k, x) if first else f(x, k))


def dropout_cases(w):
    """PyTorch's mask comes from its own generator and ours from a counter-based hash, so no
    seed makes them agree. Inverted dropout is out = x * keep / (1 - p) for a 0/1 mask `keep`,
    linear in keep: the cases give that formula's output and gradient for keep = 1 everywhere
    ("output_kept", "grad_input0_kept"), and the C++ side reads our mask from our output (the
    inputs are never 0) and expects the kept values where we kept and 0 elsewhere. That this
    formula is F.dropout is checked here, on PyTorch's own mask."""
    for name, p in [("p05_alexnet", 0.5), ("p04_googlenet", 0.4), ("p02", 0.2)]:
        x = away_from_zero(2, 8, 16, 16, low=0.25)
        kept = x / (1 - p)
        grad_output = torch.rand(kept.shape, dtype=torch.float64) * 2 - 1
        kept.backward(grad_output)
        x2 = x.detach().clone().requires_grad_(True)
        theirs = F.dropout(x2, p, training=True)
        theirs.backward(grad_output)
        keep = (theirs != 0).double()
        assert torch.allclose(theirs, kept * keep) and torch.allclose(x2.grad, x.grad * keep)
        w.case(name, "dropout", {"p": p, "training": True},
               {"input0": x, "grad_output": grad_output, "output_kept": kept,
                "grad_input0_kept": x.grad})
    x = leaf(2, 3, 3, 5)
    record(w, "inference_p05", "dropout", {"p": 0.5, "training": False}, [x],
           F.dropout(x, 0.5, training=False))


def cross_entropy_cases(w):
    """train/loss.h softmax_cross_entropy against F.cross_entropy: its loss is the sum over the
    batch, its gradient that of loss * scale (scale 1/N is reduction "mean")."""
    table = [  # name, logits shape, scale of the logits, reduction
        ("mean_n4_k10", (4, 10, 1, 1), 3.0, "mean"),
        ("sum_n3_k7", (3, 7, 1, 1), 3.0, "sum"),
        ("mean_confident_n2_k5", (2, 5, 1, 1), 40.0, "mean"),
        ("mean_n2_k3x2x2_flattened", (2, 3, 2, 2), 2.0, "mean"),
    ]
    for name, shape, scale, reduction in table:
        logits = leaf(*shape, scale=scale)
        labels = torch.randint(0, logits[0].numel(), (shape[0],))
        flat = logits.flatten(1)
        loss = F.cross_entropy(flat, labels, reduction=reduction)
        loss.backward()
        loss_sum = F.cross_entropy(flat.detach(), labels, reduction="sum")
        w.case(name, "cross_entropy",
               {"reduction": reduction, "scale": 1.0 / shape[0] if reduction == "mean" else 1.0,
                "correct": int((flat.argmax(1) == labels).sum())},
               {"input0": logits, "labels": labels.double(), "loss_sum": loss_sum.reshape(1),
                "grad_input0": logits.grad})


FAMILIES = {"conv2d": conv_cases, "pool": pool_cases, "lrn": lrn_cases,
            "batchnorm2d": batchnorm_cases, "linear_softmax": linear_softmax_cases,
            "graph": graph_cases, "activation": activation_cases,
            "arithmetic": arithmetic_cases, "dropout": dropout_cases,
            "cross_entropy": cross_entropy_cases}


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
