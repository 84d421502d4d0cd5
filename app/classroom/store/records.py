"""What a class member does, kept as records and events.

Writes that several students make at once (an answer to the same check, a second run of a cell)
are single upserts keyed by a unique constraint, so none is lost or counted twice whatever the
interleaving.
"""

import asyncio

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.classroom.rules import (
    Member,
)
from app.classroom.store.base import (
    CELLS,
    CHECKS,
    EVENTS,
    EXERCISES,
    LESSONS,
    StoreBase,
    rows,
    utcnow,
)


class RecordStore(StoreBase):
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

    async def events_since(self, class_id: str, cursor: int, limit: int = 500) -> list[dict]:
        """Return the class's events after `cursor` (for the live view of issue 20)."""
        async with self._reading() as db:
            result = await db.execute(
                select(EVENTS)
                .where(EVENTS.c.class_id == class_id, EVENTS.c.id > cursor)
                .order_by(EVENTS.c.id)
                .limit(limit)
            )
            return rows(result)

    async def class_answers(self, class_id: str) -> list[dict]:
        """Return every check answer in the class (teachers only; used by tests and the benchmark)."""
        async with self._reading() as db:
            return rows(await db.execute(select(CHECKS).where(CHECKS.c.class_id == class_id)))
