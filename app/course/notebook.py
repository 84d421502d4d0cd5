"""Turn a lesson, or one lab state, into a Jupyter notebook (nbformat 4) that runs with nothing but torch.

A lesson's notebook holds, in the lesson's order: its prose as Markdown with each [[fact:id]] filled
with the value torch computes now (as the page does), each code cell's starter code, each embedded
lab's code that ran for its state (app/course/lab_code.py), each check as a question followed by its
own probe, and each exercise with its starter code and a cell checking it by the site's invariants
(app/course/notebook_cells.py). A lab state also becomes a plain Python script.
"""

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlencode

import nbformat
import torch
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from app.course.checks import CheckPart
from app.course.exercises import ExercisePart, ExerciseSpec
from app.course.facts import compute
from app.course.lab_code import LabCode, lab_code
from app.course.lessons import FACT, CalloutPart, CellPart, LabPart, Lesson, MarkdownPart
from app.course.notebook_cells import RAISES, check_cells, exercise_cells
from app.i18n import current_locale
from app.i18n import gettext as _
from app.labs.base import LabState

MEDIA_TYPE = "application/x-ipynb+json"
SITE_LINK = re.compile(r"(\]\(|href=\")/(?!/)")  # a Markdown or HTML link to a page of the site
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Translate UI words into `locale` while a notebook is written."""
    token = current_locale.set(locale)
    try:
        yield
    finally:
        current_locale.reset(token)


def lab_query(state: LabState) -> str:
    """Write a lab state's inputs as the query string that opens the same state (lists repeat their key).

    Only the lab's input fields count (not values computed from them), and an unset one is left out.
    """
    pairs = []
    for key, value in state.values.items():
        if key not in state.lab.params.model_fields or value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return urlencode(pairs)


def lab_url(state: LabState, site: str) -> str:
    """Return the address of a lab state's own page on the site, in the current language."""
    query = "&".join(part for part in (lab_query(state), urlencode({"lang": current_locale.get()})) if part)
    return f"{site.rstrip('/')}/labs/{state.lab.id}?{query}"


def _code_span(value: str) -> str:
    return f"`` {value} ``" if "`" in value else f"`{value}`"  # a value holding a backtick needs a wider fence


def fill_facts(markdown: str, computed: dict[str, str]) -> str:
    """Replace each [[fact:id]] with its value, computed once per notebook, as a code span."""

    def value(match) -> str:
        if match["id"] not in computed:
            computed[match["id"]] = compute(match["id"])
        return _code_span(computed[match["id"]])

    return FACT.sub(value, markdown)


def _callout(part: CalloutPart, computed: dict[str, str]) -> NotebookNode:
    heading = {"mistake": _("Common mistake"), "note": _("Note"), "why": _("Why it is so")}[part.style]
    body = fill_facts(part.markdown, computed)
    return new_markdown_cell(f"> **{heading}**\n>\n" + "\n".join(f"> {line}".rstrip() for line in body.splitlines()))


def _torch_cell() -> NotebookNode:
    made = _("This notebook was made with torch %(version)s; you have torch") % {"version": torch.__version__}
    return new_code_cell(f"import torch\n\nprint({made!r}, torch.__version__)")


def lab_cells(state: LabState, site: str) -> list[NotebookNode]:
    """Write one lab state as cells: a heading with a link to the state, what the code needs, the code."""
    code: LabCode = lab_code(state)
    intro = _("The code the site ran for this state ([open it on the site](%(url)s)).") % {"url": lab_url(state, site)}
    if code.may_raise:
        intro += " " + _(
            "If torch raises an exception below, that is the answer the page shows, not a broken notebook."
        )
    heading = _("Lab: %(title)s") % {"title": _(state.lab.title)}
    cells = [new_markdown_cell(f"### {heading}\n\n{intro}")]
    if code.setup:
        note = "# " + _("What the code below needs: imports and the site's own definitions.")
        cells.append(new_code_cell(f"{note}\n{code.setup}"))
    meta = {"parameter_lab": {"lab": state.lab.id}} | ({"tags": [RAISES]} if code.may_raise else {})
    cells += [new_code_cell(piece.strip("\n"), metadata=meta) for piece in code.pieces]
    return cells


