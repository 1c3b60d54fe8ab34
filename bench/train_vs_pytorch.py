#!/usr/bin/python3
"""Training speed: one epoch of a built-in model on MNIST or Fashion-MNIST, in PyTorch and in
ConvLens, with the same architecture, images, batch size, optimiser, learning rate and thread
count, in one run.

    /usr/bin/python3 bench/train_vs_pytorch.py BUILD/src/convlens
        [--model lenet5|alexnet-mini|vgg-mini|googlenet-mini|resnet-mini|all]
        [--data mnist|fashion-mnist|FOLDER] [--limit N] [--threads 2] [--batch 64]
        [--optimizer adam|sgd] [--lr LR] [--repeat 3]

Prints the samples/s of each (the best of --repeat epochs, interleaved so that a busy moment
hurts both alike; training only: no data loading, no evaluation) and the ratio ConvLens /
PyTorch. With --model all it trains LeNet-5 and the four classroom models in turn (progress on
stderr) and prints one Markdown table on stdout: model, params, ConvLens samples/s, PyTorch
samples/s, ratio.

Data: --data mnist is data/mnist from scripts/setup.sh (its 8,000 training digits;
$CONVLENS_DATA_DIR/mnist when that is set, as for convlens), fashion-mnist is
$CONVLENS_FASHION_DIR or /usr/share/datasets/fashion-mnist (60,000 images), and any other value
is a folder of IDX files. --limit N keeps the first N training images (default: all of them).
The images ConvLens trains on are written to a temporary folder as IDX files (the training split
only, so convlens does no test evaluation), so both sides see exactly the same N images.

Architectures: the PyTorch modules rebuild src/engine/zoo/lenet5.cpp and mini.cpp layer by layer,
with ConvLens's layer names (LRN as nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2),
BatchNorm2d with eps 1e-5 and momentum 0.1, resnet-mini's convolutions without bias, a Linear
flattening its input as ConvLens's does). Before timing, each is checked against
`convlens summary MODEL --format json` of the binary under test: every layer's op, output shape,
kernel, stride, padding and weight and bias counts, and total_params; the script stops if
anything differs. Only the weight initialisation differs (PyTorch's defaults, ConvLens's He).

Differences in what is timed: ConvLens trains data-parallel, one slice of each batch per thread
on its own replica of the graph, so in resnet-mini each replica's BatchNorm normalises its own
slice of the batch (like PyTorch DataParallel without SyncBatchNorm) while PyTorch normalises the
whole batch; the architecture and the batch size are the same. PyTorch gets 4 untimed warm-up
batches; ConvLens's epoch time includes its first batches.

Needs Debian's python3-torch (/usr/bin/python3).
"""
import argparse
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

REPO = Path(__file__).resolve().parent.parent
MODELS = ["lenet5", "alexnet-mini", "vgg-mini", "googlenet-mini", "resnet-mini"]


# ---------------------------------------------------------------- data

def read_idx(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def write_idx(path, array):
    array = np.ascontiguousarray(array, dtype=np.uint8)
    with open(path, "wb") as f:
        f.write(struct.pack(">I", 0x0800 | array.ndim))
        f.write(struct.pack(">" + "I" * array.ndim, *array.shape))
        f.write(array.tobytes())


def find(folder, split, kind):
    # As src/engine/io/idx.cpp find_idx: "...idx3-ubyte[.gz]", a raw file before its .gz twin.
    names = sorted(n for n in os.listdir(folder)
                   if (n.endswith(kind + "-ubyte") or n.endswith(kind + "-ubyte.gz"))
                   and (("train" in n) if split == "train"
                        else (n.startswith("t10k") or "test" in n)))
    if not names:
        sys.exit(f"{folder}: no {split} {kind} file")
    return folder / names[0]


def data_folder(spec):
    # As src/engine/io/idx.cpp dataset_load.
    if spec == "mnist":
        root = os.environ.get("CONVLENS_DATA_DIR") or str(REPO / "data")
        folder, hint = Path(root) / "mnist", "run scripts/setup.sh"
    elif spec == "fashion-mnist":
        folder = Path(os.environ.get("CONVLENS_FASHION_DIR") or "/usr/share/datasets/fashion-mnist")
        hint = "install the Debian package dataset-fashion-mnist (scripts/setup.sh does)"
    else:
        folder, hint = Path(spec), "expected mnist, fashion-mnist or a folder of IDX files"
    if not folder.is_dir():
        sys.exit(f"{folder}: no such folder ({hint})")
    return folder


# ---------------------------------------------------------------- models

class Chain(nn.Module):
    """Named layers run in order; a Linear flattens its input, as ConvLens's Linear does."""

    def __init__(self, layers):
        super().__init__()
        for name, module in layers:
            self.add_module(name, module)

    def forward(self, x):
        for module in self._modules.values():
            if isinstance(module, nn.Linear) and x.dim() > 2:
                x = torch.flatten(x, 1)
            x = module(x)
        return x


def conv(cin, cout, kernel, stride=1, pad=0, bias=True):
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=pad, bias=bias)


