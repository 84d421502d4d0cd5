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
        name for name, field in lab.params.model_fields.items() if typing.get_origin(field.annotation) in (list, tuple)
    }


def _collect(pairs: list[tuple[str, str]], lists: set[str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for key, value in pairs:
        if key in lists:
            raw.setdefault(key, []).append(value)
        else:
            raw[key] = value  # the last of repeated keys wins, as in a browser's form
    return raw


def query_inputs(query: QueryParams | None, lab: Lab, start: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """Collect a lab's raw inputs: a lesson's starting inputs, overridden field by field by the
    query string; repeated keys become lists where the lab takes a list."""
    items = [(key, value) for key, value in (query.multi_items() if query else []) if key not in RESERVED_KEYS]
    if len(items) > MAX_QUERY_VALUES:
        raise TooManyValues(f"at most {MAX_QUERY_VALUES} query values")
    lists = _list_fields(lab)
    return {**_collect(list(start), lists), **_collect(items, lists)}
