#!/usr/bin/env python3
"""PyTorch oracle for tests/engine/test_attribution.cpp: saliency and Grad-CAM by autograd.

Usage: attribution_torch.py OUT_DIR lenet5 WEIGHTS
       attribution_torch.py OUT_DIR resnet18

Either model is computed in float64, so that the reference carries no float32 noise of its own:
  lenet5    trained weights (WEIGHTS, safetensors parsed by hand), on the [1,1,28,28] input the
            C++ test wrote to OUT_DIR/lenet5_input.npy;
  resnet18  torchvision's, seeded random weights, exported to OUT_DIR/resnet18.onnx by
            onnx_export_models.py (which also writes OUT_DIR/resnet18/input.npy), on that input.
For each, the predicted class and one other: the saliency d y_k / d x (y = logits, before any
softmax), and Grad-CAM at a few layers (alpha_c = mean over H x W of d y_k / d A_c,
map = ReLU(sum_c alpha_c A_c)), each layer named as ConvLens names the node (the ONNX tensor for
the import). Writes OUT_DIR/<model>.json listing every case and its .npy files.
Exit code 77: no torch.
"""
import json
import os
import sys

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as error:  # the C++ test skips with this message
    print(f"attribution_torch.py: PyTorch is not importable: {error}", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from io_formats import parse_safetensors  # noqa: E402
import onnx_export_models  # noqa: E402


def lenet_forward(p, x, keep):
    """ConvLens's zoo/lenet5.cpp: conv(6,5,pad 2) relu pool conv(16,5) relu pool fc fc fc."""
    v = keep["conv1"] = F.conv2d(x, p["conv1.weight"], p["conv1.bias"], padding=2)
    v = keep["relu1"] = F.relu(v)
    v = keep["pool1"] = F.max_pool2d(v, 2, 2)
    v = keep["conv2"] = F.conv2d(v, p["conv2.weight"], p["conv2.bias"])
    v = keep["relu2"] = F.relu(v)
    v = keep["pool2"] = F.max_pool2d(v, 2, 2)
    v = v.flatten(1)
    v = F.relu(F.linear(v, p["fc1.weight"], p["fc1.bias"]))
    v = F.relu(F.linear(v, p["fc2.weight"], p["fc2.bias"]))
    return F.linear(v, p["fc3.weight"], p["fc3.bias"])


class Writer:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.cases = []

    def save(self, name, t):
        np.save(os.path.join(self.out_dir, name), t.detach().numpy().astype(np.float32))
        return name

    def explain(self, model, x, forward, layers, classes):
        """forward(x) -> (logits, {node name: activation}); one case per method, layer, class."""
        x = x.clone().requires_grad_(True)
        logits, acts = forward(x)
        for a in acts.values():
            a.retain_grad()
        predicted = int(logits[0].argmax())
        for k in [predicted] + [c for c in classes if c != predicted]:
            for t in [x] + list(acts.values()):
                t.grad = None
            logits[0, k].backward(retain_graph=True)
            tag = f"{model}_{k}"
            self.cases.append({"model": model, "method": "saliency", "class": k,
                               "predicted": predicted, "score": float(logits[0, k]),
                               "map": self.save(f"{tag}_saliency.npy", x.grad)})
            for layer in layers:
                a, g = acts[layer], acts[layer].grad
                alphas = g.mean(dim=(2, 3))[0]                        # [C]
                cam = F.relu((alphas.view(1, -1, 1, 1) * a).sum(dim=1, keepdim=True))
                safe = layer.replace("/", "_").replace(".", "_")
                self.cases.append({"model": model, "method": "gradcam", "layer": layer,
                                   "class": k, "predicted": predicted,
                                   "map": self.save(f"{tag}_{safe}_cam.npy", cam),
                                   "alphas": self.save(f"{tag}_{safe}_alphas.npy", alphas)})


def lenet_cases(w, out_dir, weights):
    _, tensors = parse_safetensors(weights)
    p = {k: torch.from_numpy(np.array(v, dtype=np.float64)) for k, v in tensors.items()}
    x = torch.from_numpy(np.load(os.path.join(out_dir, "lenet5_input.npy")).astype(np.float64))

    def forward(x):
        keep = {}
        logits = lenet_forward(p, x, keep)
        return logits, {k: keep[k] for k in ("conv1", "relu1", "conv2", "relu2")}

    w.explain("lenet5", x, forward, ["conv1", "relu1", "conv2", "relu2"], [3])


def resnet_cases(w, out_dir):
    info = onnx_export_models.run_and_export("resnet18", out_dir)
    tensor_of = {o["module"]: o["tensor"] for o in info["outputs"]}
    torch.manual_seed(0)  # as run_and_export builds it: the same weights as the exported file
    model = onnx_export_models.case_table()["resnet18"][0]().eval().double()
    for m in model.modules():  # an in-place ReLU would overwrite the BatchNorm output kept below
        if isinstance(m, torch.nn.ReLU):
            m.inplace = False
    x = torch.from_numpy(np.load(os.path.join(out_dir, "resnet18", info["input"])).astype(
        np.float64))
    # layer4: the last block's ReLU (the usual Grad-CAM layer); layer3: one block further back;
    # layer4.0.bn1: a Conv's output in the export (the BatchNorm is folded into it), pre-ReLU.
    modules = ["layer4", "layer3", "layer4.0.bn1"]
    named = dict(model.named_modules())

    def forward(x):
        keep = {}
        handles = [named[m].register_forward_hook(
            lambda mod, inp, out, m=m: keep.__setitem__(m, out)) for m in modules]
        logits = model(x)
        for h in handles:
            h.remove()
        return logits, {tensor_of[m]: keep[m] for m in modules}

    w.explain("resnet18", x, forward, [tensor_of[m] for m in modules], [1])
    return {"onnx": info["onnx"], "input": os.path.join("resnet18", info["input"]),
            "layers": {m: tensor_of[m] for m in modules}}


def main():
    args = sys.argv[1:]
    if not (len(args) == 3 and args[1] == "lenet5") and args[1:] != ["resnet18"]:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir, model = args[0], args[1]
    torch.set_num_threads(1)
    w = Writer(out_dir)
    info = {}
    if model == "lenet5":
        lenet_cases(w, out_dir, args[2])
    else:
        info = resnet_cases(w, out_dir)
    with open(os.path.join(out_dir, model + ".json"), "w") as f:
        json.dump(dict(info, cases=w.cases), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
