"""Read a lab's inputs out of a query string: the one place HTTP meets a lab's Params."""

import typing
from typing import Any

from starlette.datastructures import QueryParams

from app.labs.base import Lab

RESERVED_KEYS = {"lang", "lab", "check", "answer"}  # belong to the page, never to a lab
MAX_QUERY_VALUES = 200


class TooManyValues(ValueError):
    """The query string holds more values than any lab accepts."""


def _list_fields(lab: Lab) -> set[str]:
    return {
        name for name, field in lab.params.model_fields.items()
        if typing.get_origin(field.annotation) in (list, tuple)
    }


def query_inputs(query: QueryParams, lab: Lab, start: dict[str, Any] | None = None) -> dict[str, Any]:
    """Collect a lab's raw inputs: repeated keys become lists where the lab takes a list."""
    items = [(key, value) for key, value in query.multi_items() if key not in RESERVED_KEYS]
    if len(items) > MAX_QUERY_VALUES:
        raise TooManyValues(f"at most {MAX_QUERY_VALUES} query values")
    lists = _list_fields(lab)
    raw: dict[str, Any] = dict(start or {})
    for key in {key for key, _ in items}:
        values = [value for k, value in items if k == key]
        raw[key] = values if key in lists else values[-1]
    return raw
