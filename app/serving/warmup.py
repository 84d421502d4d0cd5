"""Pay torch's one-off first-use costs in a background thread, so start-up stays fast and no
learner's request waits for them."""

import gc
import os
import threading

from torch import nn

_warmed_in: set[int] = set()  # process ids that started warming: once per (forked) worker


def _warm_up(freeze: bool) -> None:
    # The first optimizer.step() in a process imports torch._dynamo (seconds); the first LSTM
    # forward initialises its kernels (a few hundred milliseconds).
    import torch._dynamo  # noqa: F401

    # No random numbers here: this runs while requests are served, and a lab seeds torch's global
    # generator and draws from it; a draw from this thread in between would change its values.
    model = nn.Linear(4, 2, device="meta").to_empty(device="cpu")  # initialised without drawing
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.ones(3, 4)).pow(2).mean().backward()
    optimizer.step()
    nn.LSTM(8, 4, device="meta").to_empty(device="cpu")(torch.ones(2, 1, 8))
    if freeze:
        # The ~300,000 objects of torch's modules live as long as the process; a full collection
        # walking them takes ~200 ms, which learners saw as a stall every few thousand requests.
        gc.freeze()


def start_background_warm_up(freeze: bool = True) -> None:
    """Start warming torch up in this process unless already started; the server answers meanwhile."""
    if os.getpid() in _warmed_in:
        return
    _warmed_in.add(os.getpid())
    threading.Thread(target=_warm_up, args=(freeze,), name="torch-warm-up", daemon=True).start()
