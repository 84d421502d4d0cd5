"""Turn a lab's result into the code that ran, as Python that runs on its own with nothing but torch.

A lab's result shows its code in fields named `code`, `source`, `<something>_code` or
`<something>_source` (nested results and lists too, e.g. one `code` per step of a history). Those
pieces name classes and functions the site defines (`LinearBias`, `SmallConvNet`) and assume the
`torch`/`nn` imports, so each name the pieces use but never define is resolved here: a known import,
a module the lab's own module imported under that name (torch's or Python's), or the source of the
class or function that the lab's modules hold, read with `inspect`.
Nothing is special-cased per lab or per lesson, so a new lab's code is picked up the same way.
"""

import ast
import builtins
import inspect
import sys
import textwrap
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from app.labs.base import LabState

# Names the code a lab shows may take for granted, and the import that provides each.
IMPORTS = {
    "torch": "import torch",
    "nn": "from torch import nn",
    "F": "import torch.nn.functional as F",
    "math": "import math",
}
CODE_FIELD_SUFFIXES = ("code", "source")
LAB_PACKAGE = "app.labs"


@dataclass(frozen=True)
class LabCode:
    """Holds one lab state's code: what it needs first (imports, definitions) and the pieces shown."""

    setup: str  # imports and the site's definitions the pieces use; "" when they need none
    pieces: tuple[str, ...]  # the code the page showed, in order
    may_raise: bool  # the state's result reports an exception torch raised (a real answer, shown verbatim)

    @property
    def script(self) -> str:
        """Join everything into one program."""
        return "\n\n".join(part.strip("\n") for part in (self.setup, *self.pieces) if part.strip()) + "\n"


def _is_code_field(name: str) -> bool:
    return name in CODE_FIELD_SUFFIXES or name.endswith(tuple(f"_{suffix}" for suffix in CODE_FIELD_SUFFIXES))


def _code_fields(value: Any, name: str = "") -> list[tuple[str, str]]:
    """Return (field name, text) of every code field in a result, depth first, in field order."""
    found: list[tuple[str, str]] = []
    if isinstance(value, BaseModel):
        for field_name in type(value).model_fields:
            found += _code_fields(getattr(value, field_name), field_name)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += _code_fields(item, name)
    elif isinstance(value, str) and _is_code_field(name) and value.strip():
        found.append((name, value))
    return found


def _reports_error(value: Any, name: str = "") -> bool:
    """Tell whether a result reports any exception (a field named error or <something>_error is set)."""
    if isinstance(value, BaseModel):
        return any(_reports_error(getattr(value, field_name), field_name) for field_name in type(value).model_fields)
    if isinstance(value, (list, tuple)):
        return any(_reports_error(item, name) for item in value)
    return isinstance(value, str) and bool(value) and (name == "error" or name.endswith("_error"))


def names_used(code: str) -> tuple[list[str], set[str]]:
    """Return the names code reads (in order of first use) and the names it defines anywhere."""
    tree = ast.parse(code)
    read: list[tuple[int, int, str]] = []
    defined: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                read.append((node.lineno, node.col_offset, node.id))
            else:
                defined.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
    return list(dict.fromkeys(name for _line, _column, name in sorted(read))), defined


def free_names(code: str) -> list[str]:
    """Return the names code reads but neither defines nor gets from Python's builtins."""
    read, defined = names_used(code)
    return [name for name in read if name not in defined and not hasattr(builtins, name)]


def _module_import(name: str, home: str) -> str | None:
    """Write the import of a module the lab's own module knows as `name` (torch's or Python's own)."""
    value = vars(sys.modules[home]).get(name) if home in sys.modules else None
    if not inspect.ismodule(value) or value.__name__.split(".")[0] not in ("torch", *sys.stdlib_module_names):
        return None
    package, _dot, leaf = value.__name__.rpartition(".")
    if value.__name__ == name:
        return f"import {name}"
    if leaf == name:
        return f"from {package} import {name}"
    return f"import {value.__name__} as {name}"


def _site_definition(name: str, home: str) -> object | None:
    """Find the class or function `name` in the lab's module, else in any lab module."""
    modules = [sys.modules.get(home)] + [
        module for key, module in sorted(sys.modules.items()) if key.startswith(LAB_PACKAGE) and key != home
    ]
    for module in modules:
        value = vars(module).get(name) if module is not None else None
        if (inspect.isclass(value) or inspect.isfunction(value)) and value.__module__.startswith(LAB_PACKAGE):
            return value
    return None


def setup_for(code: str, home: str = LAB_PACKAGE) -> str:
    """Write the imports and site definitions that `code` needs to run on its own.

    Definitions are resolved recursively (a class may use a helper) and come out dependencies
    first; `home` is the module to look in first (the lab's own).
    """
    imports: list[str] = []
    definitions: dict[str, str] = {}

    def need(text: str, seen: frozenset[str]) -> None:
        for name in free_names(text):
            line = IMPORTS.get(name) or _module_import(name, home)
            if line is not None:
                if line not in imports:
                    imports.append(line)
            elif name not in definitions and name not in seen:
                value = _site_definition(name, home)
                if value is not None:
                    source = textwrap.dedent(inspect.getsource(value))
                    need(source, seen | {name})
                    definitions[name] = source

    need(code, frozenset())
    parts = ["\n".join(sorted(imports, key=lambda line: (line.startswith("from"), line)))] if imports else []
    return "\n\n\n".join(parts + [source.strip("\n") for source in definitions.values()])


def lab_code(state: LabState) -> LabCode:
    """Collect the code a lab state's page showed, with what it needs to run on its own."""
    assert state.result is not None, "only a state that ran has code"
    fields = _code_fields(state.result)
    # Definitions (a class's source) come before the code that uses them, as a reader needs them.
    ordered = [text for name, text in fields if name.endswith("source")] + [
        text for name, text in fields if not name.endswith("source")
    ]
    # Not deduplicated: a history repeats the same statement (two forwards) and each one ran.
    pieces = tuple(piece.strip("\n") + "\n" for piece in ordered)
    return LabCode(
        setup=setup_for("\n\n".join(pieces), home=state.lab.run.__module__),
        pieces=pieces,
        may_raise=_reports_error(state.result),
    )
