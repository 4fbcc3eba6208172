"""Alembic environment: the URL and connection come from casework, not from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from casework.db import models  # noqa: F401  (registers the tables on Base.metadata)
from casework.db.base import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        on_version_apply=config.attributes.get("on_version_apply"),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through casework.db.migrate (casework db upgrade)")
run(connection)
