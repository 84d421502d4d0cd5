"""Exercises checked by invariants: a task, starter code, hints, and a checker run in the sandbox.

Each exercise is a folder lessons/exercises/<exercise_id>/ with three files, shared by all locales:

    starter.py    the code the learner starts from (it must fail the checks)
    solution.py   a solution (it must pass; shown only in the answer to an attempt)
    check.py      the checker: INVARIANTS and MISTAKES (tuples of ids, plain literals) and
                  `check(namespace, report)`, optionally `explain(error, report)`; see
                  app/course/exercise_harness.py for how it runs next to the learner's code

A locale may add <exercise_id>/<locale>/starter.py: the same starter with its comments, docstrings
and printed labels in that language (app/course/same_program.py says what may differ).

The words live in the lesson, per locale, inside the directive block (ids are shared):

    ::: exercise zero_parameters
    The task, in Markdown (several paragraphs are fine).
    - hint: the first hint (hints are revealed one at a time, in this order)
    - invariant all_zero: what the check tests :: feedback when it fails
    - mistake rebound: feedback aimed at one diagnosed mistake
    :::

Every id the checker declares needs its line, and every line must name a declared id.
"""

import ast
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict

from app.course.same_program import same_program
from app.i18n import LOCALES

EXERCISE_ID = re.compile(r"^[a-z0-9_]+$")
FILES = ("starter.py", "solution.py", "check.py")
HINT = re.compile(r"^- hint:\s*(?P<text>\S.*?)\s*$")
INVARIANT = re.compile(r"^- invariant (?P<id>[a-z0-9_]+):\s*(?P<label>\S.*?)\s*::\s*(?P<feedback>\S.*?)\s*$")
MISTAKE = re.compile(r"^- mistake (?P<id>[a-z0-9_]+):\s*(?P<text>\S.*?)\s*$")
ITEM = re.compile(r"^- (hint|invariant|mistake)\b")
_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False})


@dataclass(frozen=True)
class ExerciseSpec:
    """Holds one exercise's code: what the learner starts from, a solution, and the checker."""

    exercise_id: str
    starter: str
    solution: str
    checker: str
    invariants: tuple[str, ...]
    mistakes: tuple[str, ...]
    translated_starters: dict[str, str] = field(default_factory=dict)  # locale -> <id>/<locale>/starter.py

    def starter_in(self, locale: str) -> str:
        """Return the starter code in a locale: its translation if it has one, else starter.py."""
        return self.translated_starters.get(locale, self.starter)


class ExerciseInvariant(BaseModel):
    model_config = ConfigDict(frozen=True)
    invariant_id: str
    label_html: str
    feedback_html: str


class ExercisePart(BaseModel):
    """An exercise as one locale's lesson shows it (the solution stays in ExerciseSpec)."""

    model_config = ConfigDict(frozen=True)
    kind: Literal["exercise"] = "exercise"
    exercise_id: str
    statement_html: str
    hints_html: tuple[str, ...]
    invariants: tuple[ExerciseInvariant, ...]
    mistakes: dict[str, str]  # mistake id -> feedback HTML
    starter: str

    @property
    def starter_hash(self) -> str:
        """Name this version of the starter code (browsers key saved edits by it)."""
        return hashlib.sha256(self.starter.encode("utf-8")).hexdigest()[:16]


def _declared_ids(path: Path, source: str) -> dict[str, tuple[str, ...]]:
    """Read INVARIANTS and MISTAKES from a checker without running it (they must be literals)."""
    try:
        tree = ast.parse(source, str(path))
    except SyntaxError as exc:
        raise ValueError(f"{path}: the checker is not valid Python: {exc}") from None
    found: dict[str, tuple[str, ...]] = {}
    functions = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions.add(node.name)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("INVARIANTS", "MISTAKES"):
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    raise ValueError(f"{path}: write {name} as a tuple of id strings") from None
                if not (isinstance(value, tuple) and all(isinstance(v, str) and EXERCISE_ID.match(v) for v in value)):
                    raise ValueError(f"{path}: write {name} as a tuple of ids (a-z, 0-9 and _)")
                if len(set(value)) != len(value):
                    raise ValueError(f"{path}: {name} lists an id twice")
                found[name] = value
    if "check" not in functions:
        raise ValueError(f"{path}: define check(namespace, report)")
    if not found.get("INVARIANTS"):
        raise ValueError(f"{path}: declare INVARIANTS = (...), at least one id")
    return {"invariants": found["INVARIANTS"], "mistakes": found.get("MISTAKES", ())}


