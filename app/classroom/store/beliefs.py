"""What a teacher reads out of a class: its check answers with names, who chose an option, everything to export."""

from sqlalchemy import select

from app.classroom.store.base import CHECKS, RECORDS, STUDENTS, StoreBase, last_active, rows

ANSWER_COLUMNS = (
    CHECKS.c.student_id,
    CHECKS.c.check_id,
    CHECKS.c.lesson_slug,
    CHECKS.c.first_option,
    CHECKS.c.first_correct,
    CHECKS.c.first_at,
    CHECKS.c.latest_option,
    CHECKS.c.latest_correct,
    CHECKS.c.latest_at,
    CHECKS.c.attempts,
)


class BeliefStore(StoreBase):
    # --- what a class believes, and everything a teacher may take out of it ---

    async def answers_in_class(self, class_id: str, check_id: str | None = None) -> list[dict]:
        """Return the class's check answers (one check's, if given), each with the student's name."""
        query = (
            select(*ANSWER_COLUMNS, STUDENTS.c.display_name)
            .join(STUDENTS, STUDENTS.c.id == CHECKS.c.student_id)
            .where(CHECKS.c.class_id == class_id)
            .order_by(STUDENTS.c.name_key, CHECKS.c.check_id)
        )
        if check_id is not None:
            query = query.where(CHECKS.c.check_id == check_id)
        async with self._reading() as db:
            return rows(await db.execute(query))

    async def chose(self, class_id: str, check_id: str, option: str) -> list[str]:
        """Return the names of the students whose latest answer to a check is this option, by name."""
        query = (
            select(STUDENTS.c.display_name)
            .join(CHECKS, CHECKS.c.student_id == STUDENTS.c.id)
            .where(CHECKS.c.class_id == class_id, CHECKS.c.check_id == check_id, CHECKS.c.latest_option == option)
            .order_by(STUDENTS.c.name_key)
        )
        async with self._reading() as db:
            return list((await db.scalars(query)).all())

    async def class_records(self, class_id: str) -> dict[str, list[dict]]:
        """Return the class's students and every record of theirs, table by table (for the exports).

        Records keep the student's random id, so a row can be matched to its student; the class id,
        the same on every row, is left out.
        """
        students = (
            select(STUDENTS.c.id, STUDENTS.c.display_name, STUDENTS.c.joined_at, last_active().label("last_active_at"))
            .where(STUDENTS.c.class_id == class_id)
            .order_by(STUDENTS.c.name_key)
        )
        found: dict[str, list[dict]] = {}
        async with self._reading() as db:
            found["students"] = rows(await db.execute(students))
            for table in RECORDS:
                columns = [column for column in table.c if column.name not in ("class_id", "id")]
                query = select(*columns).where(table.c.class_id == class_id).order_by(table.c.student_id, table.c.id)
                found[table.name] = rows(await db.execute(query))
        return found
