"""Students: joining, devices, the roster a teacher manages, and what a student may see and delete of themselves."""

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.classroom.rules import (
    RECOVERY_CODE_LENGTH,
    Member,
    Refusal,
    digest,
    new_code,
    new_id,
    new_secret,
)
from app.classroom.store.base import (
    CHECKS,
    CLASSES,
    DEVICES,
    EXERCISES,
    RECORDS,
    STUDENTS,
    StoreBase,
    last_active,
    rows,
    utcnow,
)
from app.i18n import gettext as _


class StudentStore(StoreBase):
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
                    STUDENTS.c.id, STUDENTS.c.display_name, STUDENTS.c.joined_at, last_active().label("last_seen_at")
                )
                .where(STUDENTS.c.class_id == class_id)
                .order_by(STUDENTS.c.name_key)
            )
            return rows(result)

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

    # --- what a student may see of themselves ---

    async def my_data(self, member: Member) -> dict:
        """Return everything the server keeps about this student, as plain JSON-ready data."""
        hidden = {"class_id", "student_id", "id"}
        data: dict = {}
        async with self._reading() as db:
            student = (
                await db.execute(
                    select(STUDENTS.c.display_name, STUDENTS.c.joined_at, last_active().label("last_active_at")).where(
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
                found = rows(
                    await db.execute(select(table).where(table.c.student_id == member.student_id).order_by(order))
                )
                data[table.name] = [{k: v for k, v in row.items() if k not in hidden} for row in found]
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
