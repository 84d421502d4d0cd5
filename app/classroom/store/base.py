"""The store's ground floor: the tables, timestamps, and how a query gets a connection.

On SQLite a write transaction takes the write lock when it begins (see database.py), and each
process sends one write at a time, so only processes contend for the file.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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


def rows(result) -> list[dict]:
    return [dict(row._mapping) for row in result]


def last_active():
    """A student's latest event (joining is one, so there always is one)."""
    return select(func.max(EVENTS.c.at)).where(EVENTS.c.student_id == STUDENTS.c.id).scalar_subquery()


class StoreBase:
    """The engine, the settings the queries need, and the connections they read and write on."""

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
