"""Facts that lesson prose quotes: each is computed by torch every time a page asks for it.

A lesson writes [[fact:<id>]] instead of typing a value, so the text and torch cannot disagree. Each
lab owns the facts about what it teaches (app/labs/<lab>/facts.py); this module joins them into one
table and refuses a fact id that two labs both define, so start-up stops and names them.
"""

from collections.abc import Callable, Mapping

from app.labs.buffers import facts as buffers
from app.labs.checkpoint import facts as checkpoint
from app.labs.detach_clone_view import facts as detach_clone_view
from app.labs.devices import facts as devices
from app.labs.gradients import facts as gradients
from app.labs.initialisation import facts as initialisation
from app.labs.lazy_modules import facts as lazy_modules
from app.labs.parametrizations import facts as parametrizations
from app.labs.rebinding import facts as rebinding
from app.labs.registration import facts as registration
from app.labs.tensor_or_parameter import facts as tensor_or_parameter
from app.labs.tied_parameters import facts as tied_parameters
from app.labs.training import facts as training

Fact = Callable[[], object]


def join_facts(tables: Mapping[str, Mapping[str, Fact]]) -> dict[str, Fact]:
    """Join each lab's facts into one table; a fact id defined twice raises ValueError naming both labs."""
    joined: dict[str, Fact] = {}
    owner: dict[str, str] = {}
    for lab_id, table in tables.items():
        for fact_id, fact in table.items():
            if fact_id in owner:
                raise ValueError(
                    f"The fact id '{fact_id}' is defined by both app/labs/{owner[fact_id]} and app/labs/{lab_id}; "
                    "rename one of them (lessons quote facts by id, so each id must be unique)."
                )
            owner[fact_id] = lab_id
            joined[fact_id] = fact
    return joined


FACTS: dict[str, Fact] = join_facts(
    {
        "tensor_or_parameter": tensor_or_parameter.FACTS,
        "registration": registration.FACTS,
        "gradients": gradients.FACTS,
        "rebinding": rebinding.FACTS,
        "initialisation": initialisation.FACTS,
        "buffers": buffers.FACTS,
        "detach_clone_view": detach_clone_view.FACTS,
        "devices": devices.FACTS,
        "training": training.FACTS,
        "tied_parameters": tied_parameters.FACTS,
        "lazy_modules": lazy_modules.FACTS,
        "parametrizations": parametrizations.FACTS,
        "checkpoint": checkpoint.FACTS,
    }
)


def compute(fact_id: str) -> str:
    """Compute one fact now and return it as the text the page shows."""
    return str(FACTS[fact_id]())
