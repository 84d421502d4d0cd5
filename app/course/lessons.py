"""Parse lessons/<locale>/NN-slug.md (YAML front matter + Markdown with directives) into frozen models.

Directive lines, each alone on its line:
    ::: lab <lab_id> [key=value&key=value]   embed a lab, optionally with starting inputs
    ::: callout <mistake|note|why>           start a callout box; it ends at a line ':::'
    ::: check <check_id>                     a predict-then-run check (see app/course/checks.py); ends at ':::'
    ::: cell <cell_id>                       embed a runnable code cell; its starter code is the
                                             file lessons/cells/<cell_id>.py, or for one locale
                                             lessons/cells/<locale>/<cell_id>.py: the same program
                                             with its comments and print() labels in that language
    ::: exercise <exercise_id>               an exercise checked by invariants (see app/course/exercises.py):
                                             task, hints and feedback in the block; ends at ':::'
Inline, [[fact:<fact_id>]] is replaced by a value torch computes when the page is asked for.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qsl

import yaml
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.course.checks import CheckPart, parse_check
from app.course.exercises import ExercisePart, ExerciseSpec, parse_exercise
from app.i18n import LOCALES

FILE_NAME = re.compile(r"^(?P<order>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
DIRECTIVE = re.compile(r"^:::\s*(?P<kind>\w+)?\s*(?P<arg>\S+)?\s*(?P<extra>\S+)?\s*$")
FACT = re.compile(r"\[\[fact:(?P<id>[a-z0-9_]+)\]\]")
CALLOUT_KINDS = ("mistake", "note", "why")
CELL_FILE_NAME = re.compile(r"^(?P<id>[a-z0-9_]+)\.py$")
CELLS_FOLDER = "cells"

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


class LessonError(Exception):
    """A lesson file is broken; the message names the file and says how to fix it."""


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=300)


class MarkdownPart(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["markdown"] = "markdown"
    html: str  # may hold [[fact:id]] placeholders, filled per request
    markdown: str = ""  # the Markdown it was rendered from, placeholders and all (for notebooks)


class CalloutPart(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["callout"] = "callout"
    style: Literal["mistake", "note", "why"]
    html: str
    markdown: str = ""  # the Markdown it was rendered from, placeholders and all (for notebooks)


class LabPart(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["lab"] = "lab"
    lab_id: str
    start: tuple[tuple[str, str], ...] = ()  # the inputs the lab opens with, before the learner's own


class CellPart(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["cell"] = "cell"
    cell_id: str
    code: str  # the starter code in the lesson's locale, from lessons/cells/[<locale>/]<cell_id>.py

    @property
    def starter_hash(self) -> str:
        """Name this version of the starter code (browsers key saved edits by it)."""
        return hashlib.sha256(self.code.encode("utf-8")).hexdigest()[:16]


Part = Annotated[
    MarkdownPart | CalloutPart | LabPart | CheckPart | CellPart | ExercisePart, Field(discriminator="kind")
]


@dataclass(frozen=True)
class KnownIds:
    """The ids a lesson may reference; anything else is a broken lesson."""

    labs: set[str]
    facts: set[str]
    checks: set[str] = field(default_factory=set)
    cells: dict[str, str] = field(default_factory=dict)  # cell id -> starter code
    cell_translations: dict[str, dict[str, str]] = field(default_factory=dict)  # locale -> cell id -> code

    def cell_code(self, cell_id: str, locale: str) -> str:
        """Return a cell's starter code in a locale: its translation if it has one, else the shared file."""
        return self.cell_translations.get(locale, {}).get(cell_id, self.cells[cell_id])

    exercises: dict[str, ExerciseSpec] = field(default_factory=dict)  # exercise id -> its code


