"""HTML routes: the lesson index, lesson pages, lab pages and the theme preference."""

from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup

from app.course.checks import CheckPart
from app.course.exercise_harness import Outcome
from app.course.exercises import ExercisePart
from app.course.facts import compute
from app.course.lessons import FACT, CalloutPart, CellPart, LabPart, Lesson, MarkdownPart
from app.i18n import current_locale
from app.i18n import gettext as _
from app.labs import LAB_BY_ID, LABS
from app.labs.base import LabState, evaluate
from app.runner.service import RunResult
from app.web import classroom
from app.web.checks import CheckState, asked_check, judge
from app.web.cookies import set_cookie
from app.web.lab_inputs import TooManyValues, query_inputs
from app.web.render import THEME_COOKIE, THEMES, Fragment, is_htmx, render, respond

router = APIRouter(include_in_schema=False)


class CellRun(NamedTuple):
    """A cell the learner ran: its id, their code and what came back."""

    cell_id: str
    code: str
    result: RunResult


class ExerciseAttempt(NamedTuple):
    """An exercise the learner submitted: their code, the verdict, and the solution if offered."""

    exercise_id: str
    code: str
    outcome: Outcome
    solution: str | None  # None unless offered: the sandbox ran the attempt and solutions are on
    solutions_hidden: bool = False


# What a lesson page shows for each part of the lesson, in order; lesson.html dispatches on `kind`.
@dataclass(frozen=True)
class ShownLab:
    state: LabState
    kind: str = "lab"


@dataclass(frozen=True)
class ShownCheck:
    part: CheckPart
    state: CheckState
    kind: str = "check"


@dataclass(frozen=True)
class ShownCell:
    part: CellPart
    code: str  # the learner's code after a run, else the starter
    result: RunResult | None
    kind: str = "cell"


@dataclass(frozen=True)
class ShownExercise:
    part: ExercisePart
    code: str  # the learner's attempt, else the starter
    attempt: ExerciseAttempt | None
    kind: str = "exercise"


@dataclass(frozen=True)
class ShownProse:
    """Prose or a callout, its facts filled in by torch for this request."""

    part: MarkdownPart | CalloutPart
    html: Markup

    @property
    def kind(self) -> str:
        return self.part.kind


def lessons_here(request: Request) -> tuple[Lesson, ...]:
    return request.app.state.lessons[current_locale.get()]


def _boxed(html: str) -> str:
    """Put the prose's code blocks and tables in boxes of their own that scroll sideways.

    On a phone they are wider than the screen; a box that scrolls keeps the page itself still, and
    tabindex with a name lets a keyboard reach and scroll it.
    """
    code = Markup(' class="code" tabindex="0" role="group" aria-label="%s"') % _("Code")
    table = Markup('<div class="table-wrap" tabindex="0" role="group" aria-label="%s"><table>') % _("Table")
    return html.replace("<pre>", f"<pre{code}>").replace("<table>", table).replace("</table>", "</table></div>")


def _with_facts(html: str) -> Markup:
    """Fill [[fact:id]] placeholders with values torch computes for this request; box wide blocks."""
    return Markup(FACT.sub(lambda m: str(Markup('<code class="fact">%s</code>') % compute(m["id"])), _boxed(html)))


def _lab_state(request: Request, lab_id: str, start: tuple = (), targeted: bool = True):
    lab = LAB_BY_ID[lab_id]
    try:
        raw = query_inputs(request.query_params if targeted else None, lab, start)
    except TooManyValues as exc:
        raise HTTPException(400, str(exc)) from None
    return evaluate(lab, raw)


def lab_response(request: Request, state, template: str, context: dict):
    """Answer a lab request: the lab widget for htmx, else the whole page (422 when the inputs were bad)."""
    heading = template == "lesson.html"
    widget = Fragment("_lab.html", "lab_widget", (state, context["action"], heading))
    return respond(request, widget, lambda: (template, context), status=422 if state.errors else 200)


@router.get("/")
async def index(request: Request):
    lessons = lessons_here(request)
    progress = await classroom.class_progress(request, lessons)
    return render(request, "index.html", {"lessons": lessons, "class_progress": progress})


def find_lesson(request: Request, slug: str) -> tuple[tuple[Lesson, ...], int]:
    """Return the lessons in this locale and the position of `slug`; 404 when there is none."""
    lessons = lessons_here(request)
    position = next((i for i, lesson in enumerate(lessons) if lesson.slug == slug), None)
    if position is None:
        raise HTTPException(404, _("There is no lesson called “%(slug)s”.") % {"slug": slug})
    return lessons, position


