"""Read a JSON request body once, strictly: the one place a client's JSON becomes Python data.

Whatever arrives, the outcome is data or a BadBody naming where it went wrong and what is allowed:
invalid UTF-8, malformed JSON (by line and column), nesting deeper than any route takes, and text
that is not valid Unicode (a lone surrogate such as "\\ud800", which JSON can spell but no response
can quote back).
"""

import json
from typing import Any

from app.i18n import gettext as _

MAX_DEPTH = 32  # no route takes more than a list inside an object; deeper only costs recursion


class BadBody(ValueError):
    """The body cannot be read as the JSON a route takes."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _path(parts: tuple) -> str:
    return ".".join(map(str, parts)) or "body"


def _check_tree(data: Any) -> None:
    """Walk the parsed value without recursion: depth, and valid Unicode in every key and string."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if len(where) > MAX_DEPTH:
            raise BadBody(
                _path(where[:MAX_DEPTH]), _("nests too deep: at most %(limit)s levels") % {"limit": MAX_DEPTH}
            )
        if isinstance(value, str):
            _check_text(where, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(where + (key,), key)
                stack.append((where + (key,), item))
        elif isinstance(value, list):
            stack.extend((where + (index,), item) for index, item in enumerate(value))


def _check_text(where: tuple, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = f"\\u{ord(text[exc.start]):04x}"
        shown = tuple(part.encode("utf-8", "backslashreplace").decode() for part in map(str, where))
        raise BadBody(
            _path(shown), _("holds %(code)s, which is not a character: text must be valid Unicode") % {"code": code}
        ) from None


async def read_json(request) -> Any:
    """Return the JSON the guard (app/web/middleware.py) already read for this request, or read it now."""
    state = request.scope.get("state", {})
    if "json" in state:
        return state["json"]
    return parse_json(await request.body())


def parse_json(body: bytes) -> Any:
    """Return the body's JSON value, or raise BadBody saying where and why it cannot be read."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadBody("body", _("is not valid UTF-8 (byte %(at)s)") % {"at": exc.start}) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadBody(
            "body",
            _("is not valid JSON: %(problem)s at line %(line)s, column %(column)s")
            % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno},
        ) from None
    except RecursionError:
        raise BadBody("body", _("nests too deep: at most %(limit)s levels") % {"limit": MAX_DEPTH}) from None
    _check_tree(data)
    return data
