"""Alembic's entry point: migrate over the connection app/classroom/migrate.py hands over.

For writing a new revision (`python -m app.classroom.migrate_new "message"`), a plain SQLite URL
may be given instead, so autogenerate can compare the models with an empty database.
"""

from alembic import context
from sqlalchemy import create_engine

from app.classroom.models import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as sync_connection:
        context.configure(connection=sync_connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
