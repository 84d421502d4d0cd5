"""Migrations: several processes upgrading one database at once end with one schema at head."""

import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.classroom.database import make_engine
from app.classroom.migrate import alembic_config
from app.settings import REPO_ROOT

UPGRADE = """
import asyncio, sys
from pathlib import Path
from app.classroom.database import make_engine
from app.classroom.migrate import upgrade

async def main():
    engine = make_engine(sys.argv[1])
    await upgrade(engine, Path(sys.argv[2]))
    await engine.dispose()

asyncio.run(main())
"""


@pytest.mark.anyio
async def test_processes_starting_together_migrate_once(database):
    url, folder = database
    processes = [
        subprocess.Popen([sys.executable, "-c", UPGRADE, url, str(folder)], cwd=REPO_ROOT, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = make_engine(url)
    async with engine.connect() as db:
        assert (await db.execute(text("SELECT version_num FROM alembic_version"))).scalars().all() == [head]
        if url.startswith("sqlite"):
            assert (await db.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await db.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await engine.dispose()
