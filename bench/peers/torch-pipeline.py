#!/usr/bin/env python3
"""The marketing pipeline in PyTorch, as one process: bench/pipeline.ts's peer.

The same everything as bench/peers/densely-pipeline.ts: the bank matrix (label last), the SAME
split indices (densely's splitIndices, the sklearn-identical split, written by bench/pipeline.ts
to the JSON file given with --split), Dense(64 relu) -> Dense(64 relu) -> Dense(1 sigmoid) with
Keras's defaults (torch_common.py), batch 32, shuffled every epoch, 10 epochs, on --threads
threads (1 by default). Prints one JSON line: the fit's wall and CPU time, the test loss and the
test probabilities (bench/pipeline.ts scores them with the project's accuracy and rocAuc, as for
every other system), the peak RSS.

    python3 bench/peers/torch-pipeline.py --split split.json [--epochs 10] [--batch-size 32] [--threads 1]
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_common import import_torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--split', required=True)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--data', default=os.path.join(ROOT, 'data', 'marketing_data.npy.gz'))
    a = p.parse_args()
    torch = import_torch(a.threads)
    import numpy as np  # after import_torch: numpy loads the same OpenBLAS
    torch.manual_seed(42)

    with gzip.open(a.data, 'rb') as f:
        table = np.load(f).astype(np.float32)
    with open(a.split) as f:
        split = json.load(f)
    X = torch.from_numpy(np.ascontiguousarray(table[:, :-1]))
    y = torch.from_numpy(np.ascontiguousarray(table[:, -1:]))
    train = torch.tensor(split['train'], dtype=torch.long)
    test = torch.tensor(split['test'], dtype=torch.long)
    X_train, y_train = X.index_select(0, train), y.index_select(0, train)
    X_test, y_test = X.index_select(0, test), y.index_select(0, test)

    from torch_common import keras_adam, keras_mlp, train_epoch
    model = keras_mlp(X.shape[1])
    optimizer = keras_adam(model)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(42)

    c0 = time.process_time()
    t0 = time.perf_counter()
    model.train()
    for _ in range(a.epochs):
        train_epoch(model, optimizer, loss_fn, X_train, y_train, a.batch_size, generator)
    fit_seconds = time.perf_counter() - t0
    fit_cpu = time.process_time() - c0

    model.eval()
    with torch.no_grad():
        logits = model(X_test)
        test_loss = float(loss_fn(logits, y_test))
        probabilities = torch.sigmoid(logits).flatten().tolist()
    n_train = X_train.shape[0]
    steps = a.epochs * -(-n_train // a.batch_size)
    print(json.dumps({
        'system': f'pytorch-{a.threads}t',
        'torchVersion': torch.__version__,
        'threads': torch.get_num_threads(),
        'rows': int(X.shape[0]),
        'features': int(X.shape[1]),
        'trainRows': int(n_train),
        'testRows': int(X_test.shape[0]),
        'epochs': a.epochs,
        'batchSize': a.batch_size,
        'steps': steps,
        'fitSeconds': fit_seconds,
        'fitCpuSeconds': fit_cpu,
        'usPerStep': fit_seconds * 1e6 / steps,
        'samplesPerSecond': n_train * a.epochs / fit_seconds,
        'testLoss': test_loss,
        'probabilities': probabilities,
        'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == '__main__':
    main()
