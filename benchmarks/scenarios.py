"""The requests a classroom makes, as benchmark scenarios (paths are the real lab URLs)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """One representative request: what htmx sends when a learner presses Run."""

    name: str
    path: str
    htmx: bool = True


REGISTRATION_10_STEPS = "&".join(
    f"step={step}"
    for step in (
        "add:weight:param:3,4",
        "add:bias:param:4",
        "add:scale:tensor_grad:4",
        "add:running:buffer:4",
        "add:cache:buffer_np:4",
        "add:head:linear:4,2",
        "add:extras:list:2,3",
        "add:group:paramlist:2,3",
        "set:weight:tensor:3,4",
        "del:cache",
    )
)
GRADIENTS_6_ACTIONS = "&".join(
    f"a={action}"
    for action in (
        "forward",
        "backward",
        "forward",
        "backward",
        "zero_grad",
        "step:sgd:0.1",
    )
)

LAB_SCENARIOS = [
    Scenario(
        "lesson 1 lab (Tensor or Parameter?)",
        "/labs/tensor_or_parameter?lab=tensor_or_parameter&shape=2,3&fill=randn&seed=3&dtype=float32&wrapper=parameter&context=no_grad",
    ),
    Scenario("registration lab, 10-step history", "/labs/registration?lab=registration&" + REGISTRATION_10_STEPS),
    Scenario("LSTM gallery page (512, 64)", "/models/lstm", htmx=False),
    Scenario("gradients lab, 6-action history", "/labs/gradients?lab=gradients&" + GRADIENTS_6_ACTIONS),
]

PAGE_SCENARIOS = [
    Scenario("lesson 1 page, full render", "/lessons/tensor-or-parameter", htmx=False),
]
