"""The requests a classroom makes, as benchmark scenarios (paths are the real lab URLs)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """One representative request: what htmx sends when a learner presses Run."""

    name: str
    path: str
    htmx: bool = True


LAB_SCENARIOS = [
    Scenario("lesson 1 lab (Tensor or Parameter?)", "/labs/tensor_or_parameter?lab=tensor_or_parameter&shape=2,3&fill=randn&seed=3&dtype=float32&wrapper=parameter&context=no_grad"),
]

PAGE_SCENARIOS = [
    Scenario("lesson 1 page, full render", "/lessons/tensor-or-parameter", htmx=False),
]