def _notebook(cells: list[NotebookNode], about: dict, site: str) -> NotebookNode:
    if site:  # a notebook has no site around it: a link to one of its pages must say where that is
        for cell in cells:
            if cell.cell_type == "markdown":
                cell.source = SITE_LINK.sub(lambda m: f"{m[1]}{site.rstrip('/')}/", cell.source)
    notebook = new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "parameter_lab": {"torch_version": torch.__version__, **about},
    }
    nbformat.validate(notebook)
    return notebook


def lesson_notebook(
    lesson: Lesson,
    labs: Mapping[str, LabState],
    probes: Mapping[str, str],
    exercises: Mapping[str, ExerciseSpec],
    site: str = "",
) -> NotebookNode:
    """Write a lesson as a notebook; `labs` holds each embedded lab's state (its start or the URL's)."""
    with speaking(lesson.locale):
        computed: dict[str, str] = {}
        link = f"{site.rstrip('/')}/lessons/{lesson.slug}?lang={lesson.locale}"
        cells = [
            new_markdown_cell(
                f"# {lesson.title}\n\n{lesson.summary}\n\n"
                + _("A lesson of Parameter Lab ([open it on the site](%(url)s)). It needs nothing but torch.")
                % {"url": link}
            ),
            _torch_cell(),
        ]
        for part in lesson.parts:
            if isinstance(part, MarkdownPart):
                cells.append(new_markdown_cell(fill_facts(part.markdown, computed)))
            elif isinstance(part, CalloutPart):
                cells.append(_callout(part, computed))
            elif isinstance(part, LabPart):
                cells += lab_cells(labs[part.lab_id], site)
            elif isinstance(part, CheckPart):
                cells += check_cells(part, probes[part.check_id])
            elif isinstance(part, CellPart):
                cells.append(new_code_cell(part.code.strip("\n"), metadata={"parameter_lab": {"cell": part.cell_id}}))
            elif isinstance(part, ExercisePart):
                cells += exercise_cells(part, exercises[part.exercise_id])
            else:  # a new kind of part must say how it becomes cells
                raise TypeError(f"no notebook cells for a lesson part of kind {part.kind!r}")
        return _notebook(cells, {"lesson": lesson.slug, "locale": lesson.locale, "facts": computed}, site)


def lab_notebook(state: LabState, site: str = "") -> NotebookNode:
    """Write one lab state as a notebook, in the current locale."""
    title = _(state.lab.title)
    cells = [new_markdown_cell(f"# {title}\n\n{_(state.lab.summary)}"), _torch_cell(), *lab_cells(state, site)]
    about = {"lab": state.lab.id, "locale": current_locale.get(), "state": lab_query(state)}
    return _notebook(cells, about, site)


def lab_script(state: LabState, site: str = "") -> str:
    """Write one lab state as a Python script: a header saying where it came from, then the code."""
    code = lab_code(state)
    header = [
        f"# {_(state.lab.title)}: " + _("the code the site ran for this state."),
        "# " + lab_url(state, site),
        "# " + _("Made with torch %(version)s; it needs nothing but torch.") % {"version": torch.__version__},
    ]
    if code.may_raise:
        header.append("# " + _("If torch raises an exception, that is the answer the page shows."))
    return "\n".join(header) + "\n\n" + code.script


def lesson_file_name(lesson: Lesson) -> str:
    """Name a lesson's notebook readably: 05-rebinding-pitfall.zh-CN.ipynb."""
    return f"{lesson.order:02d}-{lesson.slug}.{lesson.locale}.ipynb"


def lab_file_name(state: LabState, extension: str) -> str:
    """Name a lab state's download: lab-rebinding.zh-CN.ipynb or lab-rebinding.py."""
    locale = f".{current_locale.get()}" if extension == "ipynb" else ""
    return f"lab-{state.lab.id}{locale}.{extension}"


def notebook_text(notebook: NotebookNode) -> str:
    """Serialise a notebook as the .ipynb file's text."""
    return nbformat.writes(notebook, version=4)
