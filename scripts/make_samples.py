#!/usr/bin/env python3
"""Writes assets/samples/: real MNIST digits as PNG inputs for the GUI, the CLI and the tests.

Usage: make_samples.py [MNIST_DIR] [OUT_DIR]   (defaults: data/mnist and assets/samples)
  digit-0.png ... digit-9.png  the first digit of each class in the test split
                               (t10k-*-ubyte.gz from scripts/setup.sh), 28x28 grey, white on black
  digit-7-paper.png            digit-7 enlarged 3x (84x84, nearest neighbour) and inverted: dark ink
                               on light paper, the way a photo or a scan of a drawing looks
Uses only the Python standard library (gzip, struct, zlib).
"""
import gzip
import os
import struct
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    got, = struct.unpack(">I", data[:4])
    if got != magic:
        raise SystemExit(f"make_samples: {path}: bad magic {got:#010x}")
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def png_grey(width, height, pixels):
    """An 8-bit greyscale PNG: IHDR, one IDAT (filter 0 on every row), IEND."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) +
            chunk(b"IEND", b""))


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data", "mnist")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "assets", "samples")
    (n, h, w), pixels = read_idx(os.path.join(src, "t10k-images-idx3-ubyte.gz"), 0x00000803)
    (m,), labels = read_idx(os.path.join(src, "t10k-labels-idx1-ubyte.gz"), 0x00000801)
    if n != m:
        raise SystemExit(f"make_samples: {n} images but {m} labels")
    os.makedirs(out, exist_ok=True)
    size = h * w
    first = {}
    for i, label in enumerate(labels):
        first.setdefault(label, i)
    for digit in range(10):
        i = first[digit]
        image = pixels[i * size:(i + 1) * size]
        write(os.path.join(out, f"digit-{digit}.png"), png_grey(w, h, image))
    seven = pixels[first[7] * size:(first[7] + 1) * size]
    scale = 3
    paper = bytes(255 - seven[(y // scale) * w + x // scale]
                  for y in range(h * scale) for x in range(w * scale))
    write(os.path.join(out, "digit-7-paper.png"), png_grey(w * scale, h * scale, paper))
    print(f"make_samples: 11 PNGs -> {out} (test indices {[first[d] for d in range(10)]})")


if __name__ == "__main__":
    main()