def lrn():
    return nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0)


def bn(channels):
    return nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1)


def lenet5():  # src/engine/zoo/lenet5.cpp (its final softmax is in the loss here)
    return Chain([
        ("conv1", conv(1, 6, 5, pad=2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2, 2)),
        ("conv2", conv(6, 16, 5)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2, 2)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(400, 120)), ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 84)), ("relu4", nn.ReLU()), ("fc3", nn.Linear(84, 10))])


def alexnet_mini():  # mini.cpp build_alexnet_mini
    return Chain([
        ("conv1", conv(1, 48, 5, stride=2, pad=2)), ("relu1", nn.ReLU()), ("lrn1", lrn()),
        ("maxpool1", nn.MaxPool2d(3, 2, padding=1)),                       # 48x7x7
        ("conv2", conv(48, 64, 3, pad=1)), ("relu2", nn.ReLU()), ("lrn2", lrn()),
        ("maxpool2", nn.MaxPool2d(3, 2, padding=1)),                       # 64x4x4
        ("conv3", conv(64, 96, 3, pad=1)), ("relu3", nn.ReLU()),
        ("conv4", conv(96, 96, 3, pad=1)), ("relu4", nn.ReLU()),
        ("conv5", conv(96, 64, 3, pad=1)), ("relu5", nn.ReLU()),
        ("maxpool3", nn.MaxPool2d(3, 2, padding=1)),                       # 64x2x2
        ("flatten", nn.Flatten()), ("dropout6", nn.Dropout(0.5)),
        ("fc6", nn.Linear(256, 384)), ("relu6", nn.ReLU()), ("dropout7", nn.Dropout(0.5)),
        ("fc7", nn.Linear(384, 384)), ("relu7", nn.ReLU()), ("fc8", nn.Linear(384, 10))])


def vgg_mini():  # mini.cpp build_vgg_mini: blocks of 1, 2 and 2 3x3 convs, 16-32-64
    layers, cin = [], 1
    for block, (width, convs) in enumerate([(16, 1), (32, 2), (64, 2)], start=1):
        for i in range(1, convs + 1):
            layers += [(f"conv{block}_{i}", conv(cin, width, 3, pad=1)),
                       (f"relu{block}_{i}", nn.ReLU())]
            cin = width
        layers.append((f"pool{block}", nn.MaxPool2d(2, 2)))                # 14, 7, 3
    layers += [("flatten", nn.Flatten()), ("dropout6", nn.Dropout(0.5)),
               ("fc6", nn.Linear(64 * 3 * 3, 256)), ("relu6", nn.ReLU()),
               ("fc7", nn.Linear(256, 10))]
    return Chain(layers)


