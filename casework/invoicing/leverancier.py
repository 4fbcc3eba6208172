"""Our own details as supplier on every invoice, from `CASEWORK_LEVERANCIER_*` settings.

The defaults are EXAMPLES (a fictitious firm, KvK and btw-id in the right format, a test IBAN)
so a fresh install can show an invoice; production sets every one of them.
"""

from __future__ import annotations

from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

VOORBEELD = "VOORBEELD"


class Leverancier(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CASEWORK_LEVERANCIER_", env_file=".env", extra="ignore"
    )

    # VOORBEELD (example) values: replace them through the environment in production
    naam: str = "Voorbeeld Onderwijsadvies B.V. (VOORBEELD)"
    straat: str = "Voorbeeldstraat 1"
    postcode: str = "3511 AA"
    plaats: str = "Utrecht"
    land: str = "NL"
    kvk: str = "12345678"
    btw_id: str = "NL123456789B01"
    iban: str = "NL91ABNA0417164300"
    bic: str | None = "ABNANL2A"
    email: str = "facturen@voorbeeld-onderwijsadvies.nl"
    telefoon: str | None = None
    #: days between invoice date and due date
    betaaltermijn_dagen: int = 30

    @property
    def is_voorbeeld(self) -> bool:
        """True while the example defaults are still in use (shown on the PDF)."""
        return VOORBEELD in self.naam

    def snapshot(self) -> dict[str, Any]:
        """The details as frozen on an approved invoice."""
        return self.model_dump(mode="json")


def leverancier() -> Leverancier:
    return Leverancier()
