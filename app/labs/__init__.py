"""The registry of labs: every module in this package that defines LAB, keyed by the lab's id."""

import importlib
import pkgutil

from app.labs.base import Lab


def _discover() -> dict[str, Lab]:
    labs: dict[str, Lab] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        lab = getattr(module, "LAB", None)
        if isinstance(lab, Lab):
            labs[lab.id] = lab
    return labs


LABS: dict[str, Lab] = _discover()
