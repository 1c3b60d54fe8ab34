#!/usr/bin/env python3
"""PyTorch oracle for the ONNX importer tests.

For one test case, builds a model with seeded random weights, runs it in PyTorch on a seeded
input keeping every module's output (forward hooks), exports it with torch.onnx.export, and
writes OUT/<case>.onnx plus OUT/<case>/: input.npy, one .npy per module output, and map.json
mapping each module call to the ONNX tensor that holds its output.

How a module is matched to its ONNX tensor: torch.onnx.export (1.13) names every node after the
module scope it came from ("/layer1/layer1.0/conv1/Conv"); the module's output is the last
run-time node of its scope. With eval-mode export, torch folds a BatchNorm into the Conv before
it: the Conv's tensor then holds the BatchNorm's output, so it is mapped to the BatchNorm.

The "handmade" case builds an ONNX graph directly (onnx.helper) for ops torch does not emit
(LRN, MatMul+Add, asymmetric Conv pads, Clip with one bound) and computes each node's output
with torch.nn.functional.

usage: onnx_export_models.py OUT_DIR CASE [CASE ...]     (CASE from --list; several cases in one
       run share the two seconds that loading PyTorch takes)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNetLike(nn.Module):
    """A user's own small net: most of the ops a teacher's model might use."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool1 = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.act = nn.ReLU6()
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool1(torch.tanh(self.conv1(x)))
        x = self.pool2(torch.sigmoid(self.conv2(x)))
        x = (x * 2 - 1) / 3
        x = x.view(x.size(0), -1)
        return F.softmax(self.fc2(self.drop(self.act(self.fc1(x)))), dim=1)


class WithNormalization(nn.Module):
    """docs/onnx.md's wrapper: ImageNet mean/std inside the model, so that ConvLens can feed
    pixel / 255 as it does for every image."""

    def __init__(self, net, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
        super().__init__()
        self.net = net
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))

    def forward(self, x):
        return self.net((x - self.mean) / self.std)


def torchvision_model(name):
    import torchvision.models as tvm
    if name == "googlenet_transform_input":   # what googlenet(weights=...) builds
        return tvm.googlenet(aux_logits=False, init_weights=True, transform_input=True)
    if name == "googlenet":
        return tvm.googlenet(aux_logits=False, init_weights=True, transform_input=False)
    if name.startswith("inception"):
        return tvm.inception_v3(aux_logits=False, init_weights=True, transform_input=False)
    return getattr(tvm, name)()


# case -> (builder, input shape, opset, constant folding, keep BatchNorm nodes)
def case_table():
    cases = {}
    for opset in (9, 11, 13, 17):
        cases["lenet_opset%d" % opset] = (LeNetLike, (1, 1, 28, 28), opset, True, False)
    # Without constant folding the flatten's Shape/Gather/Unsqueeze/Concat plumbing stays in.
    cases["lenet_opset11_unfolded"] = (LeNetLike, (1, 1, 28, 28), 11, False, False)
    ci = ["alexnet", "resnet18", "squeezenet1_1", "mobilenet_v2", "googlenet",
          "googlenet_transform_input"]
    slow = ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
            "resnet34", "resnet50", "squeezenet1_0", "densenet121"]
    for name in ci + slow:
        cases[name] = (lambda n=name: torchvision_model(n), (1, 3, 224, 224), 13, True, False)
    cases["squeezenet1_1_normalized"] = (lambda: WithNormalization(torchvision_model(
        "squeezenet1_1")), (1, 3, 224, 224), 13, True, False)
    # BatchNormalization kept as explicit nodes (training=PRESERVE on an eval model).
    cases["resnet18_explicit_bn"] = (lambda: torchvision_model("resnet18"), (1, 3, 224, 224), 13,
                                     True, True)
    cases["mobilenet_v2_opset9"] = (lambda: torchvision_model("mobilenet_v2"), (1, 3, 224, 224),
                                    9, True, False)
    return cases


def scope_of(name, call):
    """torch.onnx's scope string for module `name` ("features.1.conv.0") on its call-th call."""
    parts = name.split(".")
    scope = ""
    for i in range(1, len(parts) + 1):
        atoms = parts[:i]
        k = len(atoms) - 1
        while k > 0 and atoms[k].isnumeric():
            k -= 1
        scope += "/" + ".".join(atoms[k:])
    return scope + ("_%d" % call if call else "")


