"""Shape a class poll for its pages: the check it asks, its distribution (picture and table), and
torch's answer once revealed. Routes fetch from the store; templates receive these built."""

from dataclasses import dataclass, field

from fastapi import Request

from app.classroom.store.polls import COUNT_SHOWN, DISTRIBUTION_SHOWN
from app.course.checks import CheckPart, ProbeResult, run_probe
from app.course.lessons import Lesson
from app.i18n import current_locale
from app.i18n import gettext as _
from app.pictures.poll_bars import OptionBars, poll_bars


@dataclass(frozen=True)
class PollCheck:
    """A check that can be polled, and where it sits: its lesson and its place among that lesson's checks."""

    lesson: Lesson
    part: CheckPart
    position: int
    lesson_parts: tuple[CheckPart, ...]  # every check of the lesson, in order


def lesson_checks(request: Request) -> list[tuple[Lesson, list[CheckPart]]]:
    """Return the course's checks by lesson, in course order, in this request's language."""
    lessons = request.app.state.lessons[current_locale.get()]
    found = [(lesson, [part for part in lesson.parts if isinstance(part, CheckPart)]) for lesson in lessons]
    return [(lesson, parts) for lesson, parts in found if parts]


def find_check(request: Request, check_id: str) -> PollCheck | None:
    for lesson, parts in lesson_checks(request):
        for position, part in enumerate(parts):
            if part.check_id == check_id:
                return PollCheck(lesson, part, position, tuple(parts))
    return None


def next_check(request: Request, check_id: str) -> CheckPart | None:
    """Return the check after this one in its lesson (walking through a lesson in order), if any."""
    found = find_check(request, check_id)
    if found is None:
        return None
    parts = found.lesson_parts
    return parts[found.position + 1] if found.position + 1 < len(parts) else None


def probe(request: Request, check_id: str) -> ProbeResult:
    """Run the check's torch probe now: it, not the lesson text, decides the right answer."""
    return run_probe(request.app.state.probes[check_id])


@dataclass(frozen=True)
class OptionRow:
    key: str
    text_html: str
    counts: tuple[int, ...]
    shares: tuple[int, ...]  # whole percent of each round's votes
    right: bool | None  # None until revealed
    feedback_html: str | None


@dataclass(frozen=True)
class Distribution:
    round_names: tuple[str, ...]
    totals: tuple[int, ...]
    rows: tuple[OptionRow, ...]
    svg: str


def distribution(part: CheckPart, rounds: list[dict], tallies: list[dict[str, int]], answer: str | None):
    """Build the bars and table for one round, or the first round beside the latest."""
    names = tuple(_("Round %(round)s") % {"round": poll["round"]} for poll in rounds)
    totals = tuple(sum(tally.values()) for tally in tallies)
    rows = []
    for option in part.options:
        counts = tuple(tally.get(option.key, 0) for tally in tallies)
        shares = tuple(round(100 * count / total) if total else 0 for count, total in zip(counts, totals, strict=True))
        right = None if answer is None else option.key == answer
        rows.append(OptionRow(option.key, option.text_html, counts, shares, right, option.feedback_html))
    bars = [OptionBars(row.key, row.counts, bool(row.right)) for row in rows]
    title = _("How the class voted, by option") + (" (" + ", ".join(names) + ")" if len(names) > 1 else "")
    return Distribution(names, totals, tuple(rows), poll_bars(bars, names, title))


@dataclass
class LiveView:
    """What the projector and the teacher's controls show of a poll right now."""

    classroom: dict
    poll: dict
    check: PollCheck
    votes: int
    students: int
    distribution: Distribution | None = None
    revealed: ProbeResult | None = None
    right: object | None = None  # the CheckOption torch's answer names
    newer: dict | None = None  # the class's open poll, when it is not this one
    next_part: CheckPart | None = field(default=None)

    @property
    def count_shown(self) -> bool:
        return self.poll["status"] in COUNT_SHOWN


async def live_view(request: Request, store, classroom: dict, poll: dict) -> LiveView:
    """Read a poll's votes (and its round 1's, for a round 2) and run the probe once revealed."""
    check = find_check(request, poll["check_id"])
    tally = await store.tally(poll["id"])
    view = LiveView(classroom, poll, check, sum(tally.values()), await store.class_size(classroom["id"]))
    revealed = poll["status"] == "revealed"
    if revealed:
        view.revealed = probe(request, poll["check_id"])
        view.right = check.part.option(view.revealed.answer)
    if poll["status"] in DISTRIBUTION_SHOWN:
        rounds, tallies = [poll], [tally]
        if poll["previous_poll_id"]:
            first = await store.get_poll(classroom["id"], poll["previous_poll_id"])
            if first is not None:
                rounds, tallies = [first, poll], [await store.tally(first["id"]), tally]
        view.distribution = distribution(check.part, rounds, tallies, view.revealed.answer if revealed else None)
    current = await store.current_poll(classroom["id"])
    view.newer = current if current and current["id"] != poll["id"] else None
    view.next_part = next_check(request, poll["check_id"])
    return view
