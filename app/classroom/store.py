"""Hold every classroom query: one ClassStore over the database, shared by every worker and replica.

Writes that several students make at once (an answer to the same check, a second run of a cell)
are single upserts keyed by a unique constraint, so none is lost or counted twice whatever the
interleaving. On SQLite a write transaction takes the write lock when it begins (see database.py).
"""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.classroom.database import WRITE
from app.classroom.models import (
    CellRun,
    CheckAnswer,
    ClassEvent,
    Classroom,
    Device,
    ExerciseAttempt,
    LessonOpened,
    RateLimit,
    Student,
    TeacherSession,
)
from app.classroom.rules import (
    RECOVERY_CODE_LENGTH,
    Member,
    Refusal,
    delete_after,
    digest,
    new_code,
    new_id,
    new_secret,
)
from app.i18n import gettext as _

CLASSES, STUDENTS, DEVICES = Classroom.__table__, Student.__table__, Device.__table__
CHECKS, EXERCISES, LESSONS, CELLS = (
    CheckAnswer.__table__,
    ExerciseAttempt.__table__,
    LessonOpened.__table__,
    CellRun.__table__,
)
EVENTS, SESSIONS, LIMITS = ClassEvent.__table__, TeacherSession.__table__, RateLimit.__table__
RECORDS = (CHECKS, EXERCISES, LESSONS, CELLS)


def utcnow() -> datetime:
    """Now in UTC, without tzinfo: every timestamp column holds naive UTC on both databases."""
    return datetime.now(UTC).replace(tzinfo=None)


def _rows(result) -> list[dict]:
    return [dict(row._mapping) for row in result]


def _last_active():
    """A student's latest event (joining is one, so there always is one)."""
    return select(func.max(EVENTS.c.at)).where(EVENTS.c.student_id == STUDENTS.c.id).scalar_subquery()


