"""Students' side of class polls: the open poll on every page a class member opens, and their vote.

The panel costs a learner outside a class nothing (no device cookie, no query) and a class member
one query per page (`member_and_poll`, which also resolves the member for the lesson hooks). With
JavaScript on, the panel asks every few seconds whether anything changed and is swapped only then;
with it off, a reload shows the open poll and its form posts and comes back.
"""

from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.classroom.rules import Refusal
from app.classroom.store.polls import COUNT_SHOWN, DISTRIBUTION_SHOWN
from app.course.checks import CheckPart, ProbeResult
from app.i18n import gettext as _
from app.web.classroom import DEVICE_COOKIE, read_form, store
from app.web.poll_views import Distribution, distribution, find_check, probe
from app.web.render import is_htmx, render, render_fragment

router = APIRouter(include_in_schema=False)
STOP_POLLING = 286  # htmx stops an element's polling on this status


@dataclass(frozen=True)
class PollPanel:
    """What a class member sees of their class's open poll (None when there is none)."""

    poll: dict | None
    part: CheckPart | None = None
    distribution: Distribution | None = None
    revealed: ProbeResult | None = None
    error: str | None = None

    @property
    def key(self) -> str:
        """Name the panel's state: the page's panel is swapped only when this changes."""
        if self.poll is None:
            return "none"
        poll = self.poll
        votes = poll["votes"] if poll["status"] in COUNT_SHOWN else ""
        return f"{poll['poll_id']}.{poll['status']}.{poll['mine'] or ''}.{votes}"

    @property
    def count_shown(self) -> bool:
        return self.poll is not None and self.poll["status"] in COUNT_SHOWN


async def poll_panel(request: Request, poll: dict | None, error: str | None = None) -> PollPanel:
    if poll is None:
        return PollPanel(None, error=error)
    check = find_check(request, poll["check_id"])
    if check is None:  # the check left the course since the poll opened: nothing to ask
        return PollPanel(None, error=error)
    shown = revealed = None
    if poll["status"] == "revealed":
        revealed = probe(request, poll["check_id"])
    if poll["status"] in DISTRIBUTION_SHOWN:
        tally = await store(request).tally(poll["poll_id"])
        shown = distribution(check.part, [poll], [tally], revealed.answer if revealed else None)
    return PollPanel(poll, check.part, shown, revealed, error)


async def poll_on_every_page(request: Request) -> None:
    """Look up the class's open poll for a whole page a class member opens (a global dependency).

    Fragments (htmx), unsafe methods and the API skip it: they do not draw the page around them.
    """
    device = request.cookies.get(DEVICE_COOKIE)
    if not device or request.method != "GET" or is_htmx(request) or request.url.path.startswith(("/api/", "/healthz")):
        return
    member, poll = await store(request).member_and_poll(device)
    state = request.scope.setdefault("state", {})
    state["class_member"] = member  # the lesson hooks need not look the member up again
    if member is not None:
        state["class_poll"] = await poll_panel(request, poll)


def _panel(request: Request, panel: PollPanel, status: int = 200):
    return render_fragment(request, "classroom/_poll.html", "poll_panel", panel, status=status)


@router.get("/class/poll")
async def poll_now(request: Request, seen: str = ""):
    """The panel for htmx (204 when nothing changed since `seen`), else a page that shows it."""
    if not is_htmx(request):
        return render(request, "classroom/poll.html", {})
    member, poll = await store(request).member_and_poll(request.cookies.get(DEVICE_COOKIE))
    if member is None:
        return Response(status_code=STOP_POLLING)  # not (or no longer) in a class: stop asking
    panel = await poll_panel(request, poll)
    return Response(status_code=204) if panel.key == seen else _panel(request, panel)


def _back(next_path: str) -> str:
    """Go back to the page the vote came from, on this site only."""
    # "//host" and "/\\host" are read by browsers as another host
    return next_path if next_path.startswith("/") and not next_path.startswith(("//", "/\\")) else "/class/poll"


@router.post("/class/poll/{poll_id}/vote")
async def vote(request: Request, poll_id: str):
    form = await read_form(request, {"option", "next"})
    member, poll = await store(request).member_and_poll(request.cookies.get(DEVICE_COOKIE))
    if member is None:
        raise HTTPException(403, _("Only students in a class can vote; join with the code from your teacher."))
    try:
        check = find_check(request, poll["check_id"]) if poll and poll["poll_id"] == poll_id else None
        if check is not None and check.part.option(form["option"]) is None:
            keys = ", ".join(option.key for option in check.part.options)
            raise Refusal(
                _("“%(answer)s” is not an option here; choose one of: %(keys)s")
                % {"answer": form["option"][:60], "keys": keys}
            )
        await store(request).vote(member, poll_id, form["option"][:60])
    except Refusal as refusal:
        _member, poll = await store(request).member_and_poll(request.cookies.get(DEVICE_COOKIE))
        panel = await poll_panel(request, poll, refusal.message)
        if is_htmx(request):
            return _panel(request, panel, refusal.status)
        request.scope.setdefault("state", {})["class_poll"] = panel
        return render(request, "classroom/poll.html", {}, status=refusal.status)
    if not is_htmx(request):
        return RedirectResponse(_back(form["next"]), status_code=303)
    if poll is None or poll["poll_id"] != poll_id or poll["status"] in COUNT_SHOWN:  # read the count back
        _member, poll = await store(request).member_and_poll(request.cookies.get(DEVICE_COOKIE))
    else:
        poll = {**poll, "mine": form["option"]}
    return _panel(request, await poll_panel(request, poll))
