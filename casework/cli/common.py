"""Helpers every CLI module shares: the database, the actor, JSON and table output."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from casework import bootstrap
from casework.db import Database
from casework.errors import InvalidInput

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


def db(check: bool = True) -> Database:
    """The application database; by default refuses an outdated schema with a clear message."""
    database = bootstrap.database()
    if check:
        bootstrap.check_schema(database)
    return database


def actor() -> str:
    return bootstrap.current_actor()


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    return value


def print_json(value: Any) -> None:
    # plain print: Rich would wrap long lines and break the JSON
    print(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    grid = Table(title=title, show_lines=False)
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(grid)


def parse_date(value: str | None, option: str = "--datum") -> date | None:
    """A date option in ISO form (JJJJ-MM-DD), or a Dutch refusal naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{option} {value!r} is geen datum: gebruik JJJJ-MM-DD, bijvoorbeeld 2026-11-02."
        ) from None


def required_date(value: str, option: str) -> date:
    """Like `parse_date`, for an option that must be given."""
    parsed = parse_date(value, option)
    assert parsed is not None
    return parsed
