"""The composition root: builds the database and wires the optional parts together.

CLI, web app and flows all get their `Database` from here, so tests can hand in their own.
"""

from __future__ import annotations

import getpass
from functools import lru_cache

from casework.db import Database, migrate
from casework.errors import CaseworkError
from casework.settings import get_settings


class SchemaOutdated(CaseworkError):
    pass


@lru_cache
def database(url: str | None = None) -> Database:
    """The application database of these settings (one engine per process)."""
    return Database(url or get_settings().database_url)


def check_schema(db: Database) -> None:
    """Refuse to work on a database whose schema is not the newest."""
    if migrate.current_heads(db.engine) != migrate.heads():
        raise SchemaOutdated(
            "De database is nog niet aangemaakt of niet bijgewerkt: voer eerst "
            "'casework db upgrade' uit."
        )


def current_actor() -> str:
    """Who the CLI records as the actor of a step."""
    return get_settings().actor or getpass.getuser()
