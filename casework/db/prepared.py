"""Statements built once and run straight on the DBAPI connection, for the hottest paths only.

A step through a programme (`trajecten.advance`) runs three small statements in one
transaction; going through `Connection.execute` cost several times what the database itself
spends on them. A `Prepared` statement is an ordinary Core statement, compiled once per dialect
(the SQL text the dialect would send), with its columns' own bind and result processors (so
timestamps, dates, booleans and JSON are stored and read exactly as through Core). `dbapi_work`
is the transaction around them: one pooled connection, commit at the end, rollback on any
error, and DBAPI errors re-raised as SQLAlchemy's (IntegrityError, OperationalError, ...) with a
dead connection invalidated, as a Core `Connection` would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ClauseElement

_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: bool
    #: (bind name, its processor) in the order the SQL expects them
    binds: tuple[tuple[str, _Processor], ...]
    #: result processors per selected column (empty for DML)
    results: tuple[_Processor, ...]


class Prepared:
    """A Core statement compiled once per dialect, run on a DBAPI cursor."""

    def __init__(self, statement: ClauseElement, column_keys: list[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = column_keys
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled: Any = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        if getattr(compiled, "escaped_bind_names", None):
            raise ValueError("bind names that need escaping are not supported here")
        names = {name: bind for bind, name in compiled.bind_names.items()}
        order = list(compiled.positiontup) if compiled.positional else list(names)
        binds = tuple(
            (name, names[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order
        )
        selected = getattr(self.statement, "selected_columns", ())
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in selected
        )
        return _Compiled(compiled.string, compiled.positional, binds, results)


class DbapiWork:
    """One transaction on one pooled DBAPI connection (see `dbapi_work`)."""

    def __init__(self, connection: PoolProxiedConnection, dialect: Dialect) -> None:
        #: the pooled connection (its `dbapi_connection` is the driver's)
        self.connection = connection
        self.dialect = dialect
        self.cursor = connection.cursor()

    def _run(self, prepared: Prepared, params: Mapping[str, Any]) -> _Compiled:
        c = prepared.compiled(self.dialect)
        if c.positional:
            values: Any = tuple(p(params[n]) if p else params[n] for n, p in c.binds)
        else:
            values = {n: p(params[n]) if p else params[n] for n, p in c.binds}
        self.cursor.execute(c.sql, values)
        return c

    def execute(self, prepared: Prepared, params: Mapping[str, Any]) -> int:
        """Run a DML statement; returns the rows it matched."""
        self._run(prepared, params)
        return int(self.cursor.rowcount)

    def rows(self, prepared: Prepared, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run a SELECT; returns its rows with every column's result processor applied."""
        c = self._run(prepared, params)
        processors = c.results
        return [
            tuple(p(v) if p else v for p, v in zip(processors, row, strict=True))
            for row in self.cursor.fetchall()
        ]


@contextmanager
def dbapi_work(engine: Engine) -> Iterator[DbapiWork]:
    """A transaction on a raw pooled connection: commits at the end, rolls back on an error."""
    dialect = engine.dialect
    dbapi_error: type[Any] = dialect.loaded_dbapi.Error
    try:
        raw = engine.raw_connection()
    except dbapi_error as exc:  # no connection (the server is down): as `engine.connect()` says
        raise DBAPIError.instance(
            None,
            None,
            exc,
            dbapi_error,
            connection_invalidated=dialect.is_disconnect(exc, None, None),
            dialect=dialect,
        ) from exc
    work: DbapiWork | None = None
    try:
        work = DbapiWork(raw, dialect)
        yield work
        raw.commit()
    except dbapi_error as exc:
        with suppress(Exception):
            raw.rollback()
        dead = dialect.is_disconnect(exc, raw.dbapi_connection, work.cursor if work else None)
        if dead:
            raw.invalidate(exc)
        raise DBAPIError.instance(
            None, None, exc, dbapi_error, connection_invalidated=dead, dialect=dialect
        ) from exc
    except BaseException:
        with suppress(Exception):
            raw.rollback()
        raise
    finally:
        raw.close()
