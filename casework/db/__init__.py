"""Persistence: the typed ORM models, the engine and units of work, and Alembic migrations."""

from casework.db.session import Database

__all__ = ["Database"]
