"""The matching page for medewerkers: a new round, proposals explained, confirm buttons."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi import FastAPI

from casework.db import Database
from casework.db.models import OutboxMessage
from casework.services import adviseurs, matching, trajecten
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject
from tests.fixtures_web import WebWereld, csrf_of, logged_in


def _waiting(db: Database, org: Organisaties) -> int:
    t = lv_traject(db, org, contact_email="piet@regenboog.nl")
    trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR)
    trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, themas="kwaliteitszorg")
    trajecten.advance(db, traject_id=t.id, fase="matching", actor=ACTOR)
    return t.id


def test_medewerker_makes_a_round_and_confirms_an_alternative(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    adviseurs.add_adviseur(
        db, naam="Eva de Vries", email="eva@adviseurs.nl", sectoren="po",
        expertise="kwaliteitszorg", regio="noord", capaciteit=8, max_trajecten=4,
    )  # fmt: skip
    bob = adviseurs.add_adviseur(
        db, naam="Bob Bakker", email="bob@adviseurs.nl", sectoren="po", capaciteit=8,
        max_trajecten=4,
    )  # fmt: skip
    traject_id = _waiting(db, web_wereld.org)
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    empty = client.get("/matching")
    assert empty.status_code == 200 and 'id="geen-voorstellen"' in empty.text
    assert 'href="/matching"' in empty.text  # in the menu

    made = client.post("/matching/ronde", data={"csrf_token": csrf_of(empty.text)})
    assert made.status_code == 303
    shown = client.get("/matching")
    assert "1 van 1 wachtende trajecten hebben een voorstel" in shown.text
    row = re.search(rf'<tr id="voorstel-{traject_id}">(.*?)</tr>', shown.text, re.S)
    assert row is not None
    assert "Eva de Vries: score" in row.group(1) and "Alternatieven: Bob Bakker" in row.group(1)
    assert f'<option value="{bob.id}">Bob Bakker' in row.group(1)

    confirmed = client.post(
        f"/matching/{traject_id}/bevestigen",
        data={"csrf_token": csrf_of(shown.text), "adviseur": str(bob.id)},
    )
    assert confirmed.status_code == 303
    after = client.get("/matching")
    assert "Bob Bakker is voorgesteld voor" in after.text
    assert f'id="voorstel-{traject_id}"' not in after.text  # no longer open
    t = trajecten.show(db, traject_id=traject_id)
    assert t.adviseur == "bob@adviseurs.nl" and not t.adviseur_geaccepteerd
    with db.read() as session:
        notices = session.scalars(
            sa.select(OutboxMessage.to_address).where(
                OutboxMessage.template == "toewijzing", OutboxMessage.traject_id == traject_id
            )
        ).all()
    assert notices == ["bob@adviseurs.nl"]
    # confirming again is refused with the reason, shown on the page
    again = client.post(
        f"/matching/{traject_id}/bevestigen",
        data={"csrf_token": csrf_of(after.text), "adviseur": str(bob.id)},
    )
    assert again.status_code == 303
    assert "is al de adviseur van dit traject" in client.get("/matching").text
    assert matching.list_voorstellen(db) == []


def test_readers_cannot_confirm(db: Database, web_wereld: WebWereld, web_app: FastAPI) -> None:
    client = logged_in(web_app, web_wereld.emails["finance"])
    assert client.get("/matching").status_code == 403
    assert 'href="/matching"' not in client.get("/programma").text


def test_koppel_on_the_traject_page_proposes_and_waits_for_acceptance(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    """The traject page's koppel goes the matching way: hard rules, notice, acceptance."""
    eva = adviseurs.add_adviseur(
        db, naam="Eva de Vries", email="eva@adviseurs.nl", sectoren="po", capaciteit=8,
        max_trajecten=4,
    )  # fmt: skip
    traject_id = _waiting(db, web_wereld.org)
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    page = client.get(f"/traject/{traject_id}")
    answer = client.post(
        f"/traject/{traject_id}/adviseur",
        data={"csrf_token": csrf_of(page.text), "adviseur": str(eva.id)},
    )
    assert answer.status_code == 303
    t = trajecten.show(db, traject_id=traject_id)
    assert t.adviseur == "eva@adviseurs.nl" and not t.adviseur_geaccepteerd
    assert "moet die nog accepteren" in client.get(f"/traject/{traject_id}").text
    with db.read() as session:
        notices = session.scalars(
            sa.select(OutboxMessage.to_address).where(
                OutboxMessage.traject_id == traject_id, OutboxMessage.template == "toewijzing"
            )
        ).all()
    assert notices == ["eva@adviseurs.nl"]
    # kennismaking waits for the adviseur's acceptance
    steps = {s.fase: s for s in trajecten.steps(db, traject_id=traject_id)}
    assert not steps["kennismaking"].toegestaan
    matching.accept(db, traject_id=traject_id, actor="eva@adviseurs.nl")
    steps = {s.fase: s for s in trajecten.steps(db, traject_id=traject_id)}
    assert steps["kennismaking"].toegestaan
