"""Validation of identifiers and choices, with the Dutch message a user sees."""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import brin as stdnum_brin

from casework.db.models import OORDELEN, SECTOREN
from casework.errors import InvalidInput

_BESTUURSNUMMER = re.compile(r"^\d{5}$")
# a pragmatic check: one @, something on both sides, a dot in the domain, no spaces
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def brin(value: str) -> str:
    """A BRIN (instellingscode, `12AB`) or vestigingsnummer (`12AB00`), upper-cased."""
    try:
        return str(stdnum_brin.validate(value.strip().upper()))
    except StdnumError:
        raise InvalidInput(
            f"{value!r} is geen geldige BRIN-code: gebruik 2 cijfers en 2 letters, "
            "bijvoorbeeld 12AB."
        ) from None


def bestuursnummer(value: str) -> str:
    value = value.strip()
    if not _BESTUURSNUMMER.match(value):
        raise InvalidInput(
            f"{value!r} is geen geldig bestuursnummer: gebruik 5 cijfers, bijvoorbeeld 41234."
        )
    return value


def email(value: str) -> str:
    value = value.strip()
    if len(value) > 320 or not _EMAIL.match(value):
        raise InvalidInput(f"{value!r} is geen geldig e-mailadres.")
    return value


def sector(value: str) -> str:
    value = value.strip().lower()
    if value not in SECTOREN:
        raise InvalidInput(f"Onbekende sector {value!r}: kies po, so of vo.")
    return value


def oordeel(value: str) -> str:
    value = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    if value not in OORDELEN:
        raise InvalidInput(f"Onbekend oordeel {value!r}: kies voldoende, onvoldoende of zeer zwak.")
    return value


def naam(value: str, what: str = "naam", maximum: int = 200) -> str:
    value = " ".join(value.split())
    if not value:
        raise InvalidInput(f"Vul een {what} in.")
    if len(value) > maximum:
        raise InvalidInput(f"De {what} is te lang (hoogstens {maximum} tekens).")
    return value


def tekst(value: str | None, what: str, maximum: int = 5000) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > maximum:
        raise InvalidInput(f"De {what} is te lang (hoogstens {maximum} tekens).")
    return value or None
