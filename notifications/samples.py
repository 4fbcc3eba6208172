"""Example contexts for every template: `casework mail preview` without a traject uses them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

BASIS: dict[str, Any] = {
    "traject_id": 42,
    "referentie": "LV-2026-00042",
    "programma": "lv",
    "programma_naam": "Leren verbeteren",
    "organisatie": "Basisschool De Regenboog",
    "brin": "12AB",
    "bestuur": "Stichting Voorbeeld",
    "bestuursnummer": "41234",
    "sector": "po",
    "hulpvraag": "Hulp bij het opzetten van een werkend systeem van kwaliteitszorg.",
    "risico": None,
    "fase": "matching",
    "fase_label": "Matching",
    "contact_naam": "Jan de Vries",
    "contact_email": "jan@regenboog.example",
    "contact_telefoon": "030 123 45 67",
    "adviseur_naam": "Anne Jansen",
    "adviseur_email": "anne@adviseurs.example",
    "link": "http://127.0.0.1:8000/trajecten/42",
    "oordelen": ["onvoldoende"],
}


def sample_context(template: str) -> dict[str, Any]:
    """A realistic context for the named template (the recipient's name included)."""
    context = dict(BASIS)
    start = (datetime.now(UTC) + timedelta(days=14)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    extra: dict[str, dict[str, Any]] = {
        "aanmelding_ontvangen": {"ontvanger_naam": "Jan de Vries", "fase": "aanmelding"},
        "toewijzing": {
            "ontvanger_naam": "Anne Jansen",
            "accept_link": "http://127.0.0.1:8000/toewijzing/42/aannemen",
            "decline_link": "http://127.0.0.1:8000/toewijzing/42/afwijzen",
        },
        "adviseur_gekoppeld": {"ontvanger_naam": "Jan de Vries"},
        "herinnering": {
            # reminders go to the programme office's shared address: "Beste collega"
            "ontvanger_naam": None,
            "werkdagen_in_fase": 17,
            "norm_werkdagen": 15,
        },
        "kennismaking": {
            "ontvanger_naam": "Anne Jansen",
            "kennismaking_op": start.isoformat(),
            "kennismaking_locatie": "Basisschool De Regenboog, Utrecht",
            "ics": {
                "uid": "kennismaking-42@casework.local",
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
                "summary": "Kennismaking LV-2026-00042 Basisschool De Regenboog",
                "location": "Basisschool De Regenboog, Utrecht",
                "organizer_email": "noreply@casework.local",
                "organizer_name": "Programmabureau",
                "attendees": [
                    {"email": "anne@adviseurs.example", "naam": "Anne Jansen"},
                    {"email": "jan@regenboog.example", "naam": "Jan de Vries"},
                ],
            },
        },
        "generiek": {
            "ontvanger_naam": "Jan de Vries",
            "onderwerp": "Factuur 2026-0007",
            "tekst": "In de bijlage vindt u de factuur voor de dagdelen van oktober.\n\n"
            "Graag binnen 30 dagen betalen.",
            "attachments": [
                {
                    "filename": "factuur-2026-0007.txt",
                    "content_type": "text/plain",
                    "content_base64": base64.b64encode(b"Factuur 2026-0007").decode(),
                }
            ],
        },
    }
    context.update(extra.get(template, {}))
    return context
