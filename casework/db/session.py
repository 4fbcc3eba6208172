"""The engine and units of work. Nothing connects at import time: `Database(url)` does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

#: session.info key counting outbox rows a unit of work wrote
OUTBOX_WRITTEN = "casework.outbox_written"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers go on while one writer commits; busy_timeout waits instead of failing
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre-ping: after a database restart the pool hands out a fresh connection, not a dead one
    return create_engine(url, pool_pre_ping=True, **kwargs)


class Database:
    """One application database: the composition root creates it, services open units of work."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        #: called after a commit that wrote outbox rows (the orchestration layer asks for a
        #: delivery run here); a failing hook never undoes the committed work
        self.outbox_hooks: list[Callable[[int], None]] = []

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls back on any exception."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
            written = session.info.get(OUTBOX_WRITTEN, 0)
        finally:
            session.close()
        if written:
            self._after_outbox(written)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (rolled back at the end)."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def _after_outbox(self, count: int) -> None:
        import logging

        for hook in self.outbox_hooks:
            try:
                hook(count)
            except Exception:  # the work is committed; the schedule picks the rows up later
                logging.getLogger(__name__).exception("outbox hook failed")

    def dispose(self) -> None:
        self.engine.dispose()
