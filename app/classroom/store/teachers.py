"""What teachers do: sign in (with shared rate limits), and create, change and delete classes."""

import time
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.classroom.rules import (
    delete_after,
    digest,
    new_code,
    new_id,
    new_secret,
)
from app.classroom.store.base import (
    CLASSES,
    LIMITS,
    SESSIONS,
    STUDENTS,
    StoreBase,
    rows,
    utcnow,
)


class TeacherStore(StoreBase):
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
            return rows(
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
