"""What the classroom routes share, and the hooks the lesson routes call to record a class member's work.

A learner without a device cookie costs these hooks nothing: no cookie, no database query.
"""

from fastapi import HTTPException, Request

from app.classroom.rules import Member
from app.classroom.store import ClassStore
from app.i18n import gettext as _
from app.web.run import client_key, parse_form, read_body

DEVICE_COOKIE = "plab_device"
TEACHER_COOKIE = "plab_teacher"
FORM_LIMIT = 4096  # bytes: every classroom form is a few short fields


def store(request: Request) -> ClassStore:
    return request.app.state.classroom


async def read_form(request: Request, fields: set[str]) -> dict[str, str]:
    """Read a small urlencoded form; 400/413 say what was wrong. Missing fields read as empty."""
    body = await read_body(request, FORM_LIMIT)
    if body is None:
        raise HTTPException(413, _("The form is too large."))
    form = parse_form(body)
    return {field: form.get(field, "") for field in fields}


async def class_member(request: Request) -> Member | None:
    """Return the class member this request's device cookie belongs to (looked up once per request)."""
    if "class_member" not in request.scope.setdefault("state", {}):
        device = request.cookies.get(DEVICE_COOKIE)
        request.scope["state"]["class_member"] = await store(request).member(device) if device else None
    return request.scope["state"]["class_member"]


async def limit_key(request: Request) -> str:
    """Name the client for per-client limits: the student in a class (a class often shares one address)."""
    member = await class_member(request)
    return f"student:{member.student_id}" if member else client_key(request)


# --- hooks called by the lesson routes ---


async def record_lesson(request: Request, slug: str) -> None:
    member = await class_member(request)
    if member:
        await store(request).record_lesson(member, slug)


async def record_check(request: Request, slug: str, check_id: str, state) -> None:
    """Keep a class member's answer once the server's probe has judged it (not a malformed one)."""
    member = await class_member(request)
    if member and state.probe is not None:
        await store(request).record_check(member, slug, check_id, state.answer, state.correct)


async def record_cell(request: Request, slug: str, cell_id: str, status: str) -> None:
    member = await class_member(request)
    if member and status not in ("refused", "rate_limited"):
        await store(request).record_cell(member, slug, cell_id, status)


async def record_exercise(request: Request, slug: str, exercise_id: str, code: str, outcome) -> None:
    member = await class_member(request)
    if member and outcome.attempted:
        failed = sorted(name for name, (ok, _detail) in outcome.results.items() if not ok)
        limit = request.app.state.settings.run_code_limit
        await store(request).record_exercise(
            member,
            slug,
            exercise_id,
            outcome.status,
            failed,
            outcome.mistakes,
            code.encode()[:limit].decode(errors="ignore"),
        )


async def class_progress(request: Request, lessons) -> dict | None:
    """Per lesson, the member's checks right and answered and exercises solved, from the server."""
    member = await class_member(request)
    if member is None:
        return None
    checks, solved = await store(request).progress(member)
    rows = []
    for lesson in lessons:
        answered = [check for check in lesson.check_ids if check in checks]
        rows.append(
            {
                "lesson": lesson,
                "right": sum(1 for check in answered if checks[check]),
                "answered": len(answered),
                "checks": len(lesson.check_ids),
                "solved": sum(1 for exercise in lesson.exercise_ids if exercise in solved),
                "exercises": len(lesson.exercise_ids),
            }
        )
    return {"member": member, "lessons": rows}
