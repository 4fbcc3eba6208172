"""The finance page: finance sees the invoices and opens a PDF; an adviseur is refused."""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI

from casework.db import Database
from casework.services import dagdelen, facturen
from tests.fixtures_finance import FinanceData
from tests.fixtures_web import WebWereld, logged_in


def test_finance_lists_invoices_and_opens_the_pdf(
    db: Database, finance: FinanceData, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    traject = finance.traject("lv")
    dagdelen.add(db, traject_id=traject, datum=date(2026, 11, 2), activiteit="scan", actor="x")
    facturen.run(db, periode="2026-11", actor="x")
    [concept] = facturen.list_facturen(db)
    nummer = facturen.approve(db, factuur=str(concept.id), actor="x").nummer

    client = logged_in(web_app, web_wereld.emails["finance"])
    page = client.get("/facturen?status=goedgekeurd")
    assert page.status_code == 200
    assert nummer in page.text and "345.76" in page.text  # 285.75 + btw 60.01
    assert nummer not in client.get("/facturen?status=betaald").text
    pdf = client.get(f"/facturen/pdf?factuur={nummer}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"

    adviseur = logged_in(web_app, web_wereld.emails["adviseur"])
    assert adviseur.get("/facturen").status_code == 403