class Inception(nn.Module):
    """googlenet.cpp add_inception_module: 1x1 | 3x3_reduce->3x3 | 5x5_reduce->5x5 |
    maxpool 3x3/1 pad 1 -> pool_proj, each conv followed by ReLU, concatenated in that order."""

    def __init__(self, cin, c1, r3, c3, r5, c5, proj):
        super().__init__()
        for name, a, b, k in [("1x1", cin, c1, 1), ("3x3_reduce", cin, r3, 1), ("3x3", r3, c3, 3),
                              ("5x5_reduce", cin, r5, 1), ("5x5", r5, c5, 5)]:
            self.add_module(name, conv(a, b, k, pad=k // 2))
            self.add_module("relu_" + name, nn.ReLU())
        self.add_module("pool", nn.MaxPool2d(3, 1, padding=1))
        self.add_module("pool_proj", conv(cin, proj, 1))
        self.add_module("relu_pool_proj", nn.ReLU())

    def forward(self, x):
        m = self._modules
        b1 = m["relu_1x1"](m["1x1"](x))
        b3 = m["relu_3x3"](m["3x3"](m["relu_3x3_reduce"](m["3x3_reduce"](x))))
        b5 = m["relu_5x5"](m["5x5"](m["relu_5x5_reduce"](m["5x5_reduce"](x))))
        b4 = m["relu_pool_proj"](m["pool_proj"](m["pool"](x)))
        return torch.cat([b1, b3, b5, b4], dim=1)


def googlenet_mini():  # mini.cpp build_googlenet_mini
    return Chain([
        ("conv1/3x3", conv(1, 32, 3, pad=1)), ("conv1/relu_3x3", nn.ReLU()),
        ("pool1/3x3_s2", nn.MaxPool2d(3, 2, padding=1)),                   # 32x14x14
        ("inception3a", Inception(32, 16, 24, 32, 4, 8, 8)),               # 64x14x14
        ("pool3/3x3_s2", nn.MaxPool2d(3, 2, padding=1)),                   # 64x7x7
        ("inception4a", Inception(64, 32, 32, 48, 8, 16, 16)),             # 112x7x7
        ("inception4b", Inception(112, 48, 48, 96, 12, 24, 24)),           # 192x7x7
        ("pool5/7x7_s1", nn.AdaptiveAvgPool2d(1)), ("pool5/drop", nn.Dropout(0.2)),
        ("loss3/classifier", nn.Linear(192, 10))])


class BasicBlock(nn.Module):
    """mini.cpp residual_block: two 3x3 convs with BatchNorm, a 1x1 projection when the shape
    changes."""

    def __init__(self, cin, channels, stride):
        super().__init__()
        self.conv1 = conv(cin, channels, 3, stride=stride, pad=1, bias=False)
        self.bn1 = bn(channels)
        self.relu = nn.ReLU()
        self.conv2 = conv(channels, channels, 3, pad=1, bias=False)
        self.bn2 = bn(channels)
        self.downsample = None
        if stride != 1 or cin != channels:
            self.downsample = nn.Sequential(conv(cin, channels, 1, stride=stride, bias=False),
                                            bn(channels))
        self.relu_out = nn.ReLU()

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu_out(y + shortcut)


def resnet_mini():  # mini.cpp build_resnet_mini
    return Chain([
        ("conv1", conv(1, 24, 3, pad=1, bias=False)), ("bn1", bn(24)), ("relu", nn.ReLU()),
        ("maxpool", nn.MaxPool2d(2, 2)),                                   # 24x14x14
        ("layer1", Chain([("0", BasicBlock(24, 24, 1))])),                 # 24x14x14
        ("layer2", Chain([("0", BasicBlock(24, 48, 2))])),                 # 48x7x7
        ("layer3", Chain([("0", BasicBlock(48, 96, 2))])),                 # 96x4x4
        ("avgpool", nn.AdaptiveAvgPool2d(1)), ("fc", nn.Linear(96, 10))])


BUILDERS = {"lenet5": lenet5, "alexnet-mini": alexnet_mini, "vgg-mini": vgg_mini,
            "googlenet-mini": googlenet_mini, "resnet-mini": resnet_mini}
TITLES = {"lenet5": "LeNet-5", "alexnet-mini": "alexnet-mini", "vgg-mini": "vgg-mini",
          "googlenet-mini": "googlenet-mini", "resnet-mini": "resnet-mini"}
OPS = {nn.Conv2d: "Conv2d", nn.ReLU: "Relu", nn.MaxPool2d: "MaxPool2d",
       nn.LocalResponseNorm: "Lrn", nn.Dropout: "Dropout", nn.Linear: "Linear",
       nn.Flatten: "Flatten", nn.BatchNorm2d: "BatchNorm2d", nn.AdaptiveAvgPool2d: "GlobalAvgPool"}
NOT_MODULES = {"Input", "Concat", "Add", "Softmax"}  # torch.cat, +, and the loss's softmax


def torch_layers(model):
    """{name: facts} of every leaf module, names spelt as ConvLens spells them."""
    facts, hooks = {}, []

    def pair(v):
        return v[0] if isinstance(v, tuple) else v

    for qualified, module in model.named_modules():
        if list(module.children()):
            continue
        name = qualified.replace("/", ".")
        f = {"op": OPS.get(type(module), type(module).__name__)}
        if isinstance(module, (nn.Conv2d, nn.MaxPool2d)):
            f.update(kernel=pair(module.kernel_size), stride=pair(module.stride),
                     pad=pair(module.padding))
        if isinstance(module, (nn.Conv2d, nn.Linear, nn.BatchNorm2d)):
            f.update(weights=module.weight.numel(),
                     bias=0 if module.bias is None else module.bias.numel())
        facts[name] = f

        def hook(_m, _inp, out, f=f):
            shape = list(out.shape[1:])
            f["output"] = shape + [1] * (3 - len(shape))

        hooks.append(module.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(2, 1, 28, 28))
    for h in hooks:
        h.remove()
    model.train()
    return facts


def check_architecture(binary, arch, model):
    """Exits unless `model` is layer for layer the graph `binary summary arch` describes."""
    out = subprocess.run([binary, "summary", arch, "--format", "json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"convlens summary {arch} failed: " + out.stderr.strip())
    summary = json.loads(out.stdout)
    ours = torch_layers(model)
    problems = []
    if summary["input"] != [1, 28, 28]:
        problems.append(f"input {summary['input']}, expected [1, 28, 28]")
    seen = set()
    for layer in summary["layers"]:
        if layer["op"] in NOT_MODULES:
            continue
        name = layer["name"].replace("/", ".")
        seen.add(name)
        mine = ours.get(name)
        if mine is None:
            problems.append(f"{layer['name']} ({layer['op']}): no such module in PyTorch")
            continue
        for key, value in mine.items():
            if layer.get(key) != value:
                problems.append(f"{layer['name']}: {key} {layer.get(key)} in ConvLens, "
                                f"{value} in PyTorch")
    problems += [f"{name}: in PyTorch only" for name in ours if name not in seen]
    params = sum(p.numel() for p in model.parameters())
    if params != summary["total_params"]:
        problems.append(f"total_params {summary['total_params']} in ConvLens, {params} in PyTorch")
    if problems:
        sys.exit(f"{arch}: the PyTorch module is not the ConvLens graph of {binary}:\n  "
                 + "\n  ".join(problems))
    return params


# ---------------------------------------------------------------- timing

def torch_epoch(arch, images, labels, args, seed):
    torch.manual_seed(seed)
    model = BUILDERS[arch]()
    model.train()
    if args.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    n = images.shape[0]

    def step(idx):
        opt.zero_grad()
        loss = loss_fn(model(images[idx]), labels[idx])
        loss.backward()
        opt.step()
        return loss

    warm = torch.randperm(n)[: 4 * args.batch]   # first-call allocations, not timed
    for b in range(0, len(warm), args.batch):
        step(warm[b:b + args.batch])
    order = torch.randperm(n)
    start = time.perf_counter()
    for b in range(0, n, args.batch):
        loss = step(order[b:b + args.batch])
    seconds = time.perf_counter() - start
    return n / seconds, float(loss)


def convlens_epoch(binary, arch, folder, args, seed):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [binary, "train", arch, "--data", folder, "--epochs", "1",
               "--batch", str(args.batch), "--optimizer", args.optimizer, "--lr", str(args.lr),
               "--schedule", "constant", "--threads", str(args.threads), "--seed", str(seed),
               "--out", os.path.join(tmp, "w.safetensors")]
        out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"convlens train {arch} failed: " + out.stderr.strip())
    m = re.search(r"epoch 1/1: .*\(([\d.]+) samples/s\)", out.stdout)
    if not m:
        sys.exit("could not read samples/s from:\n" + out.stdout)
    return float(m.group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary", help="path to the built convlens binary")
    p.add_argument("--model", choices=MODELS + ["all"], default="lenet5")
    p.add_argument("--data", default="mnist", help="mnist, fashion-mnist or a folder of IDX files")
    p.add_argument("--limit", type=int, default=None,
                   help="train on the first N training images (default: all)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    if args.lr is None:
        args.lr = 1e-3 if args.optimizer == "adam" else 0.05
    if args.limit is not None and args.limit < 1:
        p.error("--limit must be at least 1")
    archs = MODELS if args.model == "all" else [args.model]

    torch.set_num_threads(args.threads)
    folder = data_folder(args.data)
    raw_images = read_idx(find(folder, "train", "idx3"))
    raw_labels = read_idx(find(folder, "train", "idx1"))
    if raw_images.shape[0] != raw_labels.shape[0]:
        sys.exit(f"{folder}: {raw_images.shape[0]} images but {raw_labels.shape[0]} labels")
    if args.limit is not None:
        raw_images, raw_labels = raw_images[:args.limit], raw_labels[:args.limit]
    n = raw_images.shape[0]
    images = torch.from_numpy(raw_images.astype(np.float32) / 255.0).unsqueeze(1).contiguous()
    labels = torch.from_numpy(raw_labels.astype(np.int64))

    params = {arch: check_architecture(args.binary, arch, BUILDERS[arch]()) for arch in archs}

    fashion = "fashion" in str(folder).lower()
    what = ("MNIST digits" if args.data == "mnist" else "Fashion-MNIST images" if fashion
            else f"training images of {folder}")
    rows = []
    # ConvLens reads the same n images from IDX files; a folder whose path says "fashion" gets
    # Fashion-MNIST's class names (src/engine/io/idx.cpp), which do not change the timing.
    with tempfile.TemporaryDirectory(prefix="convlens-bench-" + ("fashion-" if fashion else "")) \
            as subset:
        write_idx(os.path.join(subset, "train-images-idx3-ubyte"), raw_images)
        write_idx(os.path.join(subset, "train-labels-idx1-ubyte"), raw_labels)
        for arch in archs:
            torch_rates, ours = [], []
            for r in range(args.repeat):   # interleaved, so that a busy moment hurts both alike
                torch_rates.append(torch_epoch(arch, images, labels, args, seed=r)[0])
                ours.append(convlens_epoch(args.binary, arch, subset, args, seed=r + 1))
                if len(archs) > 1:
                    print(f"{arch} round {r + 1}/{args.repeat}: pytorch {torch_rates[-1]:.0f}, "
                          f"convlens {ours[-1]:.0f} samples/s", file=sys.stderr, flush=True)
            rows.append((arch, params[arch], max(ours), max(torch_rates)))

    setup = (f"one epoch over {n} {what}, batch {args.batch}, {args.optimizer} lr {args.lr}, "
             f"{args.threads} threads, best of {args.repeat}, PyTorch {torch.__version__}")
    if len(archs) == 1:
        arch, count, c, t = rows[0]
        print(f"{TITLES[arch]} ({count} parameters in both), {setup}")
        print(f"pytorch {torch.__version__}: {t:8.0f} samples/s")
        print(f"convlens:       {c:8.0f} samples/s")
        print(f"ratio convlens/pytorch: {c / t:.2f}")
        return
    print(setup[0].upper() + setup[1:] + ":")
    print()
    print("| model | params | ConvLens samples/s | PyTorch samples/s | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for arch, count, c, t in rows:
        print(f"| {arch} | {count:,} | {c:,.0f} | {t:,.0f} | {c / t:.2f} |")


if __name__ == "__main__":
    main()
