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


def heads() -> set[str]:
    """The newest revisions (features branch from the base and are merged later)."""
    return set(ScriptDirectory.from_config(_config()).get_heads())


def pending(engine: Engine) -> list[str]:
    """Revisions not yet applied to this database, oldest first."""
    applied: set[str] = set()
    script = ScriptDirectory.from_config(_config())
    for head in current_heads(engine):
        applied.update(rev.revision for rev in script.iterate_revisions(head, "base"))
    return [rev for rev in revisions() if rev not in applied]


def upgrade(
    engine: Engine, target: str = "heads", on_apply: Callable[[str], None] | None = None
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


def current_heads(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def current(engine: Engine) -> str | None:
    """The schema version as one string (revisions joined by '+' while branches are open)."""
    found = current_heads(engine)
    return "+".join(sorted(found)) if found else None


def revision(message: str, engine: Engine) -> None:
    """Autogenerate a new revision against the given (up-to-date) database (for developers)."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
