"""The medewerker's matching journey in Debian's Chromium (JavaScript off): make a round,
read why, confirm; the adviseur then accepts through the signed link of the email."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from casework.db import Database
from casework.db.models import OutboxMessage
from casework.services import adviseurs, trajecten
from tests.e2e.test_web_journeys import login
from tests.fixtures_trajecten import ACTOR, lv_traject
from tests.fixtures_web import WebWereld, screenshot


def test_matching_page_journey(db: Database, web_wereld: WebWereld, pagina: Any) -> None:
    adviseurs.add_adviseur(
        db, naam="Eva de Vries", email="eva@adviseurs.nl", sectoren="po",
        expertise="kwaliteitszorg", regio="noord", capaciteit=8, max_trajecten=4,
    )  # fmt: skip
    t = lv_traject(db, web_wereld.org, contact_email="piet@regenboog.nl")
    trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR)
    trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, themas="kwaliteitszorg")
    trajecten.advance(db, traject_id=t.id, fase="matching", actor=ACTOR)

    page = pagina
    login(page, web_wereld.emails["medewerker"])
    page.get_by_role("navigation").get_by_role("link", name="Matching", exact=True).click()
    page.get_by_role("button", name="Nieuwe voorstellen maken").click()
    row = page.locator(f"#voorstel-{t.id}")
    assert "Eva de Vries: score" in row.inner_text()
    screenshot(page, "matching-voorstellen")
    row.get_by_role("button", name="Bevestigen").click()
    assert "Eva de Vries is voorgesteld" in page.locator(".melding").first.inner_text()

    with db.read() as session:
        context = session.scalar(
            sa.select(OutboxMessage.context).where(
                OutboxMessage.template == "toewijzing", OutboxMessage.traject_id == t.id
            )
        )
    assert context is not None
    link = context["accept_link"]
    # the link in the email, opened by the adviseur (no login needed)
    page.goto(link[link.index("/toewijzing/") :])
    page.get_by_role("button", name="Accepteren").click()
    assert trajecten.show(db, traject_id=t.id).adviseur_geaccepteerd
