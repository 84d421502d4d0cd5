"""Teacher routes: sign in with the server's token, create and manage classes. Every route but the
sign-in ones refuses a request without a valid teacher session (the `teacher` dependency)."""

import segno
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.classroom.rules import Refusal, read_class_name, read_display_name, read_end_date, show_code
from app.classroom.store import utcnow
from app.classroom.teacher_token import token_matches
from app.i18n import gettext as _
from app.web.classroom import TEACHER_COOKIE, read_form, store
from app.web.cookies import set_cookie
from app.web.middleware import cross_site_reason
from app.web.render import render
from app.web.run import client_key

router = APIRouter(include_in_schema=False)


async def teacher(request: Request) -> None:
    """Refuse unless the request carries a live teacher session and comes from this site.

    The middleware guards every unsafe method; teachers' pages refuse cross-site GETs as well
    (a link or an image on another site), so another site's page reaches none of a class's data.
    """
    reason = cross_site_reason(dict(request.headers.raw))
    if reason:
        raise HTTPException(403, reason)
    if not await store(request).is_teacher(request.cookies.get(TEACHER_COOKIE)):
        raise HTTPException(401, _("Only teachers can open this page. Sign in at /teacher with the server's token."))


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def _classes_page(request: Request, status: int = 200, error: str | None = None, form: dict | None = None):
    context = {"classes": await store(request).classes(), "error": error, "form": form or {}, "today": utcnow().date()}
    return render(request, "classroom/teacher_classes.html", context, status=status)


async def _sign_in(request: Request, given: str):
    key = f"sign-in:{client_key(request)}"
    limit = request.app.state.settings.sign_in_rate_limit
    if await store(request).attempts(key) >= limit:
        response = render(
            request,
            "classroom/teacher_sign_in.html",
            {"error": _("Too many wrong tokens from this address; wait a minute and try again.")},
            status=429,
        )
        response.headers["Retry-After"] = "60"
        return response
    if not given or not token_matches(given, request.app.state.teacher_token):
        await store(request).count_attempt(key)
        error = _("That is not this server's teacher token. It is in the server's start-up log.")
        return render(request, "classroom/teacher_sign_in.html", {"error": error}, status=401)
    response = _see("/teacher")
    hours = request.app.state.settings.teacher_session_hours
    set_cookie(response, request, TEACHER_COOKIE, await store(request).open_teacher_session(), hours * 3600)
    return response


@router.get("/teacher")
async def teacher_home(request: Request):
    if not await store(request).is_teacher(request.cookies.get(TEACHER_COOKIE)):
        return render(request, "classroom/teacher_sign_in.html", {"error": None})
    return await _classes_page(request)


@router.get("/teacher/sign-in")
async def sign_in_link(request: Request, token: str = ""):
    """Sign in from the link printed at start-up (the token then leaves the address bar)."""
    return await _sign_in(request, token)


@router.post("/teacher/sign-in")
async def sign_in_form(request: Request):
    return await _sign_in(request, (await read_form(request, {"token"}))["token"].strip())


@router.post("/teacher/sign-out")
async def sign_out(request: Request):
    secret = request.cookies.get(TEACHER_COOKIE)
    if secret:
        await store(request).end_teacher_session(secret)
    response = _see("/teacher")
    response.delete_cookie(TEACHER_COOKIE, path="/")
    return response


@router.post("/teacher/classes", dependencies=[Depends(teacher)])
async def create_class(request: Request):
    form = await read_form(request, {"name", "ends_on"})
    try:
        name, ends_on = read_class_name(form["name"]), read_end_date(form["ends_on"], utcnow().date())
    except Refusal as refusal:
        return await _classes_page(request, refusal.status, refusal.message, form)
    created = await store(request).create_class(name, ends_on)
    return _see(f"/teacher/classes/{created['id']}")


async def class_or_404(request: Request, class_id: str) -> dict:
    found = await store(request).get_class(class_id)
    if found is None:
        raise HTTPException(404, _("There is no such class (it may have been deleted)."))
    return found


def join_link(request: Request, code: str) -> str:
    return str(request.base_url).rstrip("/") + f"/join/{show_code(code)}"


def join_qr(link: str) -> str:
    """Draw the join link as a QR code (SVG) for the projector; the class page and the poll projector show it."""
    return segno.make(link, error="m").svg_inline(scale=6, dark="#000", light="#fff", svgclass="qr", title=link)


async def _class_view(request: Request, class_id: str, status: int = 200, error: str | None = None):
    classroom = await class_or_404(request, class_id)
    link = join_link(request, classroom["join_code"])
    qr = join_qr(link)
    context = {
        "classroom": classroom,
        "code": show_code(classroom["join_code"]),
        "link": link,
        "qr": qr,
        "students": await store(request).students(class_id),
        "deletes_on": store(request).deletes_on(classroom["ends_on"]),
        "error": error,
    }
    return render(request, "classroom/teacher_class.html", context, status=status)


@router.get("/teacher/classes/{class_id}", dependencies=[Depends(teacher)])
async def class_page(request: Request, class_id: str):
    return await _class_view(request, class_id)


@router.post("/teacher/classes/{class_id}/joining", dependencies=[Depends(teacher)])
async def set_joining(request: Request, class_id: str):
    await class_or_404(request, class_id)
    wanted = (await read_form(request, {"open"}))["open"]
    if wanted not in ("yes", "no"):
        raise HTTPException(400, _("Send open=yes or open=no."))
    await store(request).set_joining(class_id, wanted == "yes")
    return _see(f"/teacher/classes/{class_id}")


@router.post("/teacher/classes/{class_id}/code", dependencies=[Depends(teacher)])
async def new_code(request: Request, class_id: str):
    await class_or_404(request, class_id)
    await store(request).renew_join_code(class_id)
    return _see(f"/teacher/classes/{class_id}")


@router.post("/teacher/classes/{class_id}/students/{student_id}/rename", dependencies=[Depends(teacher)])
async def rename_student(request: Request, class_id: str, student_id: str):
    await class_or_404(request, class_id)
    try:
        name, key = read_display_name((await read_form(request, {"name"}))["name"])
        found = await store(request).rename_student(class_id, student_id, name, key)
    except Refusal as refusal:
        return await _class_view(request, class_id, refusal.status, refusal.message)
    if not found:
        raise HTTPException(404, _("This class has no such student."))
    return _see(f"/teacher/classes/{class_id}")


@router.post("/teacher/classes/{class_id}/students/{student_id}/remove", dependencies=[Depends(teacher)])
async def remove_student(request: Request, class_id: str, student_id: str):
    await class_or_404(request, class_id)
    if not await store(request).remove_student(class_id, student_id):
        raise HTTPException(404, _("This class has no such student."))
    return _see(f"/teacher/classes/{class_id}")


@router.post("/teacher/classes/{class_id}/delete", dependencies=[Depends(teacher)])
async def delete_class(request: Request, class_id: str):
    await class_or_404(request, class_id)
    if (await read_form(request, {"confirm"}))["confirm"] != "yes":
        message = _("Tick the box to confirm: deleting a class removes its students and all their records.")
        return await _class_view(request, class_id, 422, message)
    await store(request).delete_class(class_id)
    return _see("/teacher")
