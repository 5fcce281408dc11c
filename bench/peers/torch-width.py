#!/usr/bin/env python3
"""PyTorch's side of bench/width.ts, one (hidden, batch, threads) per process: microseconds per
training step of 50 -> hidden -> hidden -> 1 (relu, relu, sigmoid fused into BCEWithLogitsLoss;
Keras's defaults, torch_common.py) on dense random inputs, shuffled minibatches gathered with
index_select (as densely's fit gathers). The timing protocol is bench/peers/width-common.ts's:
a probe of 2 steps, about 0.3 s of steps per call, one warm-up call, then the median of 5.

    python3 bench/peers/torch-width.py --hidden 256 --batch 32 --threads 1
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_common import import_torch  # noqa: E402

FEATURES = 50


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--hidden', type=int, default=64)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch = import_torch(a.threads)
    torch.manual_seed(11)
    from torch_common import keras_adam, keras_mlp, train_epoch
    model = keras_mlp(FEATURES, a.hidden)
    optimizer = keras_adam(model)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(11)

    def prepare(steps: int):
        X = torch.randn(a.batch * steps, FEATURES)
        y = (torch.rand(a.batch * steps, 1) < 0.12).float()
        return lambda: train_epoch(model, optimizer, loss_fn, X, y, a.batch, generator)

    probe = prepare(2)
    probe()
    t = time.perf_counter()
    probe()
    per_step = (time.perf_counter() - t) / 2
    steps = max(2, min(400, round(0.3 / per_step)))
    call = prepare(steps)
    call()
    us = []
    for _ in range(5):
        t = time.perf_counter()
        call()
        us.append((time.perf_counter() - t) * 1e6 / steps)
    us.sort()
    print(json.dumps({
        'system': f'pytorch-{a.threads}t',
        'hidden': a.hidden,
        'batch': a.batch,
        'usPerStep': us[len(us) // 2],
        'minUs': us[0],
        'maxUs': us[-1],
        'stepsPerCall': steps,
        'threads': torch.get_num_threads(),
    }))


if __name__ == '__main__':
    main()
