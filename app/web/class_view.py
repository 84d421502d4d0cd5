"""Build the live part of a teacher's class page: the grid and the stuck list, with its links.

htmx polls the class page every few seconds with the version it shows; `unchanged` answers 204
when no event was added or deleted since, so a quiet class costs one small query per poll.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup

from app.classroom.class_view import DIRECTIONS, SORTS, Cell, ClassGrid, Stuck, StuckRules, build_grid, find_stuck
from app.classroom.store import utcnow
from app.i18n import gettext as _
from app.web.classroom import store
from app.web.pages import lessons_here


def ago(now: datetime, when: datetime | None) -> str:
    """Say how long ago something happened, in the page's language."""
    if when is None:
        return _("never")
    minutes = int((now - when).total_seconds() // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return _("%(minutes)s min ago") % {"minutes": minutes}
    if minutes < 48 * 60:
        return _("%(hours)s h ago") % {"hours": minutes // 60}
    return _("%(days)s d ago") % {"days": minutes // (24 * 60)}


MARKS = {"done": "✓", "going": "◐", "wrong": "✗", "opened": "○", "none": "·"}


def cells_html(cells: tuple[Cell, ...]) -> Markup:
    """Write a row's lesson cells (numbers and fixed names only, nothing to escape).

    Built here, not in the template: a class of 200 has 2800 cells, and a Jinja loop over them
    cost several times this (benchmarks/class_view.py).
    """
    return Markup(
        "".join(
            f'<td class="grid-cell cell-{cell.level}">{MARKS[cell.level]} {cell.right}/{cell.answered}'
            + (f" ★{cell.solved}/{cell.exercises}</td>" if cell.exercises else "</td>")
            for cell in cells
        )
    )


@dataclass(frozen=True)
class LiveView:
    """What the live part of the class page shows, and the links it needs."""

    class_id: str
    grid: ClassGrid
    stuck: list[Stuck]
    lessons: dict  # slug -> Lesson, for titles and check numbers
    version: str
    now: datetime
    poll_seconds: int

    marks = MARKS
    cells_html = staticmethod(cells_html)

    def ago(self, when: datetime | None) -> str:
        return ago(self.now, when)

    def url(self, **query: str) -> str:
        wanted = {"sort": self.grid.sort, "dir": self.grid.direction, **query}
        return f"/teacher/classes/{self.class_id}?{urlencode(wanted)}"

    def sort_url(self, sort: str) -> str:
        """Link to this sort; the sort already shown turns around."""
        flip = {"asc": "desc", "desc": "asc"}
        default = "asc" if sort == "name" else "desc"
        return self.url(sort=sort, dir=flip[self.grid.direction] if sort == self.grid.sort else default)

    def aria_sort(self, sort: str) -> str:
        if sort != self.grid.sort:
            return "none"
        return "ascending" if self.grid.direction == "asc" else "descending"

    def check_number(self, lesson_slug: str, check_id: str) -> int | None:
        lesson = self.lessons.get(lesson_slug)
        ids = lesson.check_ids if lesson else []
        return ids.index(check_id) + 1 if check_id in ids else None


def read_sort(sort: str, direction: str) -> tuple[str, str]:
    if sort not in SORTS or direction not in DIRECTIONS:
        message = _("Sort by one of %(sorts)s (sort=...), in the order asc or desc (dir=...).")
        raise HTTPException(400, message % {"sorts": ", ".join(SORTS)})
    return sort, direction


async def live_view(request: Request, class_id: str, sort: str = "name", direction: str = "asc") -> LiveView:
    """Read and build the grid and the stuck list of a class, as of now."""
    settings = request.app.state.settings
    rules = StuckRules(settings.stuck_failed_attempts, settings.stuck_lesson_minutes, settings.stuck_recent_minutes)
    now = utcnow()
    since = now - timedelta(minutes=rules.recent_minutes)
    records = await store(request).class_records(class_id, since, rules.failed_attempts)
    lessons = lessons_here(request)
    return LiveView(
        class_id,
        build_grid(lessons, records, sort, direction),
        find_stuck(lessons, records, rules, now),
        {lesson.slug: lesson for lesson in lessons},
        records.version,
        now,
        settings.class_poll_seconds,
    )


async def unchanged(request: Request, class_id: str, since: str) -> Response | None:
    """Answer an htmx poll whose page is still current with an empty 204 (htmx then swaps nothing)."""
    if since and request.headers.get("hx-request") == "true":
        if await store(request).class_version(class_id) == since:
            return Response(status_code=204, headers={"Cache-Control": "no-store"})
    return None
