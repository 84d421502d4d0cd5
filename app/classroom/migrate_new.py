"""Write a new migration from the models: python -m app.classroom.migrate_new "what changed".

Autogenerate compares the models with a scratch SQLite database brought up to the current head.
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from app.classroom.migrate import alembic_config

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        config = alembic_config()
        config.set_main_option("sqlalchemy.url", f"sqlite:///{Path(scratch) / 'scratch.sqlite3'}")
        command.upgrade(config, "head")
        command.revision(config, message=sys.argv[1], autogenerate=True)
