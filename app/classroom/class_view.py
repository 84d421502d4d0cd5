"""Turn a class's records into the teacher's view: a grid of students by lessons, and who is stuck.

Pure functions over the rows app/classroom/store/live.py reads; no database, no web. Only ids the
course knows count (a record of a check a lesson no longer has is left out), and every count is
clamped to what the lesson holds.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

SORTS = ("name", "progress", "active")
DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class LessonColumn:
    slug: str
    order: int
    title: str
    checks: int
    exercises: int


@dataclass(frozen=True)
class Cell:
    """One student in one lesson: checks right of answered, exercises solved, opened at all."""

    right: int
    answered: int
    checks: int
    solved: int
    exercises: int
    opened: bool

    @property
    def level(self) -> str:
        """Name the cell's state; the page shows it as a colour and as a symbol with a legend."""
        if self.answered == 0 and self.solved == 0:
            return "opened" if self.opened else "none"
        if self.right == self.checks and self.solved == self.exercises:
            return "done"
        if self.right * 2 < self.answered:
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
    checks = {(row["student_id"], row["lesson_slug"]): row for row in records.checks}
    solved: dict[tuple[str, str], int] = defaultdict(int)
    for row in records.solved:
        if known_exercises.get(row["exercise_id"]) == row["lesson_slug"]:
            solved[(row["student_id"], row["lesson_slug"])] += 1
    opened = {(row["student_id"], row["lesson_slug"]) for row in records.opened}
    rows = []
    for student in records.students:
        cells = []
        for column in columns:
            key = (student["id"], column.slug)
            found = checks.get(key)
            answered = min(found["answered"], column.checks) if found else 0
            right = min(found["right"] or 0, answered) if found else 0
            cells.append(
                Cell(
                    right, answered, column.checks, min(solved[key], column.exercises), column.exercises, key in opened
                )
            )
        rows.append(
            StudentRow(
                student["id"],
                student["display_name"],
                student["name_key"],
                tuple(cells),
                sum(cell.right for cell in cells),
                sum(cell.answered for cell in cells),
                sum(cell.solved for cell in cells),
                student["last_active"],
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


def _failing_exercises(records, names: dict, rules: StuckRules, solved: set) -> list[Stuck]:
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for attempt in records.recent_attempts:  # oldest first
        by_pair[(attempt["student_id"], attempt["exercise_id"])].append(attempt)
    found = []
    for (student_id, exercise_id), attempts in by_pair.items():
        last = attempts[-rules.failed_attempts :]
        if (
            student_id in names
            and (student_id, exercise_id) not in solved
            and len(last) == rules.failed_attempts
            and all(attempt["outcome"] != "passed" for attempt in last)
        ):
            found.append(
                Stuck(
                    student_id,
                    names[student_id],
                    "exercise",
                    last[-1]["lesson_slug"],
                    exercise_id,
                    len(last),
                    last[-1]["at"],
                )
            )
    return found


def _long_on_a_lesson(records, names: dict, rules: StuckRules, now: datetime, lessons) -> list[Stuck]:
    """Find students whose latest lesson has been open long, with no progress there for as long."""
    progress_at: dict[tuple[str, str], datetime] = {}
    for row in records.checks:
        if row["right_at"] is not None:
            progress_at[(row["student_id"], row["lesson_slug"])] = row["right_at"]
    for row in records.solved:
        key = (row["student_id"], row["lesson_slug"])
        progress_at[key] = max(progress_at.get(key, row["solved_at"]), row["solved_at"])
    current: dict[str, dict] = {}
    for row in records.opened:
        if row["student_id"] not in current or row["latest_at"] > current[row["student_id"]]["latest_at"]:
            current[row["student_id"]] = row
    known = {lesson.slug for lesson in lessons}
    cut = now - timedelta(minutes=rules.lesson_minutes)
    found = []
    for student_id, row in current.items():
        key = (student_id, row["lesson_slug"])
        last_progress = progress_at.get(key, row["first_at"])
        if (
            student_id in names
            and row["lesson_slug"] in known
            and row["first_at"] <= cut
            and max(last_progress, row["first_at"]) <= cut
        ):
            minutes = int((now - max(last_progress, row["first_at"])).total_seconds() // 60)
            found.append(
                Stuck(
                    student_id,
                    names[student_id],
                    "lesson",
                    row["lesson_slug"],
                    row["lesson_slug"],
                    minutes,
                    row["first_at"],
                )
            )
    return found


def find_stuck(lessons, records, rules: StuckRules, now: datetime) -> list[Stuck]:
    """List who is stuck now, most recent first: only students active in the last `recent_minutes`."""
    recent = now - timedelta(minutes=rules.recent_minutes)
    names = {
        student["id"]: student["display_name"]
        for student in records.students
        if student["last_active"] is not None and student["last_active"] >= recent
    }
    solved = {(row["student_id"], row["exercise_id"]) for row in records.solved}
    known_checks = {check for lesson in lessons for check in lesson.check_ids}
    stuck = _failing_exercises(records, names, rules, solved)
    for row in records.failing_checks:
        if row["student_id"] in names and row["check_id"] in known_checks:
            stuck.append(
                Stuck(
                    row["student_id"],
                    names[row["student_id"]],
                    "check",
                    row["lesson_slug"],
                    row["check_id"],
                    row["attempts"],
                    row["latest_at"],
                )
            )
    stuck += _long_on_a_lesson(records, names, rules, now, lessons)
    stuck.sort(key=lambda item: (item.since, item.name), reverse=True)
    return stuck
