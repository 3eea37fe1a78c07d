#!/usr/bin/env python3
"""Exports the ONNX fixtures of Tests/CNNImportTests/Fixtures/onnx and PyTorch's own per-layer
figures for them. Run by hand (needs torch, torchvision, onnx, onnxscript); never by CI or tests.

For each torchvision model and each exporter it writes MODEL.EXPORTER.onnx with the weights moved
to external data (MODEL.EXPORTER.onnx.data, not committed: cnncalc reads only the dims), and
MODEL.expected.json with, for every Conv2d and Linear module in forward order, the output shape
(without batch), the module's parameter count and its multiply-accumulates, computed here from the
module's attributes and PyTorch's own output shape; plus the model's total parameter count
(sum of p.numel(), torchvision's figure).

Exporters:
  torchscript  torch.onnx.export(dynamo=False, opset_version=13 (17 for ConvNeXt, whose
               LayerNorm opset 13 spells out as arithmetic), do_constant_folding=False):
               the legacy exporter (opset <= 17 is common in the wild); BatchNorm kept.
  dynamo       torch.onnx.export(dynamo=True, optimize=False): the default exporter since
               PyTorch 2.9 (opset 18+), unoptimised so that its shape subgraphs (Shape, Expand,
               CastLike, Concat, Reshape) stay in the file; BatchNorm kept. ConvNeXt is
               exported optimised (see the note in main()).
  folded       resnet18 only: torch.onnx.export(dynamo=False, opset_version=17) with defaults,
               so BatchNorm is folded into the convolutions as users' files usually are.

The resampling model (a small U-Net of this script's own, input 3x97x97) has every resampling
form the importer reads: ceil-mode max pooling over an odd extent, ceil-mode average pooling
without counting the padding, bilinear interpolation to a given size, a stride-2 transposed
convolution, nearest upsampling by a scale, pixel shuffle and unshuffle, and skip concatenations.
It is exported with the legacy exporter at opset 11 (Resize with scales and sizes inputs) and the
dynamo exporter at opset 22 (the opset whose ceil-mode pooling rule is PyTorch's); its expected
file also lists ConvTranspose2d modules (MACs: input elements x out_channels/groups x kernel
area, each input element scattered over the kernel) and the output shape.

Usage: python3 scripts/make-onnx-fixtures.py [OUTPUT_DIR] [--only NAME]
"""
import json
import os
import sys

import onnx
import torch
import torchvision

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
if ONLY in ARGS:
    ARGS.remove(ONLY)
OUT = ARGS[0] if ARGS else os.path.join(
    os.path.dirname(__file__), "..", "Tests", "CNNImportTests", "Fixtures", "onnx")


