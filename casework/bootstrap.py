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
    db = Database(url or get_settings().database_url)
    # a step that wrote outbox rows asks Prefect for a delivery run (when a Prefect API is known)
    from casework import orchestration

    orchestration.install(db)
    return db


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


def session_secret() -> str:
    """The key that signs session cookies and links in emails.

    From `CASEWORK_SESSION_SECRET` when set (production); otherwise, for the embedded set-up, a
    random key made once and kept in the data directory (mode 0600), never in the repository.
    """
    import os
    import secrets

    settings = get_settings()
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    path = settings.data_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
