"""The finance page: finance sees the invoices and opens a PDF; an adviseur is refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from fastapi import FastAPI
from sqlalchemy import select

from casework.db import Database
from casework.db.models import OutboxMessage
from casework.services import dagdelen, facturen
from tests.fixtures_finance import FinanceData
from tests.fixtures_web import WebWereld, csrf_of, logged_in


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


def test_finance_works_an_invoice_through_the_pages(
    db: Database, finance: FinanceData, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    """Run, approve, send, paid, credit and export from the browser; management only reads."""
    traject = finance.traject("lv")
    for day in (2, 3):
        dagdelen.add(
            db, traject_id=traject, datum=date(2026, 11, day), activiteit="scan", actor="x"
        )
    client = logged_in(web_app, web_wereld.emails["finance"])

    def post(url: str, **fields: str) -> str:
        token = csrf_of(client.get("/facturen").text)
        answer = client.post(url, data={"csrf_token": token, **fields})
        assert answer.status_code == 303, answer.text
        return client.get(answer.headers["location"]).text

    shown = post("/facturen/run", run_periode="2026-11")
    assert "Factuurrun 2026-11: 1 conceptfacturen" in shown
    [concept] = facturen.list_facturen(db)
    assert concept.status == "concept" and str(concept.bedrag_excl) == "571.50"

    shown = post("/facturen/stap", factuur=str(concept.id), actie="goedkeuren")
    [approved] = facturen.list_facturen(db)
    assert approved.status == "goedgekeurd" and approved.nummer == "LV-2026-0001"
    assert "LV-2026-0001 is goedgekeurd" in shown
    post("/facturen/stap", factuur="LV-2026-0001", actie="versturen")
    with db.read() as session:
        mails = session.scalars(
            select(OutboxMessage.template).where(OutboxMessage.to_address.like("administratie%"))
        ).all()
    assert mails == ["generiek"]
    post("/facturen/stap", factuur="LV-2026-0001", actie="betaald")
    refused = post("/facturen/stap", factuur="LV-2026-0001", actie="crediteren", reden="")
    assert "reden" in refused  # a credit note needs a reason: refused, nothing made
    assert len(facturen.list_facturen(db)) == 1
    post("/facturen/stap", factuur="LV-2026-0001", actie="crediteren", reden="Dubbel geboekt")
    statuses = {f.nummer: f.status for f in facturen.list_facturen(db)}
    assert statuses["LV-2026-0001"] == "gecrediteerd" and "LV-2026-0002" in statuses

    csv = client.get("/facturen/export?periode=2026-11&formaat=csv")
    assert csv.status_code == 200 and b"LV-2026-0001" in csv.content
    ubl = client.get("/facturen/export?periode=2026-11&formaat=ubl")
    assert ubl.status_code == 200 and ubl.content.startswith(b"PK")
    with zipfile.ZipFile(io.BytesIO(ubl.content)) as archive:
        assert "LV-2026-0001.xml" in archive.namelist()

    manager = logged_in(web_app, web_wereld.emails["management"])
    page = manager.get("/facturen").text
    assert "LV-2026-0001" in page and 'action="/facturen/stap"' not in page
    token = csrf_of(page)
    forbidden = manager.post(
        "/facturen/stap", data={"csrf_token": token, "factuur": "LV-2026-0002", "actie": "betaald"}
    )
    assert forbidden.status_code == 403
