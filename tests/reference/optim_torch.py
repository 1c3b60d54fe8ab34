"""PyTorch oracle for tests/train/test_optimizer.cpp: three steps of torch.optim.SGD / Adam on
parameters and gradients given by closed formulas, printed as JSON {case: [values...]}."""
import json
import math
import sys

import torch

CASES = {
    "sgd_plain": (torch.optim.SGD, dict(lr=0.1)),
    "sgd_momentum_wd": (torch.optim.SGD, dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    "adam": (torch.optim.Adam, dict(lr=0.01)),
    "adam_wd": (torch.optim.Adam, dict(lr=0.003, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
}
COUNT = 7
STEPS = 3


def initial(i):
    return math.sin(0.9 * i + 0.3)


def grad(i, step):
    return math.cos(0.7 * i + 1.3 * step) * (0.5 + step)


def main():
    out = {}
    for name, (cls, kwargs) in CASES.items():
        p = torch.tensor([initial(i) for i in range(COUNT)], dtype=torch.float32,
                         requires_grad=True)
        opt = cls([p], **kwargs)
        for step in range(STEPS):
            p.grad = torch.tensor([grad(i, step) for i in range(COUNT)], dtype=torch.float32)
            opt.step()
        out[name] = [float(v) for v in p.detach()]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
