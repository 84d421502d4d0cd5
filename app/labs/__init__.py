"""LABS: every lab, in the order the curriculum teaches them (the order /labs lists them).

A lab is Params -> run(params) -> Result, in a module (or, with helpers, a subpackage) of its own
that imports torch and never FastAPI or Jinja. Adding one means adding it here, where it is taught.
"""

from app.labs import (
    buffers,
    checkpoint,
    detach_clone_view,
    devices,
    gallery,
    gradients,
    initialisation,
    lazy_modules,
    parametrizations,
    rebinding,
    registration,
    tensor_or_parameter,
    tied_parameters,
    training,
)
from app.labs.base import Lab

LABS: tuple[Lab, ...] = (
    tensor_or_parameter.LAB,  # lesson 1
    registration.LAB,  # lesson 2
    gallery.LAB,  # lesson 3
    gradients.LAB,  # lesson 4
    rebinding.LAB,  # lesson 5
    initialisation.LAB,  # lesson 6
    buffers.LAB,  # lesson 7
    detach_clone_view.LAB,  # lesson 8
    devices.LAB,  # lesson 9
    training.LAB,  # lesson 10
    tied_parameters.LAB,  # lesson 11
    lazy_modules.LAB,  # lesson 12
    parametrizations.LAB,  # lesson 13
    checkpoint.LAB,  # lesson 14
)
LAB_BY_ID: dict[str, Lab] = {lab.id: lab for lab in LABS}
