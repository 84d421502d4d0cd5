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


TOKEN = "test-teacher-token-0123456789"


@pytest.fixture(scope="module", params=DATABASES)
def classroom_app(request):
    """The whole app on an empty database of each kind, with a known teacher token."""
    from app.main import create_app
    from app.settings import Settings

    url, folder = fresh_url(request.param, request)
    return create_app(Settings(data_dir=folder, database_url=url, teacher_token=TOKEN, run_rate_limit=5))


@pytest.fixture()
def web(classroom_app):
    from fastapi.testclient import TestClient

    with TestClient(classroom_app) as client:
        yield client


def another_browser(web, address: str = "testclient"):
    """Another browser on the same running app: its own cookies, the same event loop and database engine."""
    from fastapi.testclient import TestClient

    other = TestClient(web.app, client=(address, 50000))
    other.portal = web.portal  # requests run in the loop that the app's lifespan started
    return other
