#!/usr/bin/python3
"""Training speed: one epoch of LeNet-5 on the 8,000 MNIST training digits, in PyTorch and in
ConvLens, with the same batch size, optimiser, learning rate and thread count, in one run.

    /usr/bin/python3 bench/train_vs_pytorch.py BUILD/src/convlens [--threads 2] [--batch 64]
        [--optimizer adam|sgd] [--repeat 3]

Prints the samples/s of each (the best of --repeat epochs, training only: no data loading, no
evaluation) and the ratio ConvLens / PyTorch. Needs Debian's python3-torch (/usr/bin/python3)
and data/mnist from scripts/setup.sh.
"""
import argparse
import gzip
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


def read_idx(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(folder, split, kind):
    for name in sorted(os.listdir(folder)):
        if kind in name and (name.startswith(split) or (split == "t10k" and "test" in name)):
            return folder / name
    sys.exit(f"{folder}: no {split} {kind} file (run scripts/setup.sh)")


def lenet5():
    # The same layers, order and initialisation scheme family as src/engine/zoo/lenet5.cpp.
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def torch_epoch(images, labels, args, seed):
    torch.manual_seed(seed)
    model = lenet5()
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


def convlens_epoch(binary, args, seed):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [binary, "train", "lenet5", "--data", args.data, "--epochs", "1",
               "--batch", str(args.batch), "--optimizer", args.optimizer, "--lr", str(args.lr),
               "--schedule", "constant", "--threads", str(args.threads), "--seed", str(seed),
               "--out", os.path.join(tmp, "w.safetensors")]
        out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("convlens train failed: " + out.stderr.strip())
    m = re.search(r"epoch 1/1: .*\(([\d.]+) samples/s\)", out.stdout)
    if not m:
        sys.exit("could not read samples/s from:\n" + out.stdout)
    return float(m.group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary", help="path to the built convlens binary")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--data", default=str(REPO / "data" / "mnist"))
    args = p.parse_args()
    if args.lr is None:
        args.lr = 1e-3 if args.optimizer == "adam" else 0.05

    torch.set_num_threads(args.threads)
    folder = Path(args.data)
    images = torch.from_numpy(read_idx(find(folder, "train", "idx3")).astype(np.float32) / 255.0)
    images = images.unsqueeze(1).contiguous()   # [N,1,28,28]
    labels = torch.from_numpy(read_idx(find(folder, "train", "idx1")).astype(np.int64))

    torch_rates, ours = [], []
    for r in range(args.repeat):   # interleaved, so that a busy moment hurts both alike
        torch_rates.append(torch_epoch(images, labels, args, seed=r)[0])
        ours.append(convlens_epoch(args.binary, args, seed=r + 1))
    t, c = max(torch_rates), max(ours)
    print(f"LeNet-5, one epoch over {images.shape[0]} MNIST digits, batch {args.batch}, "
          f"{args.optimizer} lr {args.lr}, {args.threads} threads, best of {args.repeat}")
    print(f"pytorch {torch.__version__}: {t:8.0f} samples/s")
    print(f"convlens:       {c:8.0f} samples/s")
    print(f"ratio convlens/pytorch: {c / t:.2f}")


if __name__ == "__main__":
    main()