class Lesson(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str
    locale: str
    order: int
    file_name: str
    title: str
    summary: str
    summary_html: str  # the summary's inline Markdown (code spans) rendered, for pages
    parts: tuple[Part, ...]

    @property
    def lab_ids(self) -> list[str]:
        return [part.lab_id for part in self.parts if isinstance(part, LabPart)]

    @property
    def check_ids(self) -> list[str]:
        return [part.check_id for part in self.parts if isinstance(part, CheckPart)]

    @property
    def cell_ids(self) -> list[str]:
        return [part.cell_id for part in self.parts if isinstance(part, CellPart)]

    @property
    def exercise_ids(self) -> list[str]:
        return [part.exercise_id for part in self.parts if isinstance(part, ExercisePart)]

    @property
    def fact_ids(self) -> list[str]:
        ids: list[str] = []
        for part in self.parts:
            if isinstance(part, (MarkdownPart, CalloutPart)):
                ids += FACT.findall(part.html)
        return ids


def _split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise LessonError(
            f"{path}: start the file with a '---' line, then the front matter (title, summary), then '---'"
        )
    try:
        header, body = text[4:].split("\n---\n", 1)
    except ValueError:
        raise LessonError(f"{path}: close the front matter with a line '---'") from None
    try:
        data = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise LessonError(f"{path}: the front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LessonError(f"{path}: the front matter must be 'key: value' lines (title, summary)")
    return data, body


def read_cell(path: Path) -> str:
    """Read one starter cell file; it must be UTF-8 and hold some code."""
    try:
        code = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LessonError(f"{path}: save the file as UTF-8") from None
    if not code.strip():
        raise LessonError(f"{path}: a starter cell needs some code")
    return code


def load_cells(folder: Path) -> dict[str, str]:
    """Read every starter cell lessons/cells/<cell_id>.py; a missing folder means no cells.

    A folder named after a locale holds that locale's translations (see app/course/cell_translations.py).
    """
    cells: dict[str, str] = {}
    if not folder.is_dir():
        return cells
    for path in sorted(folder.iterdir()):
        if path.name == "__pycache__" or (path.is_dir() and path.name in LOCALES):
            continue
        name = CELL_FILE_NAME.match(path.name)
        if not name:
            raise LessonError(
                f"{path}: name starter cells <cell_id>.py with a-z, 0-9 and _, e.g. tensor_or_parameter.py"
                f" (translations go in a locale folder: {', '.join(LOCALES)})"
            )
        cells[name["id"]] = read_cell(path)
    return cells


def _parse_body(path: Path, body: str, known: KnownIds, locale: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    buffer: list[str] = []
    block: tuple[str, str] | None = None  # the open callout, check or exercise: (kind, argument)

    def flush() -> None:
        text = "\n".join(buffer).strip()
        buffer.clear()
        if not text:
            return
        html = _markdown.render(text)
        for fact_id in FACT.findall(html):
            if fact_id not in known.facts:
                raise LessonError(
                    f"{path}: unknown fact '{fact_id}'; known facts are: {', '.join(sorted(known.facts))}"
                )
        if block:
            parts.append(CalloutPart(style=block[1], html=html, markdown=text))
        else:
            parts.append(MarkdownPart(html=html, markdown=text))

    for number, line in enumerate(body.splitlines(), start=1):
        match = DIRECTIVE.match(line) if line.startswith(":::") else None
        if not match:
            buffer.append(line)
            continue
        where = f"{path}, body line {number}"
        kind, arg, extra = match["kind"], match["arg"], match["extra"]
        if kind is None:
            if block is None:
                raise LessonError(f"{where}: ':::' closes a callout, check or exercise, but none is open")
            if block[0] in ("check", "exercise"):
                try:
                    if block[0] == "check":
                        parts.append(parse_check(block[1], buffer, where))
                    else:
                        parts.append(parse_exercise(known.exercises[block[1]], buffer, where, locale))
                except ValueError as exc:
                    raise LessonError(str(exc)) from None
                buffer.clear()
            else:
                flush()
            block = None
            continue
        if block is not None:
            raise LessonError(f"{where}: close the open '::: {block[0]}' with ':::' before '::: {kind}'")
        if kind == "callout":
            if arg not in CALLOUT_KINDS:
                raise LessonError(f"{where}: write '::: callout <kind>' with kind one of {', '.join(CALLOUT_KINDS)}")
            flush()
            block = ("callout", arg)
        elif kind == "check":
            if arg not in known.checks:
                raise LessonError(f"{where}: unknown check '{arg}'; add its probe as lessons/checks/{arg}.py")
            flush()
            block = ("check", arg)
        elif kind == "exercise":
            if arg not in known.exercises:
                raise LessonError(
                    f"{where}: unknown exercise '{arg}'; put its starter.py, solution.py and check.py"
                    f" in lessons/exercises/{arg}/ (existing: {', '.join(sorted(known.exercises)) or 'none'})"
                )
            flush()
            block = ("exercise", arg)
        elif kind == "lab":
            if arg not in known.labs:
                raise LessonError(f"{where}: unknown lab '{arg}'; known labs are: {', '.join(sorted(known.labs))}")
            flush()
            parts.append(LabPart(lab_id=arg, start=tuple(parse_qsl(extra or "", keep_blank_values=True))))
        elif kind == "cell":
            if arg not in known.cells:
                raise LessonError(
                    f"{where}: unknown cell '{arg}'; put its starter code in lessons/{CELLS_FOLDER}/{arg}.py"
                    f" (existing cells: {', '.join(sorted(known.cells)) or 'none'})"
                )
            flush()
            parts.append(CellPart(cell_id=arg, code=known.cell_code(arg, locale)))
        else:
            raise LessonError(f"{where}: unknown directive '::: {kind}'; use lab, cell, callout, check or exercise")
    if block is not None:
        raise LessonError(f"{path}: a '::: {block[0]} {block[1]}' is never closed; add a line ':::' after it")
    flush()
    return tuple(parts)


def parse_lesson(path: Path, locale: str, known: KnownIds) -> Lesson:
    """Parse and validate one lesson file; raise LessonError naming the file and the fix."""
    name = FILE_NAME.match(path.name)
    if not name:
        raise LessonError(f"{path}: name lesson files NN-slug.md, e.g. 01-tensor-or-parameter.md")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LessonError(f"{path}: save the file as UTF-8") from None
    data, body = _split_front_matter(path, text)
    try:
        front = FrontMatter.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'front matter'}: {e['msg']}" for e in exc.errors())
        raise LessonError(f"{path}: fix the front matter (allowed keys: title, summary): {problems}") from None
    parts = _parse_body(path, body, known, locale)  # the course-wide rules are app/course/rules.py's
    return Lesson(
        slug=name["slug"],
        locale=locale,
        order=int(name["order"]),
        file_name=path.name,
        title=front.title,
        summary=front.summary,
        summary_html=_markdown.renderInline(front.summary),
        parts=parts,
    )


def load_lessons(root: Path, known: KnownIds) -> dict[str, tuple[Lesson, ...]]:
    """Load every locale's lessons in order; the two locales must hold the same files."""
    by_locale: dict[str, tuple[Lesson, ...]] = {}
    for locale in LOCALES:
        folder = root / locale
        if not folder.is_dir():
            raise LessonError(f"{folder}: missing; every locale ({', '.join(LOCALES)}) needs a lessons folder")
        for stray in sorted(p for p in folder.iterdir() if not p.name.endswith(".md")):
            raise LessonError(f"{stray}: only NN-slug.md lesson files belong in {folder}; move or delete it")
        lessons = [parse_lesson(path, locale, known) for path in sorted(folder.glob("*.md"))]
        orders = [lesson.order for lesson in lessons]
        if len(set(orders)) != len(orders):
            raise LessonError(f"{folder}: two lessons share a number prefix; give each file its own NN")
        by_locale[locale] = tuple(lessons)
    names = {locale: {lesson.file_name for lesson in lessons} for locale, lessons in by_locale.items()}
    reference = names[LOCALES[0]]
    for locale in LOCALES[1:]:
        missing, extra = reference - names[locale], names[locale] - reference
        if missing or extra:
            raise LessonError(
                f"{root / locale}: lessons must exist in every language; "
                f"missing here: {sorted(missing) or 'none'}; only here: {sorted(extra) or 'none'}"
            )
    return by_locale
