"""Pay torch's one-off first-use costs in a background thread, so start-up stays fast and no
learner's request waits for them."""

import threading

import torch
from torch import nn


def _warm_up() -> None:
    # The first optimizer.step() in a process imports torch._dynamo (seconds); the first LSTM
    # forward initialises its kernels (a few hundred milliseconds).
    import torch._dynamo  # noqa: F401

    model = nn.Linear(4, 2)
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.randn(3, 4)).pow(2).mean().backward()
    optimizer.step()
    nn.LSTM(8, 4)(torch.randn(2, 1, 8))


def start_background_warm_up() -> threading.Thread:
    """Start warming torch up; the server answers meanwhile (a request needing it just waits)."""
    thread = threading.Thread(target=_warm_up, name="torch-warm-up", daemon=True)
    thread.start()
    return thread
