"""Teacher routes: what a class believes (per check, from its answers), and the class's records to take out.

Every route needs a teacher session and refuses a request another site started: these pages and
files hold students' names and answers, and a teacher's cookie goes along with a link from anywhere.
"""

import json
from datetime import date, datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup

from app.classroom.beliefs import CheckBeliefs, check_beliefs, class_beliefs, course_checks
from app.classroom.gradebook import csv_text, gradebook
from app.course.checks import run_probe
from app.i18n import gettext as _
from app.pictures.bars import Bar, share_bars
from app.web.classroom import store
from app.web.classroom_teachers import class_or_404, teacher
from app.web.pages import lessons_here
from app.web.render import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(teacher)])


def right_keys(request: Request, check_ids) -> dict[str, str]:
    """Ask each check's torch probe, now, which option is right (only for checks someone answered)."""
    probes = request.app.state.probes
    return {check_id: run_probe(probes[check_id]).answer for check_id in check_ids}


def percent(share: float) -> str:
    """Write a share as a whole percentage, the same way on the chart and in its table."""
    return f"{round(share * 100)}%"


def chart(class_id: str, beliefs: CheckBeliefs) -> Markup:
    """Draw a check's options as bars of the share whose latest answer they are, each linking to the names."""
    bars = []
    for option in beliefs.options:
        text = Markup(option.text_html).striptags()
        numbers = {"option": text, "share": percent(option.share), "count": option.now}
        label = (
            _("%(share)s (%(count)s), right: %(option)s") if option.right else _("%(share)s (%(count)s): %(option)s")
        )
        label %= numbers
        link_name = _("Who chose “%(option)s” (%(share)s, %(count)s students)") % numbers
        href = f"/teacher/classes/{class_id}/checks/{beliefs.check_id}?{urlencode({'option': option.key})}"
        bars.append(Bar(label, option.share, option.right, href, link_name))
    title = _("Latest answers to check %(check)s, as shares of %(answered)s students") % {
        "check": beliefs.check_id,
        "answered": beliefs.answered,
    }
    return share_bars(bars, title)


@router.get("/teacher/classes/{class_id}/checks")
async def beliefs_page(request: Request, class_id: str, lesson: str = ""):
    classroom = await class_or_404(request, class_id)
    lessons = lessons_here(request)
    if lesson and all(item.slug != lesson for item in lessons):
        allowed = ", ".join(item.slug for item in lessons)
        raise HTTPException(
            400,
            _("There is no lesson “%(lesson)s”; choose one of: %(allowed)s") % {"lesson": lesson, "allowed": allowed},
        )
    shown = [part.check_id for item, part in course_checks(lessons) if not lesson or item.slug == lesson]
    answers = await store(request).answer_counts(class_id, shown)
    rights = right_keys(request, sorted({answer["check_id"] for answer in answers}))
    beliefs = class_beliefs(lessons, rights, answers, lesson or None)
    charts = {item.check_id: chart(class_id, item) for item in beliefs if item.answered}
    context = {"classroom": classroom, "lessons": lessons, "lesson": lesson, "beliefs": beliefs, "charts": charts}
    context["percent"] = percent
    return render(request, "classroom/teacher_beliefs.html", context)


@router.get("/teacher/classes/{class_id}/checks/{check_id}")
async def choosers_page(request: Request, class_id: str, check_id: str, option: str = ""):
    classroom = await class_or_404(request, class_id)
    found = next(
        ((lesson, part) for lesson, part in course_checks(lessons_here(request)) if part.check_id == check_id), None
    )
    if found is None:
        raise HTTPException(404, _("The course has no check called “%(check)s”.") % {"check": check_id})
    lesson, part = found
    if option and part.option(option) is None:
        keys = ", ".join(item.key for item in part.options)
        raise HTTPException(
            400, _("“%(answer)s” is not an option here; choose one of: %(keys)s") % {"answer": option, "keys": keys}
        )
    answers = await store(request).answer_counts(class_id, [check_id])
    beliefs = check_beliefs(lesson, part, right_keys(request, [check_id])[check_id], answers)
    shown = [item for item in beliefs.options if not option or item.key == option]
    names = {item.key: await store(request).chose(class_id, check_id, item.key) for item in shown}
    context = {"classroom": classroom, "beliefs": beliefs, "shown": shown, "names": names, "option": option}
    return render(request, "classroom/teacher_choosers.html", context)


def _download(body: str, media_type: str, name: str, extension: str) -> Response:
    # The class name may be Chinese: an ASCII fallback, and the real name as RFC 6266's filename*.
    shown = quote(name, safe="")
    disposition = f"attachment; filename=\"class.{extension}\"; filename*=UTF-8''{shown}.{extension}"
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"}
    )


@router.get("/teacher/classes/{class_id}/export.csv")
async def export_csv(request: Request, class_id: str):
    classroom = await class_or_404(request, class_id)
    table = gradebook(lessons_here(request), await store(request).export_records(class_id))
    return _download(csv_text(table), "text/csv; charset=utf-8", classroom["name"], "csv")


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


@router.get("/teacher/classes/{class_id}/export.json")
async def export_json(request: Request, class_id: str):
    classroom = await class_or_404(request, class_id)
    data = {"class": {key: classroom[key] for key in ("name", "ends_on", "created_at")}}
    data |= await store(request).export_records(class_id)
    body = json.dumps(data, default=_plain, ensure_ascii=False, indent=2)
    return _download(body, "application/json", classroom["name"], "json")
