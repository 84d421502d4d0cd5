"""Classroom fixtures: every store and route test runs on SQLite and on a real PostgreSQL."""

import itertools
import tempfile
from pathlib import Path

import pytest

from app.classroom.database import make_engine
from app.classroom.migrate import upgrade
from app.classroom.store import ClassStore
from tests.classroom.postgres import Cluster

DATABASES = ["sqlite", "postgresql"]
_names = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture()
def anyio_backend():
    return "asyncio"


def fresh_url(kind: str, request) -> tuple[str, Path]:
    """Make an empty database of this kind; return its URL and a data folder for it."""
    folder = Path(tempfile.mkdtemp(prefix="plab-classroom-"))
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{folder / 'classroom.sqlite3'}", folder
    cluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"plab_{next(_names)}_{id(folder) % 100000}"), folder


@pytest.fixture(params=DATABASES)
def database(request):
    """(URL, data folder) of an empty database, once per kind."""
    return fresh_url(request.param, request)


@pytest.fixture()
async def store(database):
    url, folder = database
    engine = make_engine(url)
    await upgrade(engine, folder)
    yield ClassStore(engine, retention_days=30)
    await engine.dispose()
