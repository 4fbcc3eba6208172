"""The management report page: charts for the reading roles, its own strict CSP, a download."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from casework.db import Database
from tests.fixtures_web import WebWereld, logged_in

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@sqlite_only
def test_report_page_for_management(db: Database, web_wereld: WebWereld, web_app: FastAPI) -> None:
    client = logged_in(web_app, web_wereld.emails["management"])
    answer = client.get("/rapportage?van=2026-01-01&tot=2026-12-31&periode=maand")
    assert answer.status_code == 200
    html = answer.text
    assert "<svg" in html and "Doorstroomrapport" in html and 'action="/rapportage"' in html
    assert "1 januari 2026 tot en met 31 december 2026" in html
    csp = answer.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    download = client.get("/rapportage?van=2026-01-01&tot=2026-12-31&download=1")
    assert download.headers["content-disposition"].endswith('doorstroomrapport-2026-12-31.html"')
    refused = client.get("/rapportage?van=morgen")
    assert refused.status_code == 422 and "geen datum" in refused.text


@sqlite_only
def test_report_page_refuses_adviseur(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    client = logged_in(web_app, web_wereld.emails["adviseur"])
    assert client.get("/rapportage").status_code == 403
