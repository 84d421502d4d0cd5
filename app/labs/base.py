"""What every lab is: a pure function from validated, bounded inputs to a result.

Every route that runs a lab is `async def`, so the lab runs on the event loop, one at a time per
process. That is what keeps a seeded lab deterministic: torch's random generator is global to the
process, and two labs seeding and drawing in pool threads at once would take each other's numbers.
tests/web/test_routes.py fails if a lab route becomes a plain `def`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from app.i18n import gettext as _
from app.labs.errors import field_errors
from app.labs.numbers import non_decimal_numbers


@dataclass(frozen=True)
class Lab:
    """Describes one lab: its inputs, the torch function, its template and its title."""

    id: str
    title: str  # an English msgid, translated when shown
    summary: str  # an English msgid, translated when shown
    params: type[BaseModel]
    result: type[BaseModel]
    run: Callable[[Any], BaseModel]


@dataclass
class LabState:
    """Holds what a lab page shows: the form's values, any input errors, and the result."""

    lab: Lab
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    result: BaseModel | None = None


def validate(lab: Lab, raw: Any) -> BaseModel | dict[str, str]:
    """Return the lab's Params for raw inputs (query string or JSON), or each failing field's message.

    Every input, whatever its type, ends here as Params or as messages: numbers must be plain ASCII
    decimals, and a validator that meets a type it did not expect (a TypeError) means the type was wrong.
    """
    if not isinstance(raw, dict):
        return {"body": _("must be a JSON object of the lab's inputs")}
    errors = non_decimal_numbers(lab.params, raw)
    if errors:
        return errors
    try:
        return lab.params.model_validate(raw)
    except ValidationError as exc:
        return field_errors(exc)
    except (TypeError, RecursionError):
        return {"input": _("has the wrong type")}


def evaluate(lab: Lab, raw: dict[str, Any]) -> LabState:
    """Validate raw inputs (query string or JSON) and run the lab, or report what was wrong."""
    params = validate(lab, raw)
    if isinstance(params, dict):
        # The form shows what was sent, over the defaults (only needed here: valid inputs show themselves).
        values = {**lab.params().model_dump(mode="json"), **(raw if isinstance(raw, dict) else {})}
        return LabState(lab, values, errors=params)
    return LabState(lab, params.model_dump(mode="json"), result=lab.run(params))
