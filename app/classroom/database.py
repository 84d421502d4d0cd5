"""Open the classroom database: SQLite (WAL) in the data folder by default, or PostgreSQL by URL."""

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.settings import Settings

WRITE = "plab_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)


def database_url(settings: Settings) -> str:
    """Return the configured URL, or the SQLite file in the data folder."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite+aiosqlite:///{Path(settings.data_dir).resolve() / 'classroom.sqlite3'}"


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> AsyncEngine:
    """Create the engine; on SQLite set WAL, foreign keys and a busy wait on every connection."""
    if not url.startswith("sqlite"):
        # At most 10 connections per process: PostgreSQL's default max_connections (100) then serves
        # 10 processes, e.g. 5 replicas of 2 workers. No pre-ping: it costs a round trip per
        # checkout, and a connection the server dropped is discarded when it fails.
        return create_async_engine(url, pool_size=5, max_overflow=5, pool_timeout=30)
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # The driver's own transaction handling is off, so BEGIN below is the only one: a write
        # transaction takes the write lock at its start (IMMEDIATE) and waits for it up to the
        # busy timeout, instead of failing when a read upgrades to a write under contention.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "busy_timeout=30000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE) else "BEGIN")

    return engine
