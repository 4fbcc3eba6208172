"""The bookkeeping export: one row per approved invoice or credit note, amounts as decimals.

Semicolon-separated (what Dutch spreadsheet and bookkeeping imports expect), UTF-8, amounts with
a decimal point and two decimals, credit notes negative.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from casework.services.factuur_read import FactuurRead

COLUMNS = (
    "factuurnummer",
    "soort",
    "status",
    "factuurdatum",
    "vervaldatum",
    "programma",
    "periode",
    "brin",
    "school",
    "bestuur",
    "bedrag_excl",
    "btw",
    "bedrag_incl",
    "crediteert",
    "betaald_op",
)


def render_csv(facturen: Iterable[FactuurRead]) -> bytes:
    """The CSV bytes of these invoices."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for f in facturen:
        writer.writerow(
            (
                f.nummer,
                f.soort,
                f.status,
                f.factuurdatum.isoformat() if f.factuurdatum else "",
                f.vervaldatum.isoformat() if f.vervaldatum else "",
                f.programma,
                f.periode,
                f.brin,
                f.school,
                f.bestuur,
                f"{f.bedrag_excl:.2f}",
                f"{f.btw:.2f}",
                f"{f.bedrag_incl:.2f}",
                f.credit_voor or "",
                f.betaald_op.isoformat() if f.betaald_op else "",
            )
        )
    return buffer.getvalue().encode("utf-8")
