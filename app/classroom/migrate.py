"""Bring the database schema up to date once at start-up, safely when many processes start together.

Every worker and replica calls `upgrade()`. On PostgreSQL the migration runs inside one
transaction holding an advisory lock, so the others wait and then find nothing left to do; on
SQLite an exclusive file lock beside the database does the same for the processes of one machine.
"""

import fcntl
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.classroom.database import WRITE, is_sqlite

MIGRATIONS = Path(__file__).parent / "migrations"
ADVISORY_LOCK = 0x504C4142  # "PLAB": any fixed number every process agrees on


def alembic_config() -> Config:
    """Configure Alembic in code (no alembic.ini): where the migrations are."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade(engine: AsyncEngine, lock_dir: Path) -> None:
    """Run every pending migration, one process at a time."""
    if is_sqlite(engine):
        lock_dir.mkdir(parents=True, exist_ok=True)
        with open(lock_dir / "classroom.migrate.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # blocks this worker only while another migrates
            async with engine.connect() as connection:
                await connection.execution_options(**{WRITE: True})
                async with connection.begin():
                    await connection.run_sync(_upgrade)
        return
    async with engine.begin() as connection:
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        await connection.run_sync(_upgrade)
