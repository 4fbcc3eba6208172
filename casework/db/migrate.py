"""Schema migrations (Alembic), run with `casework db upgrade` and by `casework up`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Any = None, on_apply: Callable[..., None] | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["on_version_apply"] = on_apply
    return config


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(
    engine: Engine, target: str = "head", on_apply: Callable[[str], None] | None = None
) -> None:
    """Bring the schema up to `target`; `on_apply(revision)` is called after each step."""

    def applied(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
        if on_apply is not None:
            on_apply(step.up_revision_id)

    with engine.begin() as connection:
        command.upgrade(_config(connection, applied), target)


def downgrade(engine: Engine, target: str) -> None:
    with engine.begin() as connection:
        command.downgrade(_config(connection), target)


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def revision(message: str, engine: Engine) -> None:
    """Autogenerate a new revision against the given (up-to-date) database (for developers)."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
