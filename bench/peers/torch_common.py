"""What the PyTorch peers share (bench/peers/torch-pipeline.py, bench/peers/torch-width.py).

The network is the pipeline's, with Keras's defaults as densely and tfjs use them:
Dense(h, relu) -> Dense(h, relu) -> Dense(1, sigmoid), glorot-uniform kernels (xavier_uniform_)
and zero biases, Adam(lr 1e-3, betas 0.9 / 0.999, eps 1e-7, Keras's epsilon), binary
cross-entropy on the logit (BCEWithLogitsLoss: the sigmoid is fused into the loss, as densely
fuses it). float32 throughout.

Import torch through import_torch(threads), before anything else imports it: Debian's torch
calls OpenBLAS (the pthread build), whose own thread pool ignores torch.set_num_threads and
spins on every core; OPENBLAS_NUM_THREADS must be set before the library loads. Measured on the
2-core bench machine: a 256-wide step took 15 ms with OpenBLAS's default pool and 1.6-4.4 ms
with one thread.
"""
import os


def import_torch(threads: int):
    """torch, limited to `threads` threads: its own pool, OpenMP's and OpenBLAS's."""
    os.environ['OPENBLAS_NUM_THREADS'] = str(threads)
    os.environ['OMP_NUM_THREADS'] = str(threads)
    os.environ['MKL_NUM_THREADS'] = str(threads)
    import torch
    torch.set_num_threads(threads)
    return torch


def keras_mlp(features: int, hidden: int = 64):
    import torch
    layers = [
        torch.nn.Linear(features, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, 1),  # the logit; BCEWithLogitsLoss applies the sigmoid
    ]
    model = torch.nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(layer.weight)  # Keras's glorot_uniform
            torch.nn.init.zeros_(layer.bias)
    return model


def keras_adam(model):
    import torch
    return torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)


def train_epoch(model, optimizer, loss_fn, X, y, batch: int, generator) -> None:
    """One shuffled epoch of minibatches: gather the rows, forward, loss, backward, Adam."""
    import torch
    n = X.shape[0]
    order = torch.randperm(n, generator=generator)
    for start in range(0, n, batch):
        idx = order[start:start + batch]
        xb = X.index_select(0, idx)
        yb = y.index_select(0, idx)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
