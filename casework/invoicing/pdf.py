"""The invoice as PDF, with every field the Belastingdienst requires on a Dutch invoice.

Names and addresses of both parties, our btw-id and KvK number, the invoice date, the unique
sequential number, the nature and extent of the service (one line per dagdeel), the delivery
dates, the amount excl. btw, the btw rate and amount, and the total. fpdf2 (pure Python, no
system libraries) draws it with the built-in Helvetica font.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fpdf import FPDF

from casework.services.factuur_read import FactuurDetail


def _t(value: Any) -> str:
    """Text the core font can draw (latin-1); the euro sign is written as EUR."""
    text = "" if value is None else str(value)
    return text.replace("€", "EUR").encode("latin-1", "replace").decode("latin-1")


def money(value: Decimal) -> str:
    """Dutch notation: EUR 2.286,00."""
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):,.2f}".partition(".")
    return f"{sign}EUR {whole.replace(',', '.')},{frac}"


def _party(pdf: FPDF, title: str, party: dict[str, Any], x: float, y: float) -> None:
    pdf.set_xy(x, y)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(85, 5, _t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    lines = [
        party.get("naam"),
        party.get("straat"),
        f"{party.get('postcode') or ''} {party.get('plaats') or ''}".strip(),
        party.get("land"),
    ]
    if party.get("kvk"):
        lines.append(f"KvK: {party['kvk']}")
    if party.get("btw_id"):
        lines.append(f"Btw-id: {party['btw_id']}")
    if party.get("oin"):
        lines.append(f"OIN: {party['oin']}")
    if party.get("iban"):
        lines.append(f"IBAN: {party['iban']}")
    if party.get("email"):
        lines.append(str(party["email"]))
    for line in lines:
        if line:
            pdf.set_x(x)
            pdf.cell(85, 4.5, _t(line), new_x="LMARGIN", new_y="NEXT")


def render_pdf(factuur: FactuurDetail) -> bytes:
    """The PDF bytes of an invoice or credit note (a concept is marked as such)."""
    pdf = FPDF(format="A4")
    pdf.set_title(_t(f"{factuur.soort} {factuur.nummer or 'concept'}"))
    pdf.set_author(_t(factuur.leverancier.get("naam")))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    title = "Creditnota" if factuur.soort == "creditnota" else "Factuur"
    if factuur.nummer is None:
        title += " (CONCEPT, nog niet goedgekeurd)"
    pdf.cell(0, 10, _t(title), new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    _party(pdf, "Leverancier", factuur.leverancier, 10, top)
    _party(pdf, "Klant", factuur.klant, 110, top)
    pdf.set_y(max(pdf.get_y(), top + 45))
    pdf.set_font("Helvetica", "", 9)
    meta = [
        ("Factuurnummer", factuur.nummer or "(volgt bij goedkeuring)"),
        ("Factuurdatum", f"{factuur.factuurdatum:%d-%m-%Y}" if factuur.factuurdatum else "-"),
        ("Vervaldatum", f"{factuur.vervaldatum:%d-%m-%Y}" if factuur.vervaldatum else "-"),
        ("Periode", factuur.periode),
        ("Programma", factuur.programma_naam),
        ("School", f"{factuur.school} ({factuur.brin})"),
    ]
    if factuur.klant.get("referentie"):
        meta.append(("Uw referentie", factuur.klant["referentie"]))
    if factuur.credit_voor:
        meta.append(("Crediteert factuur", factuur.credit_voor))
    if factuur.reden:
        meta.append(("Reden", factuur.reden))
    for label, value in meta:
        pdf.cell(40, 5, _t(label + ":"))
        pdf.cell(0, 5, _t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 9)
    widths = (22, 98, 22, 22, 26)
    for width, head in zip(
        widths, ("Datum", "Omschrijving", "Aantal", "Prijs", "Bedrag"), strict=True
    ):
        pdf.cell(
            width, 6, head, border="B", align="R" if head not in ("Datum", "Omschrijving") else "L"
        )
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for regel in factuur.regel_lijst:
        pdf.cell(widths[0], 5, f"{regel.datum:%d-%m-%Y}")
        pdf.cell(widths[1], 5, _t(regel.omschrijving[:70]))
        pdf.cell(widths[2], 5, f"{regel.aantal:.0f} dagdeel", align="R")
        pdf.cell(widths[3], 5, money(regel.prijs), align="R")
        pdf.cell(widths[4], 5, money(regel.bedrag), align="R", new_x="LMARGIN", new_y="NEXT")
    if factuur.regel_lijst:
        first = factuur.regel_lijst[0]
        pdf.set_font("Helvetica", "I", 8)
        pdf.multi_cell(
            0,
            4.5,
            _t(
                f"Adviesdiensten: dagdelen van een halve dag. Volledig tarief "
                f"{money(first.tarief)} per dagdeel; uw aandeel {first.aandeel * 100:.0f}%."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 9)
    rows = [("Totaal exclusief btw", money(factuur.bedrag_excl))]
    for groep in factuur.btw_groepen:
        rows.append(
            (
                f"Btw {groep.percentage.normalize():f}% over {money(groep.grondslag)}",
                money(groep.btw),
            )
        )
    rows.append(("Totaal inclusief btw", money(factuur.bedrag_incl)))
    for i, (label, value) in enumerate(rows):
        if i == len(rows) - 1:
            pdf.set_font("Helvetica", "B", 10)
        pdf.cell(150, 6, _t(label), align="R")
        pdf.cell(40, 6, _t(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 8)
    lev = factuur.leverancier
    if factuur.soort == "factuur" and factuur.vervaldatum:
        pdf.multi_cell(
            0,
            4.5,
            _t(
                f"Gelieve het totaalbedrag uiterlijk {factuur.vervaldatum:%d-%m-%Y} over te maken "
                f"op {lev.get('iban')} t.n.v. {lev.get('naam')}, onder vermelding van "
                f"{factuur.nummer}."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if "VOORBEELD" in str(lev.get("naam")):
        pdf.set_text_color(180, 0, 0)
        pdf.multi_cell(
            0,
            4.5,
            "Let op: leveranciersgegevens zijn VOORBEELDEN (stel CASEWORK_LEVERANCIER_* in).",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())