class ClassStore:
    """Every read and write of classes, students and their records."""

    def __init__(self, engine: AsyncEngine, retention_days: int = 30, session_hours: int = 12):
        self.engine = engine
        self.retention_days = retention_days
        self.session_hours = session_hours
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        # SQLite has one writer. Its busy handler backs off in sleeps of up to 100 ms, so many
        # connections of one process racing for the lock wait far longer than queueing here in
        # turn: each process sends one write at a time, and only processes contend for the file.
        self._write_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._batch: list[tuple[tuple, asyncio.Future]] = []  # records waiting for the next SQLite commit
        self._committing: asyncio.Task | None = None

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as connection:
            yield connection

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncConnection]:
        if self._write_turn is None:
            async with self._write_transaction() as connection:
                yield connection
            return
        async with self._write_turn, self._write_transaction() as connection:
            yield connection

    @asynccontextmanager
    async def _write_transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as connection:
            await connection.execution_options(**{WRITE: True})
            async with connection.begin():
                yield connection

    # --- rate limits, shared by every worker: a counter per key per minute ---

    async def attempts(self, key: str) -> int:
        """Count this minute's attempts under `key`."""
        async with self._reading() as db:
            count = await db.scalar(
                select(LIMITS.c.count).where(LIMITS.c.key == key, LIMITS.c.window == int(time.time() // 60))
            )
        return count or 0

    async def count_attempt(self, key: str) -> int:
        """Add one attempt under `key` this minute and return the new count (one atomic upsert)."""
        statement = self._insert(LIMITS).values(key=key[:200], window=int(time.time() // 60), count=1)
        statement = statement.on_conflict_do_update(
            index_elements=["key", "window"], set_={"count": LIMITS.c.count + 1}
        ).returning(LIMITS.c.count)
        async with self._writing() as db:
            return (await db.execute(statement)).scalar_one()

    # --- teachers ---

    async def open_teacher_session(self) -> str:
        """Start a teacher session; return the secret for the cookie (only its digest is stored)."""
        secret, now = new_secret(), utcnow()
        async with self._writing() as db:
            await db.execute(
                insert(SESSIONS).values(
                    id_digest=digest(secret), created_at=now, expires_at=now + timedelta(hours=self.session_hours)
                )
            )
        return secret

    async def is_teacher(self, secret: str | None) -> bool:
        if not secret:
            return False
        async with self._reading() as db:
            found = await db.scalar(
                select(SESSIONS.c.expires_at).where(
                    SESSIONS.c.id_digest == digest(secret), SESSIONS.c.expires_at > utcnow()
                )
            )
        return found is not None

    async def end_teacher_session(self, secret: str) -> None:
        async with self._writing() as db:
            await db.execute(delete(SESSIONS).where(SESSIONS.c.id_digest == digest(secret)))

    # --- classes ---

    async def create_class(self, name: str, ends_on: date) -> dict:
        for _attempt in range(5):  # a repeated join code is astronomically rare; try another
            row = {
                "id": new_id(),
                "name": name,
                "ends_on": ends_on,
                "join_code": new_code(),
                "joining_open": True,
                "created_at": utcnow(),
            }
            try:
                async with self._writing() as db:
                    await db.execute(insert(CLASSES).values(**row))
                return row
            except IntegrityError:
                continue
        raise RuntimeError("could not find a free join code")

    async def classes(self) -> list[dict]:
        """List every class with its number of students, newest first."""
        count = select(func.count()).where(STUDENTS.c.class_id == CLASSES.c.id).scalar_subquery()
        async with self._reading() as db:
            return _rows(
                await db.execute(select(CLASSES, count.label("students")).order_by(CLASSES.c.created_at.desc()))
            )

    async def get_class(self, class_id: str) -> dict | None:
        async with self._reading() as db:
            row = (await db.execute(select(CLASSES).where(CLASSES.c.id == class_id))).first()
        return dict(row._mapping) if row else None

    async def set_joining(self, class_id: str, is_open: bool) -> None:
        async with self._writing() as db:
            await db.execute(update(CLASSES).where(CLASSES.c.id == class_id).values(joining_open=is_open))

    async def renew_join_code(self, class_id: str) -> None:
        for _attempt in range(5):
            try:
                async with self._writing() as db:
                    await db.execute(update(CLASSES).where(CLASSES.c.id == class_id).values(join_code=new_code()))
                return
            except IntegrityError:
                continue

    async def delete_class(self, class_id: str) -> None:
        """Delete a class and, by cascade, its students, devices, records, events and polls."""
        async with self._writing() as db:
            await db.execute(delete(CLASSES).where(CLASSES.c.id == class_id))

    async def purge(self, today: date | None = None) -> int:
        """Delete classes past their retention, expired sessions and old rate counters; return classes deleted."""
        today = today or utcnow().date()
        last_kept_end = today - timedelta(days=self.retention_days + 1)
        async with self._writing() as db:
            gone = await db.execute(delete(CLASSES).where(CLASSES.c.ends_on <= last_kept_end))
            await db.execute(delete(SESSIONS).where(SESSIONS.c.expires_at <= utcnow()))
            await db.execute(delete(LIMITS).where(LIMITS.c.window < int(time.time() // 60) - 1))
        return gone.rowcount

    def deletes_on(self, ends_on: date) -> date:
        return delete_after(ends_on, self.retention_days)

    # --- students ---

    async def join(self, code: str, name: str, name_key: str) -> tuple[Member, str, str]:
        """Add a student to the class with this code; return (member, device secret, recovery code)."""
        async with self._reading() as db:
            found = (await db.execute(select(CLASSES).where(CLASSES.c.join_code == code))).first()
        if found is None:
            raise Refusal(
                _("No class has this code. Check it with your teacher (letters and digits, e.g. ABCD-EFGH)."), 404
            )
        classroom = found._mapping
        if not classroom["joining_open"]:
            raise Refusal(_("This class is closed to new students. Ask your teacher to open joining."), 403)
        device, recovery, now = new_secret(), new_code(RECOVERY_CODE_LENGTH), utcnow()
        student_id = new_id()
        try:
            async with self._writing() as db:
                await db.execute(
                    insert(STUDENTS).values(
                        id=student_id,
                        class_id=classroom["id"],
                        display_name=name,
                        name_key=name_key,
                        recovery_digest=digest(recovery),
                        joined_at=now,
                    )
                )
                await db.execute(
                    insert(DEVICES).values(id_digest=digest(device), student_id=student_id, created_at=now)
                )
                await self._event(db, classroom["id"], student_id, "joined", "")
        except IntegrityError:
            raise Refusal(_("Someone in this class already uses that name; choose another."), 409) from None
        member = Member(student_id, classroom["id"], name, classroom["name"], classroom["ends_on"])
        return member, device, recovery

    async def recover(self, recovery_code: str) -> str | None:
        """Let a student continue on a new device; return its secret, None for an unknown code."""
        async with self._writing() as db:
            student_id = await db.scalar(
                select(STUDENTS.c.id).where(STUDENTS.c.recovery_digest == digest(recovery_code))
            )
            if student_id is None:
                return None
            device = new_secret()
            await db.execute(
                insert(DEVICES).values(id_digest=digest(device), student_id=student_id, created_at=utcnow())
            )
        return device

    async def member(self, device: str | None) -> Member | None:
        """Resolve a device cookie to its student, or None (unknown, removed, or class deleted)."""
        if not device:
            return None
        query = (
            select(STUDENTS.c.id, STUDENTS.c.class_id, STUDENTS.c.display_name, CLASSES.c.name, CLASSES.c.ends_on)
            .join(DEVICES, DEVICES.c.student_id == STUDENTS.c.id)
            .join(CLASSES, CLASSES.c.id == STUDENTS.c.class_id)
            .where(DEVICES.c.id_digest == digest(device))
        )
        async with self._reading() as db:
            row = (await db.execute(query)).first()
        return Member(*row) if row else None

    async def students(self, class_id: str) -> list[dict]:
        async with self._reading() as db:
            result = await db.execute(
                select(
                    STUDENTS.c.id, STUDENTS.c.display_name, STUDENTS.c.joined_at, _last_active().label("last_seen_at")
                )
                .where(STUDENTS.c.class_id == class_id)
                .order_by(STUDENTS.c.name_key)
            )
            return _rows(result)

    async def rename_student(self, class_id: str, student_id: str, name: str, name_key: str) -> bool:
        try:
            async with self._writing() as db:
                done = await db.execute(
                    update(STUDENTS)
                    .where(STUDENTS.c.id == student_id, STUDENTS.c.class_id == class_id)
                    .values(display_name=name, name_key=name_key)
                )
        except IntegrityError:
            raise Refusal(_("Someone in this class already uses that name; choose another."), 409) from None
        return done.rowcount == 1

    async def remove_student(self, class_id: str, student_id: str) -> bool:
        """Delete a student and, by cascade, their devices and every record of them."""
        async with self._writing() as db:
            done = await db.execute(
                delete(STUDENTS).where(STUDENTS.c.id == student_id, STUDENTS.c.class_id == class_id)
            )
        return done.rowcount == 1

    # --- what a class member does ---

    async def _event(self, db: AsyncConnection, class_id: str, student_id: str | None, kind: str, subject: str):
        await db.execute(
            insert(EVENTS).values(class_id=class_id, student_id=student_id, kind=kind, subject=subject, at=utcnow())
        )

    async def _record(self, member: Member, statement, kind: str, subject: str) -> None:
        """Write one record and its event, in one transaction with whatever else is waiting.

        On SQLite a burst of answers (a class of 200 within 2 s) queues behind its one writer, and
        each transaction costs a lock hand-over between processes; so records that arrive while a
        commit is under way go together into the next one (group commit). Each is an upsert or a
        plain insert; if a batch fails (a student left meanwhile), each record is retried alone, so
        one never loses another's. On PostgreSQL, batching measured far slower than letting each
        request write on its own connection (it serialises a process's writes).
        """
        event = insert(EVENTS).values(
            class_id=member.class_id, student_id=member.student_id, kind=kind, subject=subject, at=utcnow()
        )
        if self._write_turn is None:  # PostgreSQL: many writers at once beat one batch at a time
            async with self._writing() as db:
                await db.execute(statement)
                await db.execute(event)
            return
        done = asyncio.get_running_loop().create_future()
        self._batch.append(((statement, event), done))
        if self._committing is None:
            self._committing = asyncio.create_task(self._commit_batches())
        await done

    async def _commit_batches(self) -> None:
        try:
            while self._batch:
                batch, self._batch = self._batch, []
                try:
                    await self._write_all([statements for statements, _done in batch])
                except Exception:  # e.g. a student who left meanwhile: then each on its own
                    for statements, done in batch:
                        await self._settle(done, self._write_all([statements]))
                else:
                    for _statements, done in batch:
                        if not done.done():  # a request that went away stopped waiting
                            done.set_result(None)
        finally:
            self._committing = None

    async def _write_all(self, groups: list[tuple]) -> None:
        async with self._writing() as db:
            for statements in groups:
                for statement in statements:
                    await db.execute(statement)

    @staticmethod
    async def _settle(done: asyncio.Future, write) -> None:
        try:
            await write
        except Exception as error:
            if not done.done():
                done.set_exception(error)
        else:
            if not done.done():
                done.set_result(None)

    async def _upsert(self, member: Member, table, keys: list[str], values: dict, changes, kind: str, subject: str):
        now = utcnow()
        statement = self._insert(table).values(class_id=member.class_id, student_id=member.student_id, **values)
        statement = statement.on_conflict_do_update(index_elements=["student_id", *keys], set_=changes(statement, now))
        await self._record(member, statement, kind, subject)

    async def record_check(self, member: Member, lesson: str, check_id: str, option: str, correct: bool) -> None:
        """Keep an answer: the first stays, the latest replaces the one before, attempts go up by one."""
        now = utcnow()
        values = {
            "lesson_slug": lesson,
            "check_id": check_id,
            "first_option": option,
            "first_correct": correct,
            "first_at": now,
            "latest_option": option,
            "latest_correct": correct,
            "latest_at": now,
            "attempts": 1,
        }

        def changes(statement, now):
            new = statement.excluded
            return {
                "latest_option": new.latest_option,
                "latest_correct": new.latest_correct,
                "latest_at": new.latest_at,
                "attempts": CHECKS.c.attempts + 1,
            }

        await self._upsert(member, CHECKS, ["check_id"], values, changes, "check", check_id)

    async def record_lesson(self, member: Member, lesson: str) -> None:
        now = utcnow()
        values = {"lesson_slug": lesson, "first_at": now, "latest_at": now, "times": 1}
        await self._upsert(
            member,
            LESSONS,
            ["lesson_slug"],
            values,
            lambda statement, now: {"latest_at": now, "times": LESSONS.c.times + 1},
            "lesson",
            lesson,
        )

    async def record_cell(self, member: Member, lesson: str, cell_id: str, outcome: str) -> None:
        values = {"lesson_slug": lesson, "cell_id": cell_id, "outcome": outcome, "count": 1, "latest_at": utcnow()}
        await self._upsert(
            member,
            CELLS,
            ["cell_id", "outcome"],
            values,
            lambda statement, now: {"latest_at": now, "count": CELLS.c.count + 1},
            "cell",
            cell_id,
        )

    async def record_exercise(
        self, member: Member, lesson: str, exercise_id: str, outcome: str, failed, mistakes, code
    ):
        attempt = insert(EXERCISES).values(
            class_id=member.class_id,
            student_id=member.student_id,
            lesson_slug=lesson,
            exercise_id=exercise_id,
            outcome=outcome,
            failed_invariants=list(failed),
            mistakes=list(mistakes),
            code=code,
            at=utcnow(),
        )
        await self._record(member, attempt, "exercise", exercise_id)

    # --- what a student may see of themselves ---

    async def my_data(self, member: Member) -> dict:
        """Return everything the server keeps about this student, as plain JSON-ready data."""
        hidden = {"class_id", "student_id", "id"}
        data: dict = {}
        async with self._reading() as db:
            student = (
                await db.execute(
                    select(STUDENTS.c.display_name, STUDENTS.c.joined_at, _last_active().label("last_active_at")).where(
                        STUDENTS.c.id == member.student_id
                    )
                )
            ).first()
            data["student"] = dict(student._mapping) if student else {}
            data["devices"] = (
                await db.scalar(select(func.count()).where(DEVICES.c.student_id == member.student_id))
            ) or 0
            for table in RECORDS:
                order = table.c.id
                rows = _rows(
                    await db.execute(select(table).where(table.c.student_id == member.student_id).order_by(order))
                )
                data[table.name] = [{k: v for k, v in row.items() if k not in hidden} for row in rows]
        data["class"] = {
            "name": member.class_name,
            "ends_on": member.ends_on,
            "deleted_on": self.deletes_on(member.ends_on),
        }
        return data

    async def leave(self, member: Member) -> None:
        """Delete the student and every record of them (cascade), as they asked."""
        async with self._writing() as db:
            await db.execute(delete(STUDENTS).where(STUDENTS.c.id == member.student_id))

    async def progress(self, member: Member) -> tuple[dict[str, bool], set[str]]:
        """Return (check id -> answered right at least once latest, exercise ids solved) for the overview."""
        async with self._reading() as db:
            checks = await db.execute(
                select(CHECKS.c.check_id, CHECKS.c.latest_correct).where(CHECKS.c.student_id == member.student_id)
            )
            solved = await db.execute(
                select(EXERCISES.c.exercise_id)
                .where(EXERCISES.c.student_id == member.student_id, EXERCISES.c.outcome == "passed")
                .distinct()
            )
            return {row[0]: bool(row[1]) for row in checks}, {row[0] for row in solved}

    async def events_since(self, class_id: str, cursor: int, limit: int = 500) -> list[dict]:
        """Return the class's events after `cursor` (for the live view of issue 20)."""
        async with self._reading() as db:
            result = await db.execute(
                select(EVENTS)
                .where(EVENTS.c.class_id == class_id, EVENTS.c.id > cursor)
                .order_by(EVENTS.c.id)
                .limit(limit)
            )
            return _rows(result)

    async def class_answers(self, class_id: str) -> list[dict]:
        """Return every check answer in the class (teachers only; used by tests and the benchmark)."""
        async with self._reading() as db:
            return _rows(await db.execute(select(CHECKS).where(CHECKS.c.class_id == class_id)))
