"""Turn a class's records into the teacher's view: a grid of students by lessons, and who is stuck.

Pure functions over the rows app/classroom/store/live.py reads; no database, no web. Only lessons,
exercises and (in the stuck list) checks the course knows count; the check counts the store groups
per lesson are clamped to what the lesson holds (a lesson that lost a check cannot show 4/3).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

SORTS = ("name", "progress", "active")
DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class LessonColumn:
    slug: str
    order: int
    title: str
    checks: int
    exercises: int


class Cell(NamedTuple):
    """One student in one lesson: checks right of answered, exercises solved, and its state's name.

    A tuple, not a dataclass: a class of 200 makes thousands per page (see benchmarks/class_view.py).
    """

    right: int
    answered: int
    checks: int
    solved: int
    exercises: int
    level: str  # the page shows it as a colour and as a symbol with a legend


def cell_level(right: int, answered: int, checks: int, solved: int, exercises: int, opened: bool) -> str:
    """Name a cell's state: done, going (under way), wrong (more wrong than right), opened or none."""
    if answered == 0 and solved == 0:
        return "opened" if opened else "none"
    if right == checks and solved == exercises:
        return "done"
    if right * 2 < answered:
        return "wrong"
    return "going"


@dataclass(frozen=True)
class StudentRow:
    student_id: str
    name: str
    name_key: str
    cells: tuple[Cell, ...]
    right: int
    answered: int
    solved: int
    last_active: datetime | None

    @property
    def progress(self) -> int:
        return self.right + self.solved


@dataclass(frozen=True)
class ClassGrid:
    columns: tuple[LessonColumn, ...]
    rows: tuple[StudentRow, ...]
    checks: int  # in the whole course
    exercises: int
    sort: str
    direction: str


def lesson_columns(lessons) -> tuple[LessonColumn, ...]:
    return tuple(
        LessonColumn(lesson.slug, lesson.order, lesson.title, len(lesson.check_ids), len(lesson.exercise_ids))
        for lesson in lessons
    )


def _sorted(rows: list, sort: str, direction: str) -> list:
    """Sort rows by name, progress or last activity; equal rows stay in name order (sorts are stable)."""
    rows = sorted(rows, key=lambda row: row.name_key, reverse=sort == "name" and direction == "desc")
    if sort == "progress":
        rows.sort(key=lambda row: row.progress, reverse=direction == "desc")
    elif sort == "active":
        rows.sort(key=lambda row: row.last_active or datetime.min, reverse=direction == "desc")
    return rows


def build_grid(lessons, records, sort: str = "name", direction: str = "asc") -> ClassGrid:
    """Make one row per student and one cell per lesson from a ClassRecords, sorted as asked."""
    columns = lesson_columns(lessons)
    known_exercises = {exercise: lesson.slug for lesson in lessons for exercise in lesson.exercise_ids}
    # Rows unpacked once into plain tuples: a class of 200 has thousands of cells, and reading a
    # row's fields by name in the loop below cost more than the rest of it.
    checks = {(student, lesson): (answered, right or 0) for student, lesson, answered, right in records.checks}
    solved: dict[tuple[str, str], int] = defaultdict(int)
    for student, lesson, exercise in records.solved:
        if known_exercises.get(exercise) == lesson:
            solved[(student, lesson)] += 1
    opened = {(student, lesson) for student, lesson in records.opened}
    nothing = (0, 0)
    rows = []
    for student in records.students:
        cells = []
        for column in columns:
            key = (student.id, column.slug)
            answered, right = checks.get(key, nothing)
            answered = min(answered, column.checks)
            right = min(right, answered)
            done = min(solved.get(key, 0), column.exercises)
            level = cell_level(right, answered, column.checks, done, column.exercises, key in opened)
            cells.append(Cell(right, answered, column.checks, done, column.exercises, level))
        rows.append(
            StudentRow(
                student.id,
                student.display_name,
                student.name_key,
                tuple(cells),
                sum(cell.right for cell in cells),
                sum(cell.answered for cell in cells),
                sum(cell.solved for cell in cells),
                student.last_active,
            )
        )
    return ClassGrid(
        columns,
        tuple(_sorted(rows, sort, direction)),
        sum(column.checks for column in columns),
        sum(column.exercises for column in columns),
        sort,
        direction,
    )


@dataclass(frozen=True)
class Stuck:
    """A student who looks stuck now, and on what."""

    student_id: str
    name: str
    reason: str  # "exercise": its last attempts failed; "check": tried often, still wrong; "lesson": long, no progress
    lesson_slug: str
    subject: str  # the exercise, check or lesson id
    count: int  # failed attempts, or check attempts, or minutes on the lesson
    since: datetime  # the latest attempt, or when the lesson was first opened


@dataclass(frozen=True)
class StuckRules:
    failed_attempts: int  # this many failed attempts in a row at an exercise, or tries at a check
    lesson_minutes: int  # this long on one lesson without a right answer or a solved exercise
    recent_minutes: int  # "now": something happened within this many minutes


def _failing_exercises(records, names: dict, solved: set) -> list[Stuck]:
    """Every attempt since the cut-off failed (the store counted them): stuck, unless solved before."""
    return [
        Stuck(
            row.student_id,
            names[row.student_id],
            "exercise",
            row.lesson_slug,
            row.exercise_id,
            row.attempts,
            row.latest_at,
        )
        for row in records.failing_exercises
        if row.student_id in names and (row.student_id, row.exercise_id) not in solved
    ]


def _long_on_a_lesson(records, names: dict, rules: StuckRules, now: datetime, known: set) -> list[Stuck]:
    """Find students whose latest lesson has been open long, with no progress there for as long."""
    current: dict[str, object] = {}
    for row in records.recent_lessons:
        if row.student_id not in current or row.latest_at > current[row.student_id].latest_at:
            current[row.student_id] = row
    cut = now - timedelta(minutes=rules.lesson_minutes)
    found = []
    for student_id, row in current.items():
        last_progress = max(time for time in (row.first_at, row.right_at, row.solved_at) if time is not None)
        if student_id in names and row.lesson_slug in known and last_progress <= cut:
            minutes = int((now - last_progress).total_seconds() // 60)
            found.append(
                Stuck(student_id, names[student_id], "lesson", row.lesson_slug, row.lesson_slug, minutes, row.first_at)
            )
    return found


def find_stuck(lessons, records, rules: StuckRules, now: datetime) -> list[Stuck]:
    """List who is stuck now, most recent first: only students active in the last `recent_minutes`."""
    recent = now - timedelta(minutes=rules.recent_minutes)
    names = {
        student.id: student.display_name
        for student in records.students
        if student.last_active is not None and student.last_active >= recent
    }
    solved = {(row.student_id, row.exercise_id) for row in records.solved}
    known_checks = {check for lesson in lessons for check in lesson.check_ids}
    stuck = _failing_exercises(records, names, solved)
    for row in records.failing_checks:
        if row.student_id in names and row.check_id in known_checks:
            stuck.append(
                Stuck(
                    row.student_id,
                    names[row.student_id],
                    "check",
                    row.lesson_slug,
                    row.check_id,
                    row.attempts,
                    row.latest_at,
                )
            )
    stuck += _long_on_a_lesson(records, names, rules, now, {lesson.slug for lesson in lessons})
    stuck.sort(key=lambda item: (item.since, item.name), reverse=True)
    return stuck
