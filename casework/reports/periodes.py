"""Report periods (week, month, school year Aug-Jul) and Dutch formatting of dates and numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from casework.errors import InvalidInput
from casework.reports.model import Periode

PERIODE_SOORTEN = ("week", "maand", "schooljaar")

MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def schooljaar_start(day: date) -> date:
    """1 August of the school year that `day` falls in."""
    return date(day.year if day.month >= 8 else day.year - 1, 8, 1)


def _volgende(start: date, soort: str) -> date:
    if soort == "week":
        return start - timedelta(days=start.weekday()) + timedelta(days=7)
    if soort == "maand":
        return date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return date(schooljaar_start(start).year + 1, 8, 1)


def _label(start: date, soort: str) -> str:
    if soort == "week":
        year, week, _ = start.isocalendar()
        return f"week {week} {year}"
    if soort == "maand":
        return f"{MAANDEN[start.month - 1]} {start.year}"
    first = schooljaar_start(start).year
    return f"schooljaar {first}-{first + 1}"


def perioden(van: date, tot: date, soort: str) -> list[Periode]:
    """The periods from `van` up to and including `tot`; the first and last are clipped."""
    if soort not in PERIODE_SOORTEN:
        raise InvalidInput(f"Onbekende periode {soort!r}: kies uit {', '.join(PERIODE_SOORTEN)}.")
    if tot < van:
        raise InvalidInput("De einddatum ligt voor de begindatum: kies --tot na --van.")
    result: list[Periode] = []
    start = van
    while start <= tot:
        nxt = _volgende(start, soort)
        result.append(
            Periode(
                nr=len(result),
                label=_label(start, soort),
                start=start,
                eind=min(nxt - timedelta(days=1), tot),
            )
        )
        start = nxt
    if len(result) > 400:
        raise InvalidInput(
            "Dat zijn te veel perioden: kies een kortere looptijd of een grotere periode."
        )
    return result


def datum_kort(day: date) -> str:
    """24-11-2026"""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def datum_lang(day: date) -> str:
    """24 november 2026"""
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"


def getal(value: float | Decimal | int | None, decimalen: int = 1) -> str:
    """A number the Dutch way: decimal comma, a dot between thousands (1.234,5)."""
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-decimalen)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimalen}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def procent(value: float | Decimal | None, decimalen: int = 1) -> str:
    return "–" if value is None else f"{getal(Decimal(str(value)) * 100, decimalen)}%"


def euro(value: Decimal | None) -> str:
    return "–" if value is None else f"€ {getal(value, 2)}"