def lesson_context(
    request: Request,
    slug: str,
    ran: CellRun | None = None,
    attempt: ExerciseAttempt | None = None,
    judged: tuple[CheckPart, CheckState] | None = None,
):
    """Build a lesson page's context (and the lab the query targets, if any).

    `ran` carries the code and result of a cell the learner just ran, `attempt` an exercise they
    just submitted, `judged` a check the learner answered and its verdict (judged once by the caller); other cells and
    exercises show their starter code.
    """
    lessons, position = find_lesson(request, slug)
    lesson = lessons[position]
    wanted = request.query_params.get("lab")
    if wanted is not None and wanted not in lesson.lab_ids:
        raise HTTPException(404, _("This lesson has no lab called “%(lab)s”.") % {"lab": wanted})
    parts, target = [], None
    for part in lesson.parts:
        if isinstance(part, CheckPart):
            answered = judged is not None and judged[0] is part
            parts.append(ShownCheck(part, judged[1] if answered else CheckState()))
        elif isinstance(part, LabPart):
            state = _lab_state(request, part.lab_id, part.start, targeted=part.lab_id == wanted)
            target = state if part.lab_id == wanted else target
            parts.append(ShownLab(state))
        elif isinstance(part, CellPart):
            mine = ran if ran is not None and ran.cell_id == part.cell_id else None
            parts.append(ShownCell(part, mine.code if mine else part.code, mine.result if mine else None))
        elif isinstance(part, ExercisePart):
            tried = attempt if attempt is not None and attempt.exercise_id == part.exercise_id else None
            parts.append(ShownExercise(part, tried.code if tried else part.starter, tried))
        else:
            parts.append(ShownProse(part, _with_facts(part.html)))
    context = {
        "lesson": lesson,
        "parts": parts,
        "action": f"/lessons/{slug}",
        "previous": lessons[position - 1] if position > 0 else None,
        "next": lessons[position + 1] if position + 1 < len(lessons) else None,
    }
    return context, target


def _check_response(request: Request, slug: str, part: CheckPart, judged: CheckState):
    block = Fragment("_check.html", "check_block", (part, judged, f"/lessons/{slug}"))
    whole = lambda: ("lesson.html", lesson_context(request, slug, judged=(part, judged))[0])  # noqa: E731
    return respond(request, block, whole, status=422 if judged.error else 200)


@router.get("/lessons/{slug}")
async def lesson_page(request: Request, slug: str):
    lessons, position = find_lesson(request, slug)
    query = request.query_params
    answered = asked_check(lessons[position], query.get("check"))
    judged = judge(request, answered, query.get("answer")) if answered is not None else None
    if not is_htmx(request):
        await classroom.record_lesson(request, slug)
    if judged is not None and "lab" not in query:
        return _check_response(request, slug, answered, judged)
    context, target = lesson_context(request, slug, judged=(answered, judged) if judged else None)
    if target is not None:
        return lab_response(request, target, "lesson.html", context)
    return render(request, "lesson.html", context, status=422 if judged is not None and judged.error else 200)


@router.post("/lessons/{slug}/check")
async def answer_check(request: Request, slug: str):
    """Judge a check answered with the check form, and record it for a class member."""
    lessons, position = find_lesson(request, slug)
    form = await classroom.read_form(request, {"check", "answer"})
    answered = asked_check(lessons[position], form["check"])
    judged = judge(request, answered, form["answer"])
    await classroom.record_check(request, slug, answered.check_id, judged)
    return _check_response(request, slug, answered, judged)


@router.get("/labs")
async def lab_index(request: Request):
    return render(request, "labs.html", {"labs": LABS})


@router.get("/labs/{lab_id}")
async def lab_page(request: Request, lab_id: str):
    if lab_id not in LAB_BY_ID:
        raise HTTPException(404, _("There is no lab called “%(lab)s”.") % {"lab": lab_id})
    state = _lab_state(request, lab_id)
    used_in = [lesson for lesson in lessons_here(request) if lab_id in lesson.lab_ids]
    context = {"state": state, "action": f"/labs/{lab_id}", "used_in": used_in}
    return lab_response(request, state, "lab.html", context)


@router.get("/prefs")
async def preferences(request: Request, theme: str, next: str = "/"):
    """Remember the chosen theme in a cookie and go back; works without JavaScript."""
    if theme not in THEMES:
        raise HTTPException(400, _("theme must be one of: %(choices)s") % {"choices": ", ".join(THEMES)})
    if not next.startswith("/") or next.startswith("//"):
        next = "/"
    response = RedirectResponse(next, status_code=303)
    set_cookie(response, request, THEME_COOKIE, theme)
    return response


@router.get("/lessons/{slug}/check")
async def after_check(request: Request, slug: str):
    """The page a no-JS check answer lands on, asked for again (a language link, a reload): the lesson."""
    find_lesson(request, slug)
    lang = request.query_params.get("lang")
    return RedirectResponse(f"/lessons/{slug}" + (f"?{urlencode({'lang': lang})}" if lang else ""), status_code=303)