class Resampling(torch.nn.Module):
    """A small U-Net with every resampling form; 3x97x97 -> 2x194x194 (shapes in comments)."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.enc1 = nn.Conv2d(3, 16, 3, padding=1)                      # 16x97x97
        self.pool1 = nn.MaxPool2d(2, ceil_mode=True)                    # 16x49x49 (floor: 48)
        self.enc2 = nn.Conv2d(16, 32, 3, padding=1)                     # 32x49x49
        self.pool2 = nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False)  # 32x25x25
        self.bottom = nn.Conv2d(32, 64, 3, padding=1)                   # 64x25x25
        self.dec2 = nn.Conv2d(64 + 32, 32, 3, padding=1)                # after a resize to 49x49
        self.up1 = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1)   # 16x97x97
        self.dec1 = nn.Conv2d(16 + 16, 32, 3, padding=1)                # 32x97x97
        self.shuffle = nn.PixelShuffle(2)                               # 8x194x194
        self.unshuffle = nn.PixelUnshuffle(2)                           # 32x97x97
        self.up2 = nn.Upsample(scale_factor=2, mode="nearest")          # 32x194x194
        self.head = nn.Conv2d(32, 2, 1)                                 # 2x194x194

    def forward(self, x):
        relu = torch.nn.functional.relu
        e1 = relu(self.enc1(x))
        e2 = relu(self.enc2(self.pool1(e1)))
        b = relu(self.bottom(self.pool2(e2)))
        u = torch.nn.functional.interpolate(b, size=(49, 49), mode="bilinear", align_corners=False)
        d2 = relu(self.dec2(torch.cat([u, e2], 1)))
        d1 = relu(self.dec1(torch.cat([self.up1(d2), e1], 1)))
        return self.head(self.up2(self.unshuffle(self.shuffle(d1))))

MODELS = {
    "alexnet": lambda: torchvision.models.alexnet(),
    "resnet18": lambda: torchvision.models.resnet18(),
    "squeezenet1_0": lambda: torchvision.models.squeezenet1_0(),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(),
    "mobilenet_v3_small": lambda: torchvision.models.mobilenet_v3_small(),
    "shufflenet_v2_x1_0": lambda: torchvision.models.shufflenet_v2_x1_0(),
    "googlenet": lambda: torchvision.models.googlenet(aux_logits=False, init_weights=False),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(),
    "convnext_tiny": lambda: torchvision.models.convnext_tiny(),
    "densenet121": lambda: torchvision.models.densenet121(),
}


def expected_figures(model, x):
    """Per Conv2d/Linear module in forward order: output shape (as PyTorch gives it: channels
    last for ConvNeXt's Linear layers), params, MACs."""
    rows = []

    def hook(module, inputs, output):
        shape = list(output.shape[1:])
        params = sum(p.numel() for p in module.parameters(recurse=False))
        if isinstance(module, torch.nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            macs = output[0].numel() * (module.in_channels // module.groups) * k
        elif isinstance(module, torch.nn.ConvTranspose2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            macs = inputs[0][0].numel() * (module.out_channels // module.groups) * k
        else:
            # A Linear layer applies at every position of its input (ConvNeXt's channels-last blocks).
            macs = output[0].numel() * module.in_features
        rows.append({"module": names[module], "type": type(module).__name__, "shape": shape,
                     "params": params, "macs": macs})

    names = {m: n for n, m in model.named_modules()}
    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear))]
    with torch.no_grad():
        y = model(x)
    for h in handles:
        h.remove()
    return {"input": list(x.shape[1:]), "output": list(y.shape[1:]),
            "params": sum(p.numel() for p in model.parameters()), "layers": rows}


def externalise(path):
    """Marks every float initializer over 1 KiB as external data (a file that is never written:
    cnncalc reads only dims) and drops node metadata (stack traces, no meaning for the graph), so
    that the committed files stay small. Integer initializers (indices, shapes) stay inline."""
    from onnx.external_data_helper import set_external_data
    model = onnx.load(path)
    for node in model.graph.node:
        node.ClearField("metadata_props")
        node.doc_string = ""
    model.ClearField("metadata_props")
    data = os.path.basename(path) + ".data"
    offset = 0
    for tensor in model.graph.initializer:
        if tensor.data_type == onnx.TensorProto.FLOAT and len(tensor.raw_data) > 1024:
            length = len(tensor.raw_data)
            set_external_data(tensor, location=data, offset=offset, length=length)
            tensor.ClearField("raw_data")
            offset += length
    for leftover in (path + ".data", os.path.join(os.path.dirname(path), data)):
        if os.path.exists(leftover):
            os.remove(leftover)
    onnx.save_model(model, path)


def resampling():
    """The resampling fixture: opset 11 (legacy exporter) and opset 22 (dynamo)."""
    torch.manual_seed(0)
    model = Resampling().eval()
    x = torch.randn(1, 3, 97, 97)
    with open(os.path.join(OUT, "resampling.expected.json"), "w") as f:
        json.dump(expected_figures(model, x), f, indent=1)
        f.write("\n")
    path = os.path.join(OUT, "resampling.opset11.onnx")
    torch.onnx.export(model, (x,), path, dynamo=False, opset_version=11, do_constant_folding=False)
    externalise(path)
    path = os.path.join(OUT, "resampling.opset22.onnx")
    torch.onnx.export(model, (x,), path, dynamo=True, opset_version=22, optimize=False)
    externalise(path)
    print("resampling done")


def main():
    os.makedirs(OUT, exist_ok=True)
    if ONLY == "resampling":
        return resampling()
    torch.manual_seed(0)
    for name, make in MODELS.items():
        if ONLY and name != ONLY:
            continue
        model = make().eval()
        # Random, non-zero parameters: an optimising exporter drops biases that are all zero
        # (torchvision initialises many so), which would change the file's parameter count.
        with torch.no_grad():
            for p in model.parameters():
                p.normal_(0, 0.01)
        x = torch.randn(1, 3, 224, 224)
        with open(os.path.join(OUT, f"{name}.expected.json"), "w") as f:
            json.dump(expected_figures(model, x), f, indent=1)
            f.write("\n")
        path = os.path.join(OUT, f"{name}.torchscript.onnx")
        # Opset 13 (LayerNormalization exists from opset 17: ConvNeXt needs it).
        opset = 17 if name == "convnext_tiny" else 13
        torch.onnx.export(model, (x,), path, dynamo=False, opset_version=opset, do_constant_folding=False)
        externalise(path)
        path = os.path.join(OUT, f"{name}.dynamo.onnx")
        # ConvNeXt has no BatchNorm to keep, and unoptimised it spells its final LayerNorm2d's
        # permute as as_strided (Reshape to [-1] and Gather), which cnncalc refuses: optimise it.
        torch.onnx.export(model, (x,), path, dynamo=True, optimize=name == "convnext_tiny")
        externalise(path)
        print(name, "done")
    if ONLY:
        return
    resampling()
    model = MODELS["resnet18"]().eval()
    path = os.path.join(OUT, "resnet18.folded.onnx")
    torch.onnx.export(model, (torch.randn(1, 3, 224, 224),), path, dynamo=False, opset_version=17)
    externalise(path)


if __name__ == "__main__":
    main()
