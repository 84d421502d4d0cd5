"""The background warm-up runs while labs are served, so it must never draw from torch's global
generator: a lab seeds it and then draws, and a draw in between would change the lab's values."""

import torch

from app.serving.warmup import _warm_up


def test_warm_up_leaves_the_global_generator_alone():
    torch.manual_seed(7)
    before = torch.random.get_rng_state()
    _warm_up(freeze=False)
    assert torch.equal(torch.random.get_rng_state(), before)
