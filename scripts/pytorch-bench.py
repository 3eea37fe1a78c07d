#!/usr/bin/env python3
"""Times torchvision models' forward pass with PyTorch on the CPU, the way `cnncalc bench` times
the reference engine, and prints one JSON line per model.

Run by scripts/bench-compare.sh (by hand, never by the product or CI). Needs torch and torchvision:

    python3 scripts/pytorch-bench.py --threads 2 --batch 1 resnet50 vgg16

Method, matching bench: fp32, eval mode, `torch.inference_mode()`, NCHW input of random numbers
(3 x 224 x 224; 3 x 299 x 299 for inception_v3), `torch.set_num_threads(threads)`; three warm-up
passes (PyTorch's first passes are slower while oneDNN creates its primitives; cnncalc's one
warm-up pass suffices for it), then timed passes, at least 3 and otherwise as many as fit in
about two seconds (at most 25); the median and the best are printed in milliseconds.
"""
import argparse
import json
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("models", nargs="+")
    arguments = parser.parse_args()
    try:
        import torch
        import torchvision
    except ImportError as error:
        print(json.dumps({"error": f"PyTorch is not importable: {error}"}))
        return 3
    torch.set_num_threads(arguments.threads)
    for name in arguments.models:
        options = {"aux_logits": False, "init_weights": False} if name in ("googlenet", "inception_v3") else {}
        model = torchvision.models.get_model(name, weights=None, **options).eval()
        size = 299 if name == "inception_v3" else 224
        image = torch.randn(arguments.batch, 3, size, size)
        with torch.inference_mode():
            for _ in range(2):
                model(image)
            start = time.perf_counter()
            model(image)
            warm_up = time.perf_counter() - start
            runs = arguments.runs or max(3, min(25, int(2 / max(warm_up, 1e-4))))
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                model(image)
                times.append(time.perf_counter() - start)
        print(json.dumps({
            "name": name, "threads": arguments.threads, "batch": arguments.batch,
            "median_ms": round(statistics.median(times) * 1000, 3), "best_ms": round(min(times) * 1000, 3),
            "runs": runs, "torch": torch.__version__,
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
