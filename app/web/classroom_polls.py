"""Teacher routes for class polls: start a round on a check, steer it, show it on the projector,
and keep the shift from first vote to second. Every route refuses a request without a teacher session."""

import json

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.classroom.rules import show_code
from app.classroom.store.polls import STATUSES
from app.i18n import gettext as _
from app.web.classroom import read_form, store
from app.web.classroom_teachers import join_link, join_qr, teacher
from app.web.poll_views import find_check, lesson_checks, live_view, next_check, probe
from app.web.render import Fragment, is_htmx, render, respond

router = APIRouter(include_in_schema=False, dependencies=[Depends(teacher)])


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def _class(request: Request, class_id: str) -> dict:
    found = await store(request).get_class(class_id)
    if found is None:
        raise HTTPException(404, _("There is no such class (it may have been deleted)."))
    return found


async def _poll(request: Request, class_id: str, poll_id: str) -> tuple[dict, dict]:
    classroom = await _class(request, class_id)
    poll = await store(request).get_poll(class_id, poll_id)
    if poll is None:
        raise HTTPException(404, _("This class has no such poll."))
    return classroom, poll


def _check_or_400(request: Request, check_id: str):
    found = find_check(request, check_id)
    if found is None:
        raise HTTPException(400, _("There is no check called “%(check)s” in the course.") % {"check": check_id[:100]})
    return found


async def _record(request: Request, class_id: str) -> list[dict]:
    """The class's polls, first round beside the last, with the share right as torch's probe decides."""
    answers: dict[str, str] = {}
    record = []
    for chain in await store(request).poll_record(class_id):
        check_id = chain["check_id"]
        if check_id not in request.app.state.probes:
            continue
        answer = answers.setdefault(check_id, probe(request, check_id).answer)
        rounds = [
            {**poll, "votes": sum(poll["counts"].values()), "right": poll["counts"].get(answer, 0)}
            for poll in chain["rounds"]
        ]
        record.append(
            {"check_id": check_id, "answer": answer, "rounds": rounds, "check": find_check(request, check_id)}
        )
    return record


@router.get("/teacher/classes/{class_id}/polls")
async def polls_page(request: Request, class_id: str):
    classroom = await _class(request, class_id)
    current = await store(request).current_poll(class_id)
    context = {
        "classroom": classroom,
        "lessons": lesson_checks(request),
        "live": await live_view(request, store(request), classroom, current) if current else None,
        "record": await _record(request, class_id),
    }
    return render(request, "classroom/teacher_polls.html", context)


@router.post("/teacher/classes/{class_id}/polls")
async def start_poll(request: Request, class_id: str):
    await _class(request, class_id)
    check = _check_or_400(request, (await read_form(request, {"check"}))["check"])
    await store(request).open_poll(class_id, check.part.check_id)
    return _see(f"/teacher/classes/{class_id}/polls#current-poll")


@router.post("/teacher/classes/{class_id}/polls/{poll_id}/status")
async def set_status(request: Request, class_id: str, poll_id: str):
    """Show or hide the count, show the distribution, reveal, or close (one field: `to`)."""
    await _poll(request, class_id, poll_id)
    wanted = (await read_form(request, {"to"}))["to"]
    if wanted not in STATUSES:
        raise HTTPException(400, _("Send to= one of: %(choices)s") % {"choices": ", ".join(STATUSES)})
    if not await store(request).set_poll_status(class_id, poll_id, wanted):
        raise HTTPException(409, _("This poll is closed already; start a new one."))
    return _see(f"/teacher/classes/{class_id}/polls#current-poll")


@router.post("/teacher/classes/{class_id}/polls/{poll_id}/again")
async def vote_again(request: Request, class_id: str, poll_id: str):
    """Open the next round on the same check, after the class has discussed the first."""
    _classroom, poll = await _poll(request, class_id, poll_id)
    await store(request).open_poll(class_id, poll["check_id"], previous=poll)
    return _see(f"/teacher/classes/{class_id}/polls#current-poll")


@router.post("/teacher/classes/{class_id}/polls/{poll_id}/next")
async def next_poll(request: Request, class_id: str, poll_id: str):
    """Walk through a lesson: open a poll on the check after this one in its lesson."""
    _classroom, poll = await _poll(request, class_id, poll_id)
    following = next_check(request, _check_or_400(request, poll["check_id"]).part.check_id)
    if following is None:
        raise HTTPException(409, _("That was the lesson's last check; start a poll on another one."))
    await store(request).open_poll(class_id, following.check_id)
    return _see(f"/teacher/classes/{class_id}/polls#current-poll")


async def _live(request: Request, class_id: str, poll_id: str):
    classroom, poll = await _poll(request, class_id, poll_id)
    if find_check(request, poll["check_id"]) is None:
        raise HTTPException(404, _("This poll's check is no longer in the course."))
    return classroom, await live_view(request, store(request), classroom, poll)


def _projector_context(request: Request, classroom: dict, view) -> dict:
    link = join_link(request, classroom["join_code"])
    return {
        "classroom": classroom,
        "live": view,
        "code": show_code(classroom["join_code"]),
        "link": link,
        "qr": join_qr(link),
    }


@router.get("/teacher/classes/{class_id}/polls/{poll_id}/projector")
async def projector(request: Request, class_id: str, poll_id: str):
    classroom, view = await _live(request, class_id, poll_id)
    return render(request, "classroom/projector.html", _projector_context(request, classroom, view))


@router.get("/teacher/classes/{class_id}/polls/{poll_id}/live")
async def live(request: Request, class_id: str, poll_id: str, on: str = "controls"):
    """The part of the projector or the controls that changes while the class votes (htmx asks every second).

    When the class has moved on (a second round, the next check), the projector follows it.
    """
    if on not in ("controls", "projector"):
        raise HTTPException(400, _("Send on=controls or on=projector."))
    classroom, view = await _live(request, class_id, poll_id)
    if view.newer is not None and is_htmx(request):
        target = f"/teacher/classes/{class_id}/polls" + (f"/{view.newer['id']}/projector" if on == "projector" else "")
        return Response(status_code=204, headers={"HX-Redirect": target})
    fragment = Fragment("classroom/_poll.html", "live_block", (view, on))
    return respond(
        request, fragment, lambda: ("classroom/projector.html", _projector_context(request, classroom, view))
    )


@router.get("/teacher/classes/{class_id}/polls.json")
async def polls_json(request: Request, class_id: str):
    """The class's record of polls: per check, each round's votes by option and how many were right."""
    await _class(request, class_id)
    record = [
        {
            "check_id": chain["check_id"],
            "answer": chain["answer"],
            "rounds": [
                {
                    "poll_id": poll["id"],
                    "round": poll["round"],
                    "status": poll["status"],
                    "opened_at": poll["opened_at"].isoformat(),
                    "votes": poll["votes"],
                    "right": poll["right"],
                    "counts": poll["counts"],
                }
                for poll in chain["rounds"]
            ],
        }
        for chain in await _record(request, class_id)
    ]
    body = json.dumps({"class_id": class_id, "polls": record}, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})