def run_and_export(case, out_dir):
    import onnx
    build, shape, opset, fold, keep_bn = case_table()[case]
    torch.manual_seed(0)
    model = build().eval()
    torch.manual_seed(1)
    x = torch.randn(*shape)

    calls = []   # (module name, call index, output copy, id(output), id(input 0), module)
    counts = {}

    def hook_for(name):
        def hook(module, inputs, output):
            if not isinstance(output, torch.Tensor):
                return
            k = counts.get(name, 0)
            counts[name] = k + 1
            first = inputs[0] if inputs and isinstance(inputs[0], torch.Tensor) else None
            calls.append((name, k, output.detach().clone(), id(output), id(first), module))
        return hook

    handles = [m.register_forward_hook(hook_for(n)) for n, m in model.named_modules() if n]
    with torch.no_grad():
        logits = model(x)
    for h in handles:
        h.remove()

    onnx_path = os.path.join(out_dir, case + ".onnx")
    mode = torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, x, onnx_path, opset_version=opset, do_constant_folding=fold,
                      keep_initializers_as_inputs=False, training=mode)
    graph = onnx.load(onnx_path).graph

    runtime = {graph.input[0].name}
    runtime_nodes = []
    for node in graph.node:
        if any(i in runtime for i in node.input):
            runtime.update(node.output)
            runtime_nodes.append(node)

    mapping = {}   # call index -> tensor name
    for index, (name, k, out, _, _, _) in enumerate(calls):
        prefix = scope_of(name, k) + "/"
        last = None
        for node in runtime_nodes:
            if node.name.startswith(prefix):
                last = node
        if last is not None:
            mapping[index] = last.output[0]
    # Eval-mode export folds each BatchNorm into the Conv that feeds it.
    for index, (name, k, out, out_id, in_id, module) in enumerate(calls):
        if isinstance(module, nn.BatchNorm2d) and index not in mapping:
            for j in range(index - 1, -1, -1):
                if calls[j][3] == in_id and j in mapping:
                    mapping[index] = mapping.pop(j)
                    break

    case_dir = os.path.join(out_dir, case)
    os.makedirs(case_dir, exist_ok=True)
    np.save(os.path.join(case_dir, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(case_dir, "logits.npy"), logits.numpy().astype(np.float32))
    outputs = []
    for index, tensor in sorted(mapping.items()):
        name, k, out = calls[index][:3]
        label = name + ("#%d" % k if k else "")
        file = "%03d.npy" % index
        np.save(os.path.join(case_dir, file), out.numpy().astype(np.float32))
        outputs.append({"module": label, "tensor": tensor, "file": file})
    return {"onnx": case + ".onnx", "input": "input.npy", "logits": "logits.npy",
            "output_tensor": graph.output[0].name, "modules": len(calls), "outputs": outputs}


def handmade(out_dir):
    """An ONNX graph written by hand, with the reference of every node from torch.nn.functional."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(7)

    def rand(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    x = rand(1, 3, 12, 12)
    w1, b1 = rand(8, 3, 3, 3) * 0.3, rand(8)
    mean = rand(1, 8, 1, 1)
    scale = rand(8, 1, 1) + 2.0
    w2 = rand(8, 1, 3, 3) * 0.3
    gamma, beta, rmean, rvar = rand(8), rand(8), rand(8), np.abs(rand(8)) + 0.5
    wm, bm = rand(8, 5) * 2, rand(5)
    wg = rand(4, 5)
    inits = {"w1": w1, "b1": b1, "mean": mean, "scale": scale, "w2": w2, "gamma": gamma,
             "beta": beta, "rmean": rmean, "rvar": rvar, "wm": wm, "bm": bm, "wg": wg,
             "clip_min": np.array(0.1, np.float32), "clip2_min": np.array(-0.5, np.float32),
             "clip2_max": np.array(0.5, np.float32)}
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["conv_asym"], name="conv_asym", kernel_shape=[3, 3],
          pads=[0, 1, 2, 1]),
        n("LRN", ["conv_asym"], ["lrn"], name="lrn", size=3, alpha=1e-3, beta=0.75, bias=2.0),
        n("Sub", ["lrn", "mean"], ["sub"], name="sub"),
        n("Mul", ["sub", "scale"], ["mul"], name="mul"),
        n("AveragePool", ["mul"], ["avgpool"], name="avgpool", kernel_shape=[3, 3],
          strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=0),
        n("Conv", ["avgpool", "w2"], ["depthwise"], name="depthwise", kernel_shape=[3, 3],
          pads=[2, 2, 2, 2], dilations=[2, 2], group=8),
        n("BatchNormalization", ["depthwise", "gamma", "beta", "rmean", "rvar"], ["bn"],
          name="bn", epsilon=1e-3),
        n("Clip", ["bn", "clip_min"], ["clip"], name="clip"),
        n("GlobalAveragePool", ["clip"], ["gap"], name="gap"),
        n("Flatten", ["gap"], ["flat"], name="flat"),
        n("MatMul", ["flat", "wm"], ["matmul"], name="matmul"),
        n("Add", ["matmul", "bm"], ["fc"], name="fc_bias"),
        n("Tanh", ["fc"], ["tanh"], name="tanh"),
        n("Clip", ["tanh", "clip2_min", "clip2_max"], ["clip2"], name="clip2"),
        n("Gemm", ["clip2", "wg"], ["gemm"], name="gemm", alpha=0.5, transB=1),
        n("Softmax", ["gemm"], ["prob"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes, "handmade", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 12])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [1, 4])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "handmade.onnx"))

    t = {k: torch.from_numpy(v) for k, v in inits.items()}
    ref = {}
    with torch.no_grad():
        v = F.conv2d(F.pad(torch.from_numpy(x), (1, 1, 0, 2)), t["w1"], t["b1"])
        ref["conv_asym"] = v
        ref["lrn"] = v = F.local_response_norm(v, 3, alpha=1e-3, beta=0.75, k=2.0)
        ref["sub"] = v = v - t["mean"]
        ref["mul"] = v = v * t["scale"]
        ref["avgpool"] = v = F.avg_pool2d(v, 3, 2, 1, ceil_mode=True, count_include_pad=False)
        ref["depthwise"] = v = F.conv2d(v, t["w2"], padding=2, dilation=2, groups=8)
        ref["bn"] = v = F.batch_norm(v, t["rmean"], t["rvar"], t["gamma"], t["beta"], eps=1e-3)
        ref["clip"] = v = torch.clamp(v, min=0.1)
        ref["gap"] = v = v.mean(dim=(2, 3), keepdim=True)
        ref["flat"] = v = v.flatten(1)
        ref["fc"] = v = v @ t["wm"] + t["bm"]
        ref["tanh"] = v = torch.tanh(v)
        ref["clip2"] = v = torch.clamp(v, -0.5, 0.5)
        ref["gemm"] = v = 0.5 * (v @ t["wg"].T)
        ref["prob"] = v = F.softmax(v, dim=1)
    case_dir = os.path.join(out_dir, "handmade")
    os.makedirs(case_dir, exist_ok=True)
    np.save(os.path.join(case_dir, "input.npy"), x)
    np.save(os.path.join(case_dir, "logits.npy"), ref["prob"].numpy())
    outputs = []
    for i, (name, value) in enumerate(ref.items()):
        file = "%03d.npy" % i
        np.save(os.path.join(case_dir, file), value.numpy().astype(np.float32))
        outputs.append({"module": name, "tensor": name, "file": file})
    return {"onnx": "handmade.onnx", "input": "input.npy", "logits": "logits.npy",
            "output_tensor": "prob", "modules": len(ref), "outputs": outputs}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        print("\n".join(["handmade"] + list(case_table())))
        return 0
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for case in sys.argv[2:]:
        info = handmade(out_dir) if case == "handmade" else run_and_export(case, out_dir)
        with open(os.path.join(out_dir, case, "map.json"), "w") as f:
            json.dump(info, f, indent=1)
        print("%s: %d of %d module outputs mapped to ONNX tensors" %
              (case, len(info["outputs"]), info["modules"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
