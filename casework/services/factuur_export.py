"""Exports of invoices: the bookkeeping CSV, UBL e-invoices, the PDF of one invoice."""

from __future__ import annotations

from sqlalchemy import select

from casework.db import Database
from casework.db.finance import Factuur
from casework.errors import InvalidInput
from casework.services.facturen import parse_periode, show
from casework.services.factuur_read import detail, read_many


def export(db: Database, *, periode: str, formaat: str) -> list[tuple[str, bytes]]:
    """The approved invoices of a period as files: one CSV, or one UBL XML per invoice."""
    from casework.invoicing.csv_export import render_csv
    from casework.invoicing.ubl import render_ubl

    parse_periode(periode)
    formaat = formaat.strip().lower()
    if formaat not in ("csv", "ubl"):
        raise InvalidInput(f"Formaat {formaat!r} bestaat niet: kies csv of ubl.")
    with db.read() as session:
        rows = list(
            session.scalars(
                select(Factuur)
                .where(Factuur.periode == periode, Factuur.nummer.is_not(None))
                .order_by(Factuur.nummer)
            )
        )
        if formaat == "csv":
            return [(f"facturen-{periode}.csv", render_csv(read_many(session, rows)))]
        return [(f"{row.nummer}.xml", render_ubl(detail(session, row))) for row in rows]


def pdf(db: Database, *, factuur: str) -> tuple[str, bytes]:
    """The PDF of one invoice (a concept is marked as such)."""
    from casework.invoicing.pdf import render_pdf

    info = show(db, factuur=factuur)
    return f"{info.nummer or f'concept-{info.id}'}.pdf", render_pdf(info)
