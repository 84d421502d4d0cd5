"""HTML routes: the lesson index, lesson pages, lab pages and the theme preference."""

from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup

from app.i18n import current_locale, gettext as _
from app.labs import LABS
from app.labs.base import evaluate
from app.labs.facts import compute
from app.checks import CheckPart, ProbeResult, run_probe
from app.lessons import FACT, LabPart, Lesson
from app.web.labs_http import TooManyValues, query_inputs
from app.web.render import THEME_COOKIE, THEMES, is_htmx, render, render_fragment

router = APIRouter(include_in_schema=False)


def lessons_here(request: Request) -> tuple[Lesson, ...]:
    return request.app.state.lessons[current_locale.get()]


def _with_facts(html: str) -> Markup:
    """Fill [[fact:id]] placeholders with values torch computes for this request."""
    return Markup(FACT.sub(lambda m: str(Markup('<code class="fact">%s</code>') % compute(m["id"])), html))


def _lab_state(request: Request, lab_id: str, start: tuple = (), targeted: bool = True):
    lab = LABS[lab_id]
    try:
        raw = query_inputs(request.query_params if targeted else None, lab, start)
    except TooManyValues as exc:
        raise HTTPException(400, str(exc)) from None
    return evaluate(lab, raw)


def _lab_response(request: Request, state, template: str, context: dict):
    status = 422 if state.errors else 200
    if is_htmx(request):
        heading = template == "lesson.html"
        return render_fragment(request, "_lab.html", "lab_widget", state, context["action"], heading, status=status)
    return render(request, template, context, status=status)


@dataclass
class CheckState:
    """A check as the learner left it: their answer, and torch's, once they have answered."""

    answer: str | None = None
    error: str | None = None
    probe: ProbeResult | None = None

    @property
    def correct(self) -> bool:
        return self.probe is not None and self.answer == self.probe.answer


def _check_state(request: Request, part: CheckPart) -> CheckState:
    """Judge the learner's prediction against what the probe makes torch answer right now."""
    answer = request.query_params.get("answer")
    if not answer:
        return CheckState(error=_("Choose an answer first, then check it."))
    if part.option(answer) is None:
        keys = ", ".join(option.key for option in part.options)
        return CheckState(answer=answer, error=_("“%(answer)s” is not an option here; choose one of: %(keys)s") % {"answer": answer, "keys": keys})
    return CheckState(answer=answer, probe=run_probe(request.app.state.probes[part.check_id]))


@router.get("/")
async def index(request: Request):
    return render(request, "index.html", {"lessons": lessons_here(request), "labs": LABS})


@router.get("/lessons/{slug}")
async def lesson_page(request: Request, slug: str):
    lessons = lessons_here(request)
    position = next((i for i, lesson in enumerate(lessons) if lesson.slug == slug), None)
    if position is None:
        raise HTTPException(404, _("There is no lesson called “%(slug)s”.") % {"slug": slug})
    lesson = lessons[position]
    wanted = request.query_params.get("lab")
    if wanted is not None and wanted not in lesson.lab_ids:
        raise HTTPException(404, _("This lesson has no lab called “%(lab)s”.") % {"lab": wanted})
    asked = request.query_params.get("check")
    if asked is not None and asked not in lesson.check_ids:
        raise HTTPException(404, _("This lesson has no check called “%(check)s”.") % {"check": asked})
    action = f"/lessons/{slug}"
    parts, target = [], None
    for part in lesson.parts:
        if isinstance(part, CheckPart):
            state = _check_state(request, part) if part.check_id == asked else CheckState()
            if part.check_id == asked and is_htmx(request):
                return render_fragment(request, "_check.html", "check_block", part, state, action,
                                       status=422 if state.error else 200)
            parts.append(("check", part, state))
        elif isinstance(part, LabPart):
            state = _lab_state(request, part.lab_id, part.start, targeted=part.lab_id == wanted)
            target = state if part.lab_id == wanted else target
            parts.append(("lab", state))
        else:
            parts.append((part.kind, part, _with_facts(part.html)))
    context = {
        "lesson": lesson, "parts": parts, "action": action,
        "previous": lessons[position - 1] if position > 0 else None,
        "next": lessons[position + 1] if position + 1 < len(lessons) else None,
    }
    if target is not None:
        return _lab_response(request, target, "lesson.html", context)
    answered_badly = any(kind == "check" and rest[1].error for kind, *rest in parts)
    return render(request, "lesson.html", context, status=422 if answered_badly else 200)


@router.get("/labs")
async def lab_index(request: Request):
    return render(request, "labs.html", {"labs": LABS})


@router.get("/labs/{lab_id}")
async def lab_page(request: Request, lab_id: str):
    if lab_id not in LABS:
        raise HTTPException(404, _("There is no lab called “%(lab)s”.") % {"lab": lab_id})
    state = _lab_state(request, lab_id)
    used_in = [lesson for lesson in lessons_here(request) if lab_id in lesson.lab_ids]
    context = {"state": state, "action": f"/labs/{lab_id}", "used_in": used_in}
    return _lab_response(request, state, "lab.html", context)


@router.get("/prefs")
async def preferences(theme: str, next: str = "/"):
    """Remember the chosen theme in a cookie and go back; works without JavaScript."""
    if theme not in THEMES:
        raise HTTPException(400, _("theme must be one of: %(choices)s") % {"choices": ", ".join(THEMES)})
    if not next.startswith("/") or next.startswith("//"):
        next = "/"
    response = RedirectResponse(next, status_code=303)
    response.set_cookie(THEME_COOKIE, theme, max_age=365 * 24 * 3600, samesite="lax")
    return response
