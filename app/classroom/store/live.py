"""What the teacher's live view reads: a class's records grouped per student, and a version to poll.

Each read is a few grouped queries over the `class_id` indexes, so the class page costs the same
handful of queries for 5 students or 200 (the benchmark in benchmarks/class_view.py measures it).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, case, func, select

from app.classroom.store.base import CHECKS, EVENTS, EXERCISES, LESSONS, STUDENTS, StoreBase, rows


@dataclass(frozen=True)
class ClassRecords:
    """Everything the class page shows, as rows straight from the database (read by attribute)."""

    version: str  # read first, so it is never newer than the rows below (see class_version)
    students: list  # id, display_name, name_key, last_active
    checks: list  # per (student, lesson): answered, right
    solved: list  # per (student, exercise) solved at least once: lesson
    opened: list  # (student, lesson) pairs opened at all
    recent_lessons: list  # each student's latest lesson, if opened since the cut-off: first and latest time, the last progress in them
    failing_exercises: list  # (student, exercise) tried often since the cut-off and never passed then
    failing_checks: list  # checks tried often and still wrong, answered since the cut-off


class LiveStore(StoreBase):
    async def class_version(self, class_id: str) -> str:
        """Name the state of a class's events: it changes whenever one is added or deleted.

        Not the largest id alone: on PostgreSQL a sequence hands out ids at insert, not at commit,
        so event N-1 can become visible after N; the count still changes when it does.
        """
        async with self._reading() as db:
            return await self._version(db, class_id)

    @staticmethod
    async def _version(db, class_id: str) -> str:
        found = (
            await db.execute(
                select(func.coalesce(func.max(EVENTS.c.id), 0), func.count()).where(EVENTS.c.class_id == class_id)
            )
        ).one()
        return f"{found[0]}-{found[1]}"

    async def class_records(self, class_id: str, since: datetime, failing_attempts: int) -> ClassRecords:
        """Read a class's records for its page; what "stuck now" needs only from `since` on.

        The time columns are read only for the few rows that need them: on SQLite each is parsed
        from text in Python, and reading them for every (student, lesson) cost more than the query.
        """
        active = (
            select(EVENTS.c.student_id, func.max(EVENTS.c.at).label("last_active"))
            .where(EVENTS.c.class_id == class_id)
            .group_by(EVENTS.c.student_id)
            .subquery()
        )
        same_lesson = (CHECKS.c.student_id == LESSONS.c.student_id, CHECKS.c.lesson_slug == LESSONS.c.lesson_slug)
        right_at = select(func.max(CHECKS.c.latest_at)).where(*same_lesson, CHECKS.c.latest_correct.is_(True))
        solved_at = select(func.max(EXERCISES.c.at)).where(
            EXERCISES.c.student_id == LESSONS.c.student_id,
            EXERCISES.c.lesson_slug == LESSONS.c.lesson_slug,
            EXERCISES.c.outcome == "passed",
        )
        other = LESSONS.alias("other")  # a student's latest lesson: the one they are on now
        latest = select(func.max(other.c.latest_at)).where(other.c.student_id == LESSONS.c.student_id).scalar_subquery()
        passed = func.sum(case((EXERCISES.c.outcome == "passed", 1), else_=0))
        async with self._reading() as db:
            version = await self._version(db, class_id)
            students = await db.execute(
                select(STUDENTS.c.id, STUDENTS.c.display_name, STUDENTS.c.name_key, active.c.last_active)
                .outerjoin(active, active.c.student_id == STUDENTS.c.id)
                .where(STUDENTS.c.class_id == class_id)
            )
            checks = await db.execute(
                select(
                    CHECKS.c.student_id,
                    CHECKS.c.lesson_slug,
                    func.count().label("answered"),
                    func.sum(CHECKS.c.latest_correct.cast(Integer)).label("right"),
                )
                .where(CHECKS.c.class_id == class_id)
                .group_by(CHECKS.c.student_id, CHECKS.c.lesson_slug)
            )
            solved = await db.execute(
                select(EXERCISES.c.student_id, EXERCISES.c.lesson_slug, EXERCISES.c.exercise_id)
                .where(EXERCISES.c.class_id == class_id, EXERCISES.c.outcome == "passed")
                .distinct()
            )
            opened = await db.execute(
                select(LESSONS.c.student_id, LESSONS.c.lesson_slug).where(LESSONS.c.class_id == class_id)
            )
            recent_lessons = await db.execute(
                select(
                    LESSONS.c.student_id,
                    LESSONS.c.lesson_slug,
                    LESSONS.c.first_at,
                    LESSONS.c.latest_at,
                    right_at.scalar_subquery().label("right_at"),
                    solved_at.scalar_subquery().label("solved_at"),
                ).where(LESSONS.c.class_id == class_id, LESSONS.c.latest_at >= since, LESSONS.c.latest_at == latest)
            )
            failing_exercises = await db.execute(
                select(
                    EXERCISES.c.student_id,
                    EXERCISES.c.lesson_slug,
                    EXERCISES.c.exercise_id,
                    func.count().label("attempts"),
                    func.max(EXERCISES.c.at).label("latest_at"),
                )
                .where(EXERCISES.c.class_id == class_id, EXERCISES.c.at >= since)
                .group_by(EXERCISES.c.student_id, EXERCISES.c.lesson_slug, EXERCISES.c.exercise_id)
                .having(func.count() >= failing_attempts, passed == 0)
            )
            failing = await db.execute(
                select(
                    CHECKS.c.student_id, CHECKS.c.lesson_slug, CHECKS.c.check_id, CHECKS.c.attempts, CHECKS.c.latest_at
                ).where(
                    CHECKS.c.class_id == class_id,
                    CHECKS.c.attempts >= failing_attempts,
                    CHECKS.c.latest_correct.is_(False),
                    CHECKS.c.latest_at >= since,
                )
            )
            return ClassRecords(
                version,
                students.all(),
                checks.all(),
                solved.all(),
                opened.all(),
                recent_lessons.all(),
                failing_exercises.all(),
                failing.all(),
            )

    async def exercise_attempts(self, class_id: str) -> list[dict]:
        """Return every exercise attempt in the class without its code: who, which, outcome, why."""
        columns = (
            EXERCISES.c.student_id,
            EXERCISES.c.lesson_slug,
            EXERCISES.c.exercise_id,
            EXERCISES.c.outcome,
            EXERCISES.c.failed_invariants,
            EXERCISES.c.mistakes,
        )
        async with self._reading() as db:
            return rows(await db.execute(select(*columns).where(EXERCISES.c.class_id == class_id)))

    async def student_attempts(self, class_id: str, student_id: str, limit: int) -> tuple[dict | None, list[dict], int]:
        """Return (the student, their latest `limit` exercise attempts newest first, how many in all)."""
        async with self._reading() as db:
            student = (
                await db.execute(
                    select(STUDENTS.c.id, STUDENTS.c.display_name).where(
                        STUDENTS.c.id == student_id, STUDENTS.c.class_id == class_id
                    )
                )
            ).first()
            if student is None:
                return None, [], 0
            total = await db.scalar(select(func.count()).where(EXERCISES.c.student_id == student_id))
            found = await db.execute(
                select(EXERCISES)
                .where(EXERCISES.c.student_id == student_id)
                .order_by(EXERCISES.c.id.desc())
                .limit(limit)
            )
            return dict(student._mapping), rows(found), total or 0
