"""Reference for the zoo tests: torchvision's own parameter names, shapes and counts.

Usage: zoo_torchvision.py MODEL... ; prints one JSON object
{MODEL: {"params": trainable count, "state": [[state_dict key, shape], ...]}} (torchvision 0.14,
untrained; num_batches_tracked left out since ConvLens keeps no such counter).
"""
import json
import sys

import torchvision


def describe(name):
    model = getattr(torchvision.models, name)(weights=None)
    state = [[k, list(v.shape)] for k, v in model.state_dict().items()
             if not k.endswith("num_batches_tracked")]
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"params": params, "state": state}


if __name__ == "__main__":
    print(json.dumps({name: describe(name) for name in sys.argv[1:]}))
