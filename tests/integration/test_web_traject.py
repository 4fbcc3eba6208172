"""The traject page's intake facts and kennismaking: the same services as the CLI, refusals
shown in Dutch with nothing written, and only medewerkers (and the beheerder) may use them."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select

from casework.db import Database
from casework.db.models import OutboxMessage, TrajectEvent
from casework.services import trajecten
from tests.fixtures_trajecten import ACTOR, lv_traject
from tests.fixtures_web import WebWereld, csrf_of, logged_in


def _events(db: Database, traject_id: int) -> int:
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count(TrajectEvent.id)).where(TrajectEvent.traject_id == traject_id)
            )
            or 0
        )


def test_intake_facts_from_the_page_unblock_matching(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    traject = lv_traject(db, web_wereld.org, oordeel="voldoende", hulpvraag=None)
    trajecten.advance(db, traject_id=traject.id, fase="intake", actor=ACTOR)
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    page = client.get(f"/traject/{traject.id}").text
    assert 'id="intake-vraag"' in page
    blocked = {s.fase: s for s in trajecten.steps(db, traject_id=traject.id)}["matching"]
    assert not blocked.toegestaan

    before = _events(db, traject.id)
    bad = client.post(
        f"/traject/{traject.id}/gegevens",
        data={"csrf_token": csrf_of(page), "oordeel": "<script>goed</script>", "version": "2"},
    )
    assert bad.status_code == 303
    shown = client.get(f"/traject/{traject.id}").text
    assert "Onbekend oordeel" in shown and "<script>goed" not in shown
    assert _events(db, traject.id) == before  # refused: nothing written

    done = client.post(
        f"/traject/{traject.id}/gegevens",
        data={
            "csrf_token": csrf_of(shown),
            "hulpvraag": "Hulp bij het verbeteren van de resultaten",
            "risico": "Teruglopende resultaten in groep 8",
            "themas": "kwaliteitszorg",
            "version": "2",
        },
    )
    assert done.status_code == 303
    after = trajecten.show(db, traject_id=traject.id)
    assert after.hulpvraag == "Hulp bij het verbeteren van de resultaten"
    assert after.risico == "Teruglopende resultaten in groep 8"
    assert {s.fase: s for s in trajecten.steps(db, traject_id=traject.id)}["matching"].toegestaan

    finance = logged_in(web_app, web_wereld.emails["finance"])
    token = csrf_of(finance.get(f"/traject/{traject.id}").text)
    assert (
        finance.post(
            f"/traject/{traject.id}/gegevens", data={"csrf_token": token, "hulpvraag": "x"}
        ).status_code
        == 403
    )


def test_kennismaking_planned_from_the_page_invites_both(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    traject_id = web_wereld.traject_id  # has an adviseur
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    page = client.get(f"/traject/{traject_id}").text
    assert 'id="kennismaking-op"' in page
    refused = client.post(
        f"/traject/{traject_id}/kennismaking", data={"csrf_token": csrf_of(page), "op": "morgen"}
    )
    assert refused.status_code == 303
    assert "Vul een datum en tijd in" in client.get(f"/traject/{traject_id}").text
    with db.read() as session:
        invitations = select(func.count(OutboxMessage.id)).where(
            OutboxMessage.traject_id == traject_id, OutboxMessage.template == "kennismaking"
        )
        assert session.scalar(invitations) == 0
    planned = client.post(
        f"/traject/{traject_id}/kennismaking",
        data={"csrf_token": csrf_of(page), "op": "2030-03-04T10:00", "locatie": "Op school"},
    )
    assert planned.status_code == 303
    assert "kennismaking is gepland" in client.get(f"/traject/{traject_id}").text
    with db.read() as session:
        assert session.scalar(invitations) == 2