def _translated_starters(path: Path, starter: str) -> dict[str, str]:
    """Read <id>/<locale>/starter.py: the same program as starter.py, in that locale's words."""
    found: dict[str, str] = {}
    for locale in LOCALES:
        folder = path / locale
        if not folder.is_dir():
            continue
        names = {child.name for child in folder.iterdir() if child.name != "__pycache__"}
        if names != {"starter.py"}:
            raise ValueError(f"{folder}: a locale folder of an exercise holds only starter.py")
        try:
            code = (folder / "starter.py").read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{folder / 'starter.py'}: save the file as UTF-8") from None
        if not same_program(starter, code):
            raise ValueError(
                f"{folder / 'starter.py'}: translate only comments, docstrings and the text passed to print();"
                f" the code must stay the same program as {path / 'starter.py'}"
            )
        found[locale] = code
    return found


def load_exercises(folder: Path) -> dict[str, ExerciseSpec]:
    """Read every lessons/exercises/<id>/ folder; a missing folder means no exercises."""
    specs: dict[str, ExerciseSpec] = {}
    if not folder.is_dir():
        return specs
    for path in sorted(folder.iterdir()):
        if path.name == "__pycache__":
            continue
        if not (path.is_dir() and EXERCISE_ID.match(path.name)):
            raise ValueError(f"{path}: each exercise is a folder named with a-z, 0-9 and _ holding {', '.join(FILES)}")
        names = {child.name for child in path.iterdir() if child.name != "__pycache__" and child.name not in LOCALES}
        if names != set(FILES):
            raise ValueError(
                f"{path}: an exercise folder holds exactly {', '.join(FILES)}; found {', '.join(sorted(names))}"
            )
        try:
            texts = {name: (path / name).read_text(encoding="utf-8") for name in FILES}
        except UnicodeDecodeError:
            raise ValueError(f"{path}: save the files as UTF-8") from None
        ids = _declared_ids(path / "check.py", texts["check.py"])
        specs[path.name] = ExerciseSpec(
            exercise_id=path.name,
            starter=texts["starter.py"],
            solution=texts["solution.py"],
            checker=texts["check.py"],
            translated_starters=_translated_starters(path, texts["starter.py"]),
            **ids,
        )
    return specs


def _inline(text: str) -> str:
    return _markdown.renderInline(text)


def parse_exercise(spec: ExerciseSpec, lines: list[str], where: str, locale: str = "en") -> ExercisePart:
    """Parse an exercise block: the task in Markdown, then hint, invariant and mistake lines."""
    statement: list[str] = []
    hints: list[str] = []
    labels: dict[str, tuple[str, str]] = {}
    mistakes: dict[str, str] = {}
    for line in lines:
        if ITEM.match(line):
            if (hint := HINT.match(line)) is not None:
                hints.append(_inline(hint["text"]))
            elif (invariant := INVARIANT.match(line)) is not None:
                if invariant["id"] not in spec.invariants or invariant["id"] in labels:
                    raise ValueError(
                        f"{where}: invariant '{invariant['id']}' is unknown or repeated; "
                        f"lessons/exercises/{spec.exercise_id}/check.py declares: {', '.join(spec.invariants)}"
                    )
                labels[invariant["id"]] = (_inline(invariant["label"]), _inline(invariant["feedback"]))
            elif (mistake := MISTAKE.match(line)) is not None:
                if mistake["id"] not in spec.mistakes or mistake["id"] in mistakes:
                    raise ValueError(
                        f"{where}: mistake '{mistake['id']}' is unknown or repeated; "
                        f"lessons/exercises/{spec.exercise_id}/check.py declares: {', '.join(spec.mistakes) or 'none'}"
                    )
                mistakes[mistake["id"]] = _inline(mistake["text"])
            else:
                raise ValueError(
                    f"{where}: write '- hint: text', '- invariant <id>: label :: feedback' or '- mistake <id>: text'"
                )
        elif (hints or labels or mistakes) and line.strip():
            raise ValueError(
                f"{where}: put the task first; after the first hint, invariant or mistake line only such lines may follow"
            )
        else:
            statement.append(line)
    if not "\n".join(statement).strip():
        raise ValueError(f"{where}: an exercise needs a task before its hints")
    if not hints:
        raise ValueError(f"{where}: give at least one '- hint: ...' line")
    missing = [i for i in spec.invariants if i not in labels] + [m for m in spec.mistakes if m not in mistakes]
    if missing:
        raise ValueError(f"{where}: give a line for every id the checker declares; missing: {', '.join(missing)}")
    return ExercisePart(
        exercise_id=spec.exercise_id,
        statement_html=_markdown.render("\n".join(statement).strip()),
        hints_html=tuple(hints),
        starter=spec.starter_in(locale),
        mistakes=mistakes,
        invariants=tuple(
            ExerciseInvariant(invariant_id=i, label_html=labels[i][0], feedback_html=labels[i][1])
            for i in spec.invariants
        ),
    )
