"""What a teacher reads out of a class: its answers counted per check, who chose an option, everything to export."""

from sqlalchemy import func, select

from app.classroom.store.base import CHECKS, RECORDS, STUDENTS, StoreBase, last_active, rows


class BeliefStore(StoreBase):
    # --- what a class believes, and everything a teacher may take out of it ---

    async def answer_counts(self, class_id: str, check_ids: list[str] | None = None) -> list[dict]:
        """Count the class's answers (to these checks) by check, first option and rightness, and latest option.

        Counted in the database: a class of 200 answering 44 checks is 8,800 rows, but at most a
        few dozen groups per check.
        """
        groups = (CHECKS.c.check_id, CHECKS.c.first_option, CHECKS.c.first_correct, CHECKS.c.latest_option)
        query = (
            select(*groups, func.count().label("students"), func.sum(CHECKS.c.attempts).label("attempts"))
            .where(CHECKS.c.class_id == class_id)
            .group_by(*groups)
        )
        if check_ids is not None:
            query = query.where(CHECKS.c.check_id.in_(check_ids))
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

    async def export_records(self, class_id: str) -> dict[str, list[dict]]:
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
