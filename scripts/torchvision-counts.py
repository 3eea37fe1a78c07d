#!/usr/bin/env python3
"""Prints parameter and multiply-accumulate counts of torchvision models, computed by PyTorch.

An independent source for the zoo specs' `expect` lines (run by hand; the product and its tests
never need Python). Needs `pip install torch torchvision`.

    python3 scripts/torchvision-counts.py mobilenet_v3_small efficientnet_b0 regnet_y_400mf

MACs count convolutions (out elements x in channels per group x kernel volume) and linear layers
(in x out) at batch 1 and 224x224, as cnncalc's `macs` does; other element-wise work is not counted.
"""
import sys

import torch
import torchvision


def count(name, size=224):
    options = {"aux_logits": False, "init_weights": False} if name in ("googlenet", "inception_v3") else {}
    model = torchvision.models.get_model(name, weights=None, **options).eval()
    params = sum(p.numel() for p in model.parameters())
    macs = 0

    def hook(module, inputs, output):
        nonlocal macs
        if isinstance(module, torch.nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            macs += output.numel() * (module.in_channels // module.groups) * kernel
        elif isinstance(module, torch.nn.Linear):
            # Per row of the input: ConvNeXt applies its Linear layers at every position.
            macs += output.numel() * module.in_features

    for module in model.modules():
        module.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, 3, size if name != "inception_v3" else 299, size if name != "inception_v3" else 299))
    return params, macs


for name in sys.argv[1:]:
    params, macs = count(name)
    print(f"{name}: params {params:,}  macs {macs:,}")
