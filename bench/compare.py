#!/usr/bin/python3
"""Inference latency at batch 1 with EVERY intermediate activation kept: PyTorch, OpenCV DNN and
ConvLens on the same ONNX-exported models with the same seeded weights, in one run.

    /usr/bin/python3 bench/compare.py BUILD/src/convlens [--opencv BUILD/bench/opencv_dnn_bench]
        [--threads 1 2] [--runs 20] [--rounds 1]
        [--models lenet5,tinyvgg,alexnet,vgg16,googlenet,resnet18]

For each model: build it in PyTorch (torchvision's alexnet/vgg16/googlenet/resnet18; LeNet-5 and
TinyVGG as in src/engine/zoo) with torch.manual_seed(0), export it to ONNX (opset 13), then at
each thread count time
  - PyTorch: torch.set_num_threads(T), a forward hook on every module keeping its output;
  - ConvLens: `convlens bench MODEL.onnx --threads T --runs R --json` (every node's output kept);
  - OpenCV DNN: bench/opencv_dnn_bench (built by CMake only when libopencv-dnn-dev is installed),
    net.forward(outputs, net.getLayerNames()): every layer's output requested.
Each figure is the median of R runs after 3 warm-up runs (with --rounds K, the best of K such
medians taken in interleaved rounds). Prints one table: medians in ms and
ConvLens / min(PyTorch, OpenCV). Needs Debian's python3-torch and python3-torchvision.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn as nn

MODELS = ["lenet5", "tinyvgg", "alexnet", "vgg16", "googlenet", "resnet18"]
WARMUP = 3


def lenet5():
    # src/engine/zoo/lenet5.cpp
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10), nn.Softmax(dim=1))


def tinyvgg():
    # src/engine/zoo/tinyvgg.cpp (CNN Explainer)
    return nn.Sequential(
        nn.Conv2d(3, 10, 3), nn.ReLU(), nn.Conv2d(10, 10, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(10, 10, 3), nn.ReLU(), nn.Conv2d(10, 10, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(1690, 10), nn.Softmax(dim=1))


def build(name):
    import torchvision.models as tvm
    torch.manual_seed(0)
    if name == "lenet5":
        return lenet5(), (1, 1, 28, 28)
    if name == "tinyvgg":
        return tinyvgg(), (1, 3, 64, 64)
    if name == "googlenet":
        return tvm.googlenet(aux_logits=False, init_weights=True,
                             transform_input=False), (1, 3, 224, 224)
    return getattr(tvm, name)(), (1, 3, 224, 224)


def fold_initializer_identities(path):
    """torch.onnx leaves `Identity(initializer)` nodes where modules share a constant; OpenCV 4.6
    cannot import those. Renaming the initializer instead changes no value."""
    import onnx
    m = onnx.load(path)
    inits = {i.name: i for i in m.graph.initializer}
    keep = []
    for node in m.graph.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            copy = onnx.TensorProto()
            copy.CopyFrom(inits[node.input[0]])
            copy.name = node.output[0]
            m.graph.initializer.append(copy)
        else:
            keep.append(node)
    if len(keep) != len(m.graph.node):
        del m.graph.node[:]
        m.graph.node.extend(keep)
        onnx.save(m, path)


def median_ms(fn, runs):
    for _ in range(WARMUP):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def time_torch(model, shape, threads, runs):
    torch.set_num_threads(threads)
    kept = []
    hooks = [m.register_forward_hook(lambda m, i, o: kept.append(o))
             for _, m in model.named_modules()]
    x = torch.rand(*shape)

    def run():
        kept.clear()
        with torch.no_grad():
            model(x)
    try:
        return median_ms(run, runs), len(kept)
    finally:
        for h in hooks:
            h.remove()


def time_convlens(binary, onnx_path, threads, runs):
    out = subprocess.run([binary, "bench", onnx_path, "--threads", str(threads), "--runs",
                          str(runs), "--warmup", str(WARMUP), "--json"],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    return j["median_ms"], len(j["layers"])


def time_opencv(binary, onnx_path, shape, threads, runs):
    if not binary:
        return None, 0
    cmd = [binary, onnx_path] + [str(s) for s in shape[1:]] + [
        "--threads", str(threads), "--runs", str(runs), "--warmup", str(WARMUP)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("opencv_dnn_bench failed on %s: %s" % (onnx_path, r.stderr.strip()),
              file=sys.stderr)
        return None, 0
    j = json.loads(r.stdout)
    return j["median_ms"], j["outputs"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("convlens", help="path of the convlens binary")
    ap.add_argument("--opencv", help="path of opencv_dnn_bench (BUILD/bench/opencv_dnn_bench)")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--rounds", type=int, default=1,
                    help="time the three engines this many times, interleaved; keep each "
                         "one's best median")
    ap.add_argument("--workdir", help="keep the exported .onnx files here")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args()
    if args.runs < 20:
        print("note: fewer than 20 runs per median", file=sys.stderr)
    if args.opencv and not os.path.exists(args.opencv):
        sys.exit("%s does not exist (is libopencv-dnn-dev installed?)" % args.opencv)

    tmp = None
    workdir = args.workdir
    if not workdir:
        tmp = tempfile.TemporaryDirectory(prefix="convlens_compare_")
        workdir = tmp.name
    os.makedirs(workdir, exist_ok=True)

    rows = []
    for name in args.models.split(","):
        model, shape = build(name)
        model.eval()
        onnx_path = os.path.join(workdir, name + ".onnx")
        torch.onnx.export(model, torch.rand(*shape), onnx_path, opset_version=13,
                          do_constant_folding=True)
        fold_initializer_identities(onnx_path)
        for threads in args.threads:
            # Interleaved rounds, best median kept: load from other processes comes and goes,
            # and this way it does not favour whichever engine ran in a quiet moment.
            t_ms = c_ms = o_ms = None
            for _ in range(args.rounds):
                t, t_out = time_torch(model, shape, threads, args.runs)
                c, c_out = time_convlens(args.convlens, onnx_path, threads, args.runs)
                o, o_out = time_opencv(args.opencv, onnx_path, shape, threads, args.runs)
                t_ms = t if t_ms is None else min(t_ms, t)
                c_ms = c if c_ms is None else min(c_ms, c)
                if o is not None:
                    o_ms = o if o_ms is None else min(o_ms, o)
            best = min(v for v in (t_ms, o_ms) if v is not None)
            row = {"model": name, "threads": threads, "pytorch_ms": t_ms, "opencv_ms": o_ms,
                   "convlens_ms": c_ms, "ratio": c_ms / best, "pytorch_outputs": t_out,
                   "opencv_outputs": o_out, "convlens_outputs": c_out}
            rows.append(row)
            print("%-10s %d thr  pytorch %9.3f  opencv %9s  convlens %9.3f  ratio %.2f" % (
                name, threads, t_ms, "%.3f" % o_ms if o_ms is not None else "-", c_ms,
                row["ratio"]), file=sys.stderr, flush=True)
        if not args.workdir:
            os.remove(onnx_path)

    print("| model | threads | PyTorch ms | OpenCV DNN ms | ConvLens ms | ConvLens / best |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print("| %s | %d | %.3f | %s | %.3f | %.2f |" % (
            r["model"], r["threads"], r["pytorch_ms"],
            "%.3f" % r["opencv_ms"] if r["opencv_ms"] is not None else "-", r["convlens_ms"],
            r["ratio"]))
    print("\nPyTorch %s; median of %d runs after %d warm-up, best of %d interleaved round(s); "
          "outputs kept per run: see --json" % (torch.__version__, args.runs, WARMUP, args.rounds))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
