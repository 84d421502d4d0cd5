"""Read numbers only as plain ASCII decimals, wherever a lab's input is parsed.

Python's int() and float() (and pydantic's lax mode, which follows them) also read `1_0` as 10 and
Unicode digits such as Arabic-Indic `١` as 1. A learner who typed those made a typo, not a number,
and two spellings of one state would give two URLs for one page, so both are refused here.
"""

import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from app.i18n import gettext as _

DIGITS = re.compile(r"[0-9]+", re.ASCII)
INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def integer_message() -> str:
    return _("must be a whole number written with the digits 0-9")


def decimal_message() -> str:
    return _("must be a number written with the digits 0-9, e.g. 0.5 or 1e-3")


def parse_int(text: str) -> int:
    """Read a whole number written with ASCII digits (an optional sign, spaces around allowed)."""
    if not INTEGER.fullmatch(text.strip()):
        raise ValueError(integer_message())
    return int(text)


def parse_float(text: str) -> float:
    """Read a decimal number written with ASCII digits (no `_`, no `inf`, no other scripts' digits)."""
    if not DECIMAL.fullmatch(text.strip()):
        raise ValueError(decimal_message())
    return float(text)


def _number_kind(annotation: Any) -> type | None:
    """Return int or float when a field (or the items of a list field) holds numbers, else None."""
    if annotation is bool:
        return None
    if annotation in (int, float):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, tuple, typing.Annotated):
        kinds = {_number_kind(arg) for arg in typing.get_args(annotation)} - {None}
        return float if float in kinds else (int if kinds else None)
    return None


def non_decimal_numbers(params: type[BaseModel], raw: dict[str, Any]) -> dict[str, str]:
    """Name each number field whose text is not a plain ASCII decimal, with what is allowed.

    Runs before pydantic sees the inputs; values that are not text are left to pydantic."""
    errors: dict[str, str] = {}
    for name, field in params.model_fields.items():
        kind = _number_kind(field.annotation)
        value = raw.get(name)
        if kind is None or value is None:
            continue
        items = list(enumerate(value)) if isinstance(value, (list, tuple)) else [(None, value)]
        for index, item in items:
            pattern = INTEGER if kind is int else DECIMAL
            # Empty text is the form's "no value" (e.g. an optional learning rate): the lab's own rule decides.
            if isinstance(item, str) and item.strip() and not pattern.fullmatch(item.strip()):
                field_name = name if index is None else f"{name}.{index}"
                errors[field_name] = integer_message() if kind is int else decimal_message()
                break
    return errors
