"""The programmes casework knows: their definitions, read from `states/definitions`."""

from __future__ import annotations

from casework.errors import InvalidInput
from states import ProgrammeDefinition, load_programmes, mermaid_diagram


def programmes() -> dict[str, ProgrammeDefinition]:
    return load_programmes()


def definition(code: str) -> ProgrammeDefinition:
    """The definition of programme `code`, or a Dutch refusal naming the known ones."""
    known = programmes()
    try:
        return known[code.strip().lower()]
    except KeyError:
        raise InvalidInput(
            f"Onbekend programma {code!r}: kies uit {', '.join(sorted(known))}."
        ) from None


def diagram(code: str, current: str | None = None) -> str:
    """The mermaid state diagram of a programme."""
    return mermaid_diagram(definition(code), current=current)
