"""Exercise routes: POST /lessons/{slug}/exercises/{exercise_id} checks an attempt in the sandbox.

Without JavaScript the form posts here and gets the whole lesson back, the learner's code and the
verdict in place; the editor script sends HX-Request and gets only the result panel. The solution
is part of that answer only, and only when the sandbox ran the attempt and PLAB_SHOW_SOLUTIONS is on:
no page shows it before an attempt.
"""

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.course.exercise_harness import build_program, judge, program_overhead
from app.course.exercises import ExercisePart
from app.i18n import gettext as _
from app.web import classroom
from app.web.pages import ExerciseAttempt, find_lesson, lesson_context
from app.web.render import Fragment, respond
from app.web.run import HTTP_STATUS, read_code_form

router = APIRouter(include_in_schema=False)


def _exercise(request: Request, slug: str, exercise_id: str) -> ExercisePart:
    lessons, position = find_lesson(request, slug)
    part = next(
        (p for p in lessons[position].parts if isinstance(p, ExercisePart) and p.exercise_id == exercise_id), None
    )
    if part is None:
        raise HTTPException(404, _("This lesson has no exercise called “%(exercise)s”.") % {"exercise": exercise_id})
    return part


@router.get("/lessons/{slug}/exercises/{exercise_id}")
async def exercise_anchor(request: Request, slug: str, exercise_id: str):
    """Send a GET (a reload, a language switch) to the exercise in its lesson."""
    _exercise(request, slug, exercise_id)
    query = urlencode(list(request.query_params.multi_items()))
    return RedirectResponse(f"/lessons/{slug}{'?' + query if query else ''}#exercise-{exercise_id}", status_code=303)


@router.post("/lessons/{slug}/exercises/{exercise_id}")
async def check_attempt(request: Request, slug: str, exercise_id: str):
    part = _exercise(request, slug, exercise_id)
    spec = request.app.state.exercises[exercise_id]
    runner = request.app.state.runner
    limit = runner.config.code_limit - program_overhead(spec)
    code = (await read_code_form(request, {"code"}, limit))["code"]
    program = build_program(spec, code)
    if runner.code_size(program) > runner.config.code_limit:
        raise HTTPException(413, _("The code is too long to check: at most %(limit)s bytes.") % {"limit": limit})
    outcome = judge(spec, await runner.run(program, await classroom.limit_key(request)))
    await classroom.record_exercise(request, slug, exercise_id, code, outcome)
    allowed = request.app.state.settings.show_solutions
    attempt = ExerciseAttempt(
        exercise_id,
        code,
        outcome,
        spec.solution if allowed and outcome.attempted else None,
        solutions_hidden=not allowed,
    )
    status = HTTP_STATUS.get(outcome.run.status, 200)
    verdict = Fragment("_exercise.html", "exercise_result", (part, attempt))
    whole = lambda: ("lesson.html", lesson_context(request, slug, attempt=attempt)[0])  # noqa: E731
    response = respond(request, verdict, whole, status=status)
    if outcome.run.retry_after:
        response.headers["Retry-After"] = str(outcome.run.retry_after)
    return response
