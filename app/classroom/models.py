"""Declare the classroom tables (SQLAlchemy 2): classes, students, their records, polls, events.

Design notes that the later issues rely on:
- Every row about a student carries `class_id` too, so a class's view (issue 20) reads one index,
  and deleting a class or a student cascades (SQLite needs PRAGMA foreign_keys, set per connection).
- `class_events.id` only grows: the teacher's live view (issue 20) reads "events since cursor".
- `polls` / `poll_votes` (issue 21): one row per round; a vote is keyed by (poll, student), so a
  second click replaces the vote and can never add one.
- A student's last activity is their latest event, not a column every record would update.
- Ids in URLs are random (`new_id`), never counters. Device ids, recovery codes and teacher
  session ids are stored only as SHA-256 digests.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names fixed by convention, so migrations name the same things on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# A growing id: BIGINT on PostgreSQL, INTEGER PRIMARY KEY (the rowid) on SQLite.
Serial = BigInteger().with_variant(Integer, "sqlite")
Id = String(32)
Digest = String(64)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _class_fk():
    return mapped_column(Id, ForeignKey("classes.id", ondelete="CASCADE"), index=True)


def _student_fk():
    return mapped_column(Id, ForeignKey("students.id", ondelete="CASCADE"))


class TeacherSession(Base):
    __tablename__ = "teacher_sessions"
    id_digest: Mapped[str] = mapped_column(Digest, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class RateLimit(Base):
    """Counts attempts per key (e.g. 'join:<address>') per minute, shared by every worker."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # minutes since the epoch
    count: Mapped[int] = mapped_column(Integer)


class Classroom(Base):
    __tablename__ = "classes"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    joining_open: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Student(Base):
    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("class_id", "name_key"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    class_id: Mapped[str] = _class_fk()
    display_name: Mapped[str] = mapped_column(String(40))
    name_key: Mapped[str] = mapped_column(String(160))  # casefolded: unique per class, case-insensitively
    recovery_digest: Mapped[str] = mapped_column(Digest, unique=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime)


class Device(Base):
    """A browser a student uses: the cookie holds a random id, this table only its digest."""

    __tablename__ = "student_devices"
    id_digest: Mapped[str] = mapped_column(Digest, primary_key=True)
    student_id: Mapped[str] = mapped_column(Id, ForeignKey("students.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CheckAnswer(Base):
    """One row per (student, check): first and latest answer, right or wrong as the server's probe said."""

    __tablename__ = "check_answers"
    __table_args__ = (UniqueConstraint("student_id", "check_id"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    class_id: Mapped[str] = _class_fk()
    student_id: Mapped[str] = _student_fk()
    lesson_slug: Mapped[str] = mapped_column(String(100))
    check_id: Mapped[str] = mapped_column(String(100))
    first_option: Mapped[str] = mapped_column(String(60))
    first_correct: Mapped[bool] = mapped_column(Boolean)
    first_at: Mapped[datetime] = mapped_column(DateTime)
    latest_option: Mapped[str] = mapped_column(String(60))
    latest_correct: Mapped[bool] = mapped_column(Boolean)
    latest_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer)


class ExerciseAttempt(Base):
    """Every attempt at an exercise, as the learner's sandboxed run reported it (could be forged)."""

    __tablename__ = "exercise_attempts"
    __table_args__ = (Index("ix_exercise_attempts_student", "student_id", "exercise_id"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    class_id: Mapped[str] = _class_fk()
    student_id: Mapped[str] = _student_fk()
    lesson_slug: Mapped[str] = mapped_column(String(100))
    exercise_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    failed_invariants: Mapped[list] = mapped_column(JSON)
    mistakes: Mapped[list] = mapped_column(JSON)
    code: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)


class LessonOpened(Base):
    __tablename__ = "lessons_opened"
    __table_args__ = (UniqueConstraint("student_id", "lesson_slug"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    class_id: Mapped[str] = _class_fk()
    student_id: Mapped[str] = _student_fk()
    lesson_slug: Mapped[str] = mapped_column(String(100))
    first_at: Mapped[datetime] = mapped_column(DateTime)
    latest_at: Mapped[datetime] = mapped_column(DateTime)
    times: Mapped[int] = mapped_column(Integer)


class CellRun(Base):
    """How often a student ran a code cell, per outcome; never the code."""

    __tablename__ = "cell_runs"
    __table_args__ = (UniqueConstraint("student_id", "cell_id", "outcome"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    class_id: Mapped[str] = _class_fk()
    student_id: Mapped[str] = _student_fk()
    lesson_slug: Mapped[str] = mapped_column(String(100))
    cell_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    latest_at: Mapped[datetime] = mapped_column(DateTime)


class ClassEvent(Base):
    """Something happened in a class; the live view (issue 20) polls for ids above its cursor."""

    __tablename__ = "class_events"
    __table_args__ = (Index("ix_class_events_class_cursor", "class_id", "id"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    class_id: Mapped[str] = mapped_column(Id, ForeignKey("classes.id", ondelete="CASCADE"))
    student_id: Mapped[str | None] = mapped_column(Id, ForeignKey("students.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))  # joined, check, exercise, lesson, cell, left
    subject: Mapped[str] = mapped_column(String(100))  # the check, exercise, lesson or cell id
    at: Mapped[datetime] = mapped_column(DateTime)


class Poll(Base):
    """A round of a class poll on one check (issue 21); round 2 is the vote after discussion."""

    __tablename__ = "polls"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    class_id: Mapped[str] = _class_fk()
    check_id: Mapped[str] = mapped_column(String(100))
    round: Mapped[int] = mapped_column(Integer)
    previous_poll_id: Mapped[str | None] = mapped_column(Id, ForeignKey("polls.id", ondelete="CASCADE"), nullable=True)
    status: Mapped[str] = mapped_column(String(12))  # open, shown, revealed, closed
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class PollVote(Base):
    __tablename__ = "poll_votes"
    poll_id: Mapped[str] = mapped_column(Id, ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    student_id: Mapped[str] = mapped_column(Id, ForeignKey("students.id", ondelete="CASCADE"), primary_key=True)
    option: Mapped[str] = mapped_column(String(60))
    voted_at: Mapped[datetime] = mapped_column(DateTime)


metadata = Base.metadata
