"""Calendar invitations (RFC 5545) as plain text, built from plain values.

The context of a message may carry an `ics` dict; `uitnodiging_from_context` reads it:
`uid`, `start` and `end` (ISO 8601, aware), `summary`, optional `description`, `location`,
`organizer_email`, `organizer_name`, `attendees` (a list of `{email, naam}`) and `sequence`
(raise it when the same event is moved, so calendars update instead of adding a second one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PRODID = "-//casework//kennismaking//NL"


@dataclass(frozen=True)
class Deelnemer:
    email: str
    naam: str | None = None


@dataclass(frozen=True)
class Uitnodiging:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str | None = None
    location: str | None = None
    organizer: Deelnemer | None = None
    attendees: tuple[Deelnemer, ...] = field(default_factory=tuple)
    sequence: int = 0
    stamp: datetime | None = None


def _escape(value: str) -> str:
    """TEXT escaping of RFC 5545 section 3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value (CN=...): quoted, without the characters a quoted value may not hold."""
    cleaned = "".join(ch for ch in value if ch not in '"\r\n' and ord(ch) >= 32)
    return f'"{cleaned[:200]}"'


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("an invitation needs aware datetimes")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def build_ics(invite: Uitnodiging) -> str:
    """The VCALENDAR text (METHOD:REQUEST) with CRLF line ends, ready to attach."""
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{_escape(invite.uid)}",
        f"SEQUENCE:{int(invite.sequence)}",
        f"DTSTAMP:{_utc(invite.stamp or datetime.now(UTC))}",
        f"DTSTART:{_utc(invite.start)}",
        f"DTEND:{_utc(invite.end)}",
        f"SUMMARY:{_escape(invite.summary)}",
    ]
    if invite.description:
        lines.append(f"DESCRIPTION:{_escape(invite.description)}")
    if invite.location:
        lines.append(f"LOCATION:{_escape(invite.location)}")
    if invite.organizer is not None:
        cn = f";CN={_param(invite.organizer.naam)}" if invite.organizer.naam else ""
        lines.append(f"ORGANIZER{cn}:mailto:{invite.organizer.email}")
    for person in invite.attendees:
        cn = f";CN={_param(person.naam)}" if person.naam else ""
        lines.append(
            f"ATTENDEE{cn};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
            f":mailto:{person.email}"
        )
    lines += ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _when(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("an invitation needs aware datetimes")
    return moment


def uitnodiging_from_context(data: dict[str, Any]) -> Uitnodiging:
    """Read the `ics` dict of a message context (see the module docstring)."""
    organizer = (
        Deelnemer(str(data["organizer_email"]), data.get("organizer_name"))
        if data.get("organizer_email")
        else None
    )
    attendees = tuple(
        Deelnemer(str(item["email"]), item.get("naam"))
        for item in data.get("attendees") or []
        if item.get("email")
    )
    return Uitnodiging(
        uid=str(data["uid"]),
        start=_when(data["start"]),
        end=_when(data["end"]),
        summary=str(data.get("summary") or "Afspraak"),
        description=data.get("description"),
        location=data.get("location"),
        organizer=organizer,
        attendees=attendees,
        sequence=int(data.get("sequence") or 0),
    )
