"""Seed torch for a lab run, cheaply."""

import torch


def seed_cpu(seed: int) -> None:
    """Seed torch's CPU generator, which is all the labs draw from.

    torch.manual_seed also queues lazy seeds for CUDA, XPU and MTIA, formatting a Python stack
    trace for each while those are uninitialised; that cost about 1 ms per call, more than a whole
    lesson-1 lab run. On the CPU the two give the same numbers.
    """
    torch.default_generator.manual_seed(seed)
