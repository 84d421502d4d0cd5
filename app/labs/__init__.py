"""The registry of labs: one entry per lab module, keyed by the lab's id (its URL name)."""

from app.labs import tensor_or_parameter
from app.labs.base import Lab

LABS: dict[str, Lab] = {module.LAB.id: module.LAB for module in (tensor_or_parameter,)}
