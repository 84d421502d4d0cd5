"""Turn pydantic validation errors into messages a learner can act on, in their language."""

from pydantic import ValidationError

from app.i18n import gettext as _


def describe(error: dict) -> str:
    """Say what was wrong with one field and what is allowed."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number")
    if kind in ("float_parsing", "float_type"):
        return _("must be a number")
    if kind in ("bool_parsing", "bool_type"):
        return _("must be true or false")
    if kind == "less_than_equal":
        return _("must be at most %(limit)s") % {"limit": ctx["le"]}
    if kind == "greater_than_equal":
        return _("must be at least %(limit)s") % {"limit": ctx["ge"]}
    if kind == "less_than":
        return _("must be less than %(limit)s") % {"limit": ctx["lt"]}
    if kind == "greater_than":
        return _("must be greater than %(limit)s") % {"limit": ctx["gt"]}
    if kind == "literal_error":
        return _("must be one of: %(choices)s") % {"choices": ctx["expected"].replace("'", "")}
    if kind in ("string_too_long", "too_long"):
        return _("is too long (at most %(limit)s)") % {"limit": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _("has the wrong format")
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("is not an input of this lab")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("has the wrong type")
    if kind == "json_invalid":
        return _("is not valid JSON")
    return error["msg"]


def field_name(error: dict) -> str:
    """Name the field an error belongs to, as the learner typed it (dotted for nested fields)."""
    loc = [str(part) for part in error.get("loc", ()) if part != "body"]
    return ".".join(loc) or "input"


def field_errors(exc: ValidationError | list[dict]) -> dict[str, str]:
    """Map each failing field to one readable message (the first problem found in it)."""
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(quotable(field_name(error)), quotable(describe(error)))
    return messages


def quotable(text: str) -> str:
    """Make text safe to send back: a lone surrogate a client sent (\\ud800) is written as an escape,
    because a message quoting it could not be encoded as UTF-8 at all."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def one_line(exc: Exception) -> str:
    """Write torch's exception as the one line a lesson quotes: its type, then its message unwrapped."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"
