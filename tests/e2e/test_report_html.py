"""The HTML report renders in Chromium with its charts, and fetches nothing while doing so."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from casework.db import Database
from casework.reports import doorstroom
from casework.reports.html import als_html

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_report_renders_with_its_charts(
    rapport_geschiedenis: Database, tmp_path: Path, browser: Any
) -> None:
    # the session's one Chromium (tests/fixtures_web.py): a second sync Playwright in the same
    # process would refuse to start inside the first one's event loop
    rapport = doorstroom(
        rapport_geschiedenis, van=date(2026, 9, 1), tot=date(2026, 10, 31), periode="maand"
    )
    page_file = tmp_path / "rapport.html"
    page_file.write_text(als_html(rapport), encoding="utf-8")
    backend = "sqlite" if rapport_geschiedenis.is_sqlite else "postgres"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-{backend}.png"
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_file.as_uri())
        # the charts: a cumulative flow diagram per programme with one area per phase,
        # lead-time histograms, the aging list with its bars
        assert page.locator("#programma-lv .cfd svg polygon.reeks").count() == 8
        assert page.locator("#programma-lv .verdelingen svg").count() == 8
        assert page.locator("#programma-lv .stroom svg rect.staaf").count() == 4
        assert page.locator("#veroudering .aging svg rect.staaf").count() == 3
        assert page.locator("#benutting .benutting svg rect.staaf").count() == 2
        assert page.locator("#budget .budget svg rect.staaf").count() == 4
        box = page.locator("#programma-lv .cfd svg").bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 200
        text = page.inner_text("body")
        assert "1 september 2026 tot en met 31 oktober 2026" in text
        assert "75,0%" in text  # afgewezen or gestopt, with a decimal comma
        assert "Langste Intake" in text
        assert "€ 5.715,00" in text and "50,0%" in text
        page.screenshot(path=str(shot), full_page=True)
    finally:
        context.close()
    # self-contained: the only request is the page itself
    assert requests == [page_file.as_uri()]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 1200 and height > 1500
    assert len(data) > 50_000
