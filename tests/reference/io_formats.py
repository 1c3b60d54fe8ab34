#!/usr/bin/env python3
"""NumPy / PyTorch side of tests/io: reads what ConvLens wrote and writes files ConvLens must read.

Usage:
  io_formats.py npy-read FILE                 np.load FILE; prints {"shape","dtype","values"}
  io_formats.py npy-write DIR                 np.save / write_array cases (see NPY_CASES)
  io_formats.py safetensors-to-torch FILE X   parses FILE by hand (json, struct, numpy), loads it
                                              into TinyNet (strict names/shapes) and prints every
                                              tensor plus TinyNet(X) for the .npy input X
  io_formats.py torch-to-safetensors FILE X   writes TinyNet's state_dict (seed 7) by hand as
                                              safetensors FILE and prints it plus TinyNet(X)
  io_formats.py png-alpha DIR                 grey_alpha.png and rgba.png: 3x1 black pixels with
                                              alpha 255, 0, 128 (PNG written with zlib by hand)

The Debian python3 has no `safetensors` module, so the format is parsed and written here from its
specification: u64 little-endian header size, JSON header, raw little-endian data.
"""
import json
import struct
import sys
import zlib

import numpy as np

# name -> (dtype, shape, version, fortran); values = the formula in value_formula()
NPY_CASES = {
    "f4_rank3": ("<f4", (2, 3, 4), (1, 0), False),
    "f8_rank1": ("<f8", (5,), (1, 0), False),
    "f4_rank4": ("<f4", (2, 3, 4, 5), (1, 0), False),
    "f4_rank0": ("<f4", (), (1, 0), False),
    "f4_v2": ("<f4", (3, 3), (2, 0), False),
    "f4_rank2": ("<f4", (28, 28), (1, 0), False),
    "fortran": ("<f4", (3, 4), (1, 0), True),
    "int32": ("<i4", (4,), (1, 0), False),
    "big_endian": (">f4", (4,), (1, 0), False),
    "rank5": ("<f4", (1, 1, 1, 2, 2), (1, 0), False),
}


def value_formula(n):
    """The values the C++ test recomputes: v[i] = 0.25 * i - 3 in C order (exact in float32)."""
    return np.arange(n, dtype=np.float64) * 0.25 - 3.0


def npy_write(out_dir):
    for name, (dtype, shape, version, fortran) in NPY_CASES.items():
        n = int(np.prod(shape)) if shape else 1
        a = value_formula(n).reshape(shape).astype(dtype)
        if fortran:
            a = np.asfortranarray(a)
        with open(f"{out_dir}/{name}.npy", "wb") as f:
            np.lib.format.write_array(f, a, version=version)


def npy_read(path):
    a = np.load(path, allow_pickle=False)
    print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str,
                      "values": [float(v) for v in a.reshape(-1)]}))


def parse_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"])
    return header.get("__metadata__", {}), tensors


def tiny_net():
    """The C++ test builds the same graph: input 3x8x8 -> conv1 -> bn1 -> relu -> flatten -> fc."""
    import torch

    class TinyNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(3, 4, 3)
            self.bn1 = torch.nn.BatchNorm2d(4)
            self.fc = torch.nn.Linear(4 * 6 * 6, 5)

        def forward(self, x):
            return self.fc(torch.flatten(torch.relu(self.bn1(self.conv1(x))), 1))

    return TinyNet().eval()


def run(net, input_path):
    import torch
    x = torch.from_numpy(np.load(input_path).astype(np.float32))
    with torch.no_grad():
        return [float(v) for v in net(x).reshape(-1)]


def safetensors_to_torch(path, input_path):
    import torch
    metadata, tensors = parse_safetensors(path)
    net = tiny_net()
    result = net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()},
                                 strict=False)
    # strict apart from BatchNorm's step counter, which ConvLens does not keep
    assert not result.unexpected_keys, result.unexpected_keys
    assert all(k.endswith("num_batches_tracked") for k in result.missing_keys), result.missing_keys
    state = {k: v for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    print(json.dumps({
        "metadata": metadata,
        "file": {k: {"shape": list(v.shape), "values": [float(x) for x in v.reshape(-1)]}
                 for k, v in tensors.items()},
        "torch": {k: {"shape": list(v.shape), "values": [float(x) for x in v.reshape(-1)]}
                  for k, v in state.items()},
        "output": run(net, input_path)}))


def torch_to_safetensors(path, input_path):
    import torch
    torch.manual_seed(7)
    net = tiny_net()
    with torch.no_grad():   # non-trivial BatchNorm statistics and affine parameters
        net.bn1.running_mean.uniform_(-0.5, 0.5)
        net.bn1.running_var.uniform_(0.5, 2.0)
        net.bn1.weight.uniform_(0.5, 1.5)
        net.bn1.bias.uniform_(-0.2, 0.2)
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in net.state_dict().items():   # includes bn1.num_batches_tracked (I64)
        raw = t.contiguous().numpy().tobytes()
        dtype = "I64" if t.dtype == torch.int64 else "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    print(json.dumps({
        "torch": {k: {"shape": list(v.shape), "values": [float(x) for x in v.reshape(-1)]}
                  for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")},
        "output": run(net, input_path)}))


def png(width, height, colour_type, rows):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) +
            chunk(b"IEND", b""))


def png_alpha(out_dir):
    alphas = [255, 0, 128]
    with open(f"{out_dir}/grey_alpha.png", "wb") as f:   # colour type 4: grey, alpha
        f.write(png(3, 1, 4, [bytes(v for a in alphas for v in (0, a))]))
    with open(f"{out_dir}/rgba.png", "wb") as f:         # colour type 6: RGB, alpha
        f.write(png(3, 1, 6, [bytes(v for a in alphas for v in (0, 0, 0, a))]))


def main():
    command = sys.argv[1]
    if command == "npy-read":
        npy_read(sys.argv[2])
    elif command == "npy-write":
        npy_write(sys.argv[2])
    elif command == "safetensors-to-torch":
        safetensors_to_torch(sys.argv[2], sys.argv[3])
    elif command == "torch-to-safetensors":
        torch_to_safetensors(sys.argv[2], sys.argv[3])
    elif command == "png-alpha":
        png_alpha(sys.argv[2])
    else:
        raise SystemExit(f"io_formats.py: unknown command {command}")


if __name__ == "__main__":
    main()
