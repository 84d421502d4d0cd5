"""Student routes: join a class with its code, continue on another device, see, download or delete
what the class keeps. None takes a student or class id: the device cookie says who is asking."""

import json
from datetime import date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.classroom.rules import RECOVERY_CODE_LENGTH, Refusal, read_code, read_display_name, show_code
from app.classroom.store import utcnow
from app.i18n import gettext as _
from app.web.classroom import DEVICE_COOKIE, class_member, read_form, store
from app.web.cookies import set_cookie
from app.web.render import render
from app.web.run import client_key

router = APIRouter(include_in_schema=False)


def _join_page(request: Request, code: str = "", status: int = 200, error: str | None = None, name: str = ""):
    context = {"code": code, "name": name, "error": error, "recovery_error": None}
    return render(request, "classroom/join.html", context, status=status)


def _too_many(request: Request, template_context: dict):
    response = render(request, "classroom/join.html", template_context, status=429)
    response.headers["Retry-After"] = "60"
    return response


def _device_cookie(request: Request, response: Response, device: str, ends_on: date) -> None:
    days = max(1, (store(request).deletes_on(ends_on) - utcnow().date()).days)
    set_cookie(response, request, DEVICE_COOKIE, device, days * 24 * 3600)


@router.get("/join")
async def join_form(request: Request, code: str = ""):
    """Show the join form (the home page's code box lands here); nothing is looked up yet."""
    return _join_page(request, code.strip()[:20])


@router.get("/join/{code}")
async def join_link(request: Request, code: str):
    return _join_page(request, code.strip()[:20])


@router.post("/join")
async def join(request: Request):
    form = await read_form(request, {"code", "name"})
    key = f"join:{client_key(request)}"
    if await store(request).attempts(key) >= request.app.state.settings.join_rate_limit:
        message = _("Too many wrong codes from this address; wait a minute and try again.")
        return _too_many(request, {"code": form["code"], "name": form["name"], "error": message})
    try:
        code = read_code(form["code"])
        if code is None:
            raise Refusal(_("A class code has 8 letters and digits, e.g. ABCD-EFGH; ask your teacher for it."), 404)
        name, name_key = read_display_name(form["name"])
        member, device, recovery = await store(request).join(code, name, name_key)
    except Refusal as refusal:
        if refusal.status in (403, 404):  # a wrong or closed code: what guessing looks like
            await store(request).count_attempt(key)
        return _join_page(request, form["code"][:20], refusal.status, refusal.message, form["name"][:40])
    context = {"member": member, "recovery": show_code(recovery)}
    response = render(request, "classroom/joined.html", context, status=201)
    response.headers["Cache-Control"] = "no-store"  # the recovery code is shown once, never cached
    _device_cookie(request, response, device, member.ends_on)
    return response


@router.post("/join/recover")
async def recover(request: Request):
    form = await read_form(request, {"recovery"})
    key = f"join:{client_key(request)}"
    if await store(request).attempts(key) >= request.app.state.settings.join_rate_limit:
        message = _("Too many wrong codes from this address; wait a minute and try again.")
        return _too_many(request, {"code": "", "name": "", "error": None, "recovery_error": message})
    code = read_code(form["recovery"], RECOVERY_CODE_LENGTH)
    device = await store(request).recover(code) if code else None
    if device is None:
        await store(request).count_attempt(key)
        message = _("That recovery code is not known here. It has 12 letters and digits, e.g. ABCD-EFGH-JKMN.")
        context = {"code": "", "name": "", "error": None, "recovery_error": message}
        return render(request, "classroom/join.html", context, status=404)
    response = RedirectResponse("/class/me", status_code=303)
    member = await store(request).member(device)
    _device_cookie(request, response, device, member.ends_on)
    return response


@router.get("/class/me")
async def my_class(request: Request):
    member = await class_member(request)
    if member is None:
        return _join_page(request, error=_("This browser is not in a class. Join one with the code from your teacher."))
    data = await store(request).my_data(member)
    return render(request, "classroom/me.html", {"member": member, "data": data})


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


@router.get("/class/me/data.json")
async def my_data(request: Request):
    member = await class_member(request)
    if member is None:
        return _join_page(
            request, status=404, error=_("This browser is not in a class, so there is nothing to download.")
        )
    body = json.dumps(await store(request).my_data(member), default=_plain, ensure_ascii=False, indent=2)
    headers = {"Content-Disposition": 'attachment; filename="my-class-data.json"', "Cache-Control": "no-store"}
    return Response(body, media_type="application/json", headers=headers)


@router.post("/class/me/leave")
async def leave(request: Request):
    member = await class_member(request)
    if member is not None:
        if (await read_form(request, {"confirm"}))["confirm"] != "yes":
            data = await store(request).my_data(member)
            error = _("Tick the box to confirm that you want to leave and delete your data.")
            return render(request, "classroom/me.html", {"member": member, "data": data, "error": error}, status=422)
        await store(request).leave(member)
    response = render(request, "classroom/left.html", {"member": member})
    response.delete_cookie(DEVICE_COOKIE, path="/")
    return response
