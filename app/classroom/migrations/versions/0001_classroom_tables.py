"""classroom tables: classes, students, records, events, polls

Revision ID: d81dd6597e1f
Revises: (none)
Created: 2026-12-04 21:27:03.889883
"""

import sqlalchemy as sa
from alembic import op

revision = "d81dd6597e1f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "classes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("join_code", sa.String(length=16), nullable=False),
        sa.Column("joining_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.UniqueConstraint("join_code", name=op.f("uq_classes_join_code")),
    )
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_classes_ends_on"), ["ends_on"], unique=False)

    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window", name=op.f("pk_rate_limits")),
    )
    op.create_table(
        "teacher_sessions",
        sa.Column("id_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_digest", name=op.f("pk_teacher_sessions")),
    )
    with op.batch_alter_table("teacher_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teacher_sessions_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "polls",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("check_id", sa.String(length=100), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("previous_poll_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_polls_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["previous_poll_id"], ["polls.id"], name=op.f("fk_polls_previous_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_polls_class_id"), ["class_id"], unique=False)

    op.create_table(
        "students",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.String(length=160), nullable=False),
        sa.Column("recovery_digest", sa.String(length=64), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_students_class_id_classes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_students")),
        sa.UniqueConstraint("class_id", "name_key", name=op.f("uq_students_class_id")),
        sa.UniqueConstraint("recovery_digest", name=op.f("uq_students_recovery_digest")),
    )
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_students_class_id"), ["class_id"], unique=False)

    op.create_table(
        "cell_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("student_id", sa.String(length=32), nullable=False),
        sa.Column("lesson_slug", sa.String(length=100), nullable=False),
        sa.Column("cell_id", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("latest_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_cell_runs_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_cell_runs_student_id_students"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cell_runs")),
        sa.UniqueConstraint("student_id", "cell_id", "outcome", name=op.f("uq_cell_runs_student_id")),
    )
    with op.batch_alter_table("cell_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cell_runs_class_id"), ["class_id"], unique=False)

    op.create_table(
        "check_answers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("student_id", sa.String(length=32), nullable=False),
        sa.Column("lesson_slug", sa.String(length=100), nullable=False),
        sa.Column("check_id", sa.String(length=100), nullable=False),
        sa.Column("first_option", sa.String(length=60), nullable=False),
        sa.Column("first_correct", sa.Boolean(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.Column("latest_option", sa.String(length=60), nullable=False),
        sa.Column("latest_correct", sa.Boolean(), nullable=False),
        sa.Column("latest_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_check_answers_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_check_answers_student_id_students"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_answers")),
        sa.UniqueConstraint("student_id", "check_id", name=op.f("uq_check_answers_student_id")),
    )
    with op.batch_alter_table("check_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_answers_class_id"), ["class_id"], unique=False)

    op.create_table(
        "class_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("student_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_class_events_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_class_events_student_id_students"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_events")),
    )
    with op.batch_alter_table("class_events", schema=None) as batch_op:
        batch_op.create_index("ix_class_events_class_cursor", ["class_id", "id"], unique=False)

    op.create_table(
        "exercise_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("student_id", sa.String(length=32), nullable=False),
        sa.Column("lesson_slug", sa.String(length=100), nullable=False),
        sa.Column("exercise_id", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("failed_invariants", sa.JSON(), nullable=False),
        sa.Column("mistakes", sa.JSON(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_exercise_attempts_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_exercise_attempts_student_id_students"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_attempts")),
    )
    with op.batch_alter_table("exercise_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_attempts_class_id"), ["class_id"], unique=False)
        batch_op.create_index("ix_exercise_attempts_student", ["student_id", "exercise_id"], unique=False)

    op.create_table(
        "lessons_opened",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("student_id", sa.String(length=32), nullable=False),
        sa.Column("lesson_slug", sa.String(length=100), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.Column("latest_at", sa.DateTime(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_lessons_opened_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_lessons_opened_student_id_students"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_opened")),
        sa.UniqueConstraint("student_id", "lesson_slug", name=op.f("uq_lessons_opened_student_id")),
    )
    with op.batch_alter_table("lessons_opened", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lessons_opened_class_id"), ["class_id"], unique=False)

    op.create_table(
        "poll_votes",
        sa.Column("poll_id", sa.String(length=32), nullable=False),
        sa.Column("student_id", sa.String(length=32), nullable=False),
        sa.Column("option", sa.String(length=60), nullable=False),
        sa.Column("voted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_votes_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_poll_votes_student_id_students"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "student_id", name=op.f("pk_poll_votes")),
    )
    op.create_table(
        "student_devices",
        sa.Column("id_digest", sa.String(length=64), nullable=False),
        sa.Column("student_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_student_devices_student_id_students"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id_digest", name=op.f("pk_student_devices")),
    )
    with op.batch_alter_table("student_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_devices_student_id"), ["student_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("student_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_devices_student_id"))

    op.drop_table("student_devices")
    op.drop_table("poll_votes")
    with op.batch_alter_table("lessons_opened", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessons_opened_class_id"))

    op.drop_table("lessons_opened")
    with op.batch_alter_table("exercise_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_attempts_student")
        batch_op.drop_index(batch_op.f("ix_exercise_attempts_class_id"))

    op.drop_table("exercise_attempts")
    with op.batch_alter_table("class_events", schema=None) as batch_op:
        batch_op.drop_index("ix_class_events_class_cursor")

    op.drop_table("class_events")
    with op.batch_alter_table("check_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_answers_class_id"))

    op.drop_table("check_answers")
    with op.batch_alter_table("cell_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cell_runs_class_id"))

    op.drop_table("cell_runs")
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_students_class_id"))

    op.drop_table("students")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_polls_class_id"))

    op.drop_table("polls")
    with op.batch_alter_table("teacher_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teacher_sessions_expires_at"))

    op.drop_table("teacher_sessions")
    op.drop_table("rate_limits")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classes_ends_on"))

    op.drop_table("classes")
