"""Hold every classroom query: one ClassStore over the database, shared by every worker and replica.

Nothing about a class lives in process memory; each area of queries is its own module.
"""

from app.classroom.store.base import utcnow
from app.classroom.store.beliefs import BeliefStore
from app.classroom.store.polls import PollStore
from app.classroom.store.records import RecordStore
from app.classroom.store.students import StudentStore
from app.classroom.store.teachers import TeacherStore


class ClassStore(PollStore, TeacherStore, StudentStore, RecordStore, BeliefStore):
    """Every read and write of classes, students and their records (PollStore first: it adds to my_data)."""


__all__ = ["ClassStore", "utcnow"]
