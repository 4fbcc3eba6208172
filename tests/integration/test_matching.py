"""Matching against real databases (SQLite and PostgreSQL): proposals, confirm, accept, decline,
re-match, continuity, signed links, and the CLI."""

from __future__ import annotations

import json
import time
from collections import Counter
from types import SimpleNamespace
from typing import Any

import itsdangerous
import pytest
import sqlalchemy as sa

from casework.db import Database
from casework.db.matching import AdviseurToewijzing, MatchUitsluiting
from casework.db.models import OutboxMessage, Traject
from casework.errors import InvalidInput, StepNotAllowed
from casework.services import adviseurs, links, matching, trajecten, verify
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject


def waiting(db: Database, org: Organisaties, school: str, **changes: Any) -> int:
    """A traject of `school` in the matching phase, with themes recorded at intake."""
    t = lv_traject(db, org, school=school, **changes)
    trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR)
    trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, themas="kwaliteitszorg,bestuur")
    trajecten.advance(db, traject_id=t.id, fase="matching", actor=ACTOR)
    return t.id


def outbox(db: Database, template: str) -> list[SimpleNamespace]:
    with db.read() as session:
        rows = session.execute(
            sa.select(
                OutboxMessage.template,
                OutboxMessage.to_address,
                OutboxMessage.context,
                OutboxMessage.traject_id,
            )
            .where(OutboxMessage.template == template)
            .order_by(OutboxMessage.id)
        ).mappings()
        return [SimpleNamespace(**row) for row in rows]


def proposal_for(run: matching.RunRead, traject_id: int) -> matching.VoorstelRead:
    [found] = [v for v in run.voorstellen if v.traject_id == traject_id]
    return found


@pytest.fixture
def team(db: Database, organisaties: Organisaties) -> SimpleNamespace:
    """Two po adviseurs: Eva in the north with the right expertise, Bob without."""
    eva = adviseurs.add_adviseur(
        db,
        naam="Eva de Vries",
        email="eva@adviseurs.nl",
        sectoren="po,so",
        expertise="kwaliteitszorg,bestuur",
        regio="noord",
        capaciteit=12,
        max_trajecten=4,
    )
    bob = adviseurs.add_adviseur(
        db,
        naam="Bob Bakker",
        email="bob@adviseurs.nl",
        sectoren="po,vo",
        expertise="onderwijsproces",
        regio="zuid",
        capaciteit=8,
        max_trajecten=3,
    )
    return SimpleNamespace(eva=eva, bob=bob)


def test_decline_and_rematch(db: Database, organisaties: Organisaties, team: Any) -> None:
    traject_id = waiting(db, organisaties, organisaties.school_po)
    run = matching.run(db)
    first = proposal_for(run, traject_id)
    assert first.adviseur_email == "eva@adviseurs.nl"
    assert first.themas == ["bestuur", "kwaliteitszorg"]
    assert [a["naam"] for a in first.alternatieven] == ["Bob Bakker"]
    assert first.onderdelen["expertise"] == 40.0

    confirmed = matching.confirm(db, traject_id=traject_id, actor=ACTOR)
    assert confirmed.adviseur == "eva@adviseurs.nl" and not confirmed.adviseur_geaccepteerd
    # the adviseur's notice carries signed links that name this traject and this adviseur
    [notice] = outbox(db, "toewijzing")
    assert notice.to_address == "eva@adviseurs.nl"
    token = notice.context["accept_link"].split("/toewijzing/")[1].split("?")[0]
    assert links.read_assignment_token(token) == (traject_id, team.eva.id)
    # not accepted yet: no kennismaking
    with pytest.raises(StepNotAllowed, match="nog niet geaccepteerd"):
        trajecten.advance(db, traject_id=traject_id, fase="kennismaking", actor=ACTOR)

    declined = matching.decline(
        db, traject_id=traject_id, reden="Geen ruimte deze maand", actor="eva@adviseurs.nl"
    )
    assert declined.adviseur is None and declined.fase == "matching"
    [mail] = outbox(db, "generiek")
    assert mail.to_address == "programmabureau@casework.local"
    assert "Geen ruimte deze maand" in mail.context["tekst"]
    assert "Eva de Vries" in mail.context["onderwerp"]

    again = proposal_for(matching.run(db), traject_id)
    assert again.adviseur_email == "bob@adviseurs.nl"
    assert again.alternatieven == []
    matching.confirm(db, traject_id=traject_id, actor=ACTOR)
    # Eva, excluded now, cannot be chosen by hand either
    with pytest.raises(StepNotAllowed, match="eerder afgewezen"):
        matching.confirm(db, traject_id=traject_id, actor=ACTOR, adviseur="eva@adviseurs.nl")
    accepted = matching.accept(db, traject_id=traject_id, actor="bob@adviseurs.nl")
    assert accepted.adviseur_geaccepteerd
    assert [m.to_address for m in outbox(db, "adviseur_gekoppeld")] == ["jan@regenboog.nl"]
    moved = trajecten.advance(db, traject_id=traject_id, fase="kennismaking", actor=ACTOR)
    assert moved.fase == "kennismaking"

    history = matching.toewijzingen(db, traject_id=traject_id)
    assert [(h.adviseur, h.status) for h in history] == [
        ("eva@adviseurs.nl", "afgewezen"),
        ("bob@adviseurs.nl", "geaccepteerd"),
    ]
    assert history[0].tot is not None and history[1].tot is None
    assert history[1].geaccepteerd_op is not None
    with db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(MatchUitsluiting)) == 1
    triggers = [e.trigger for e in trajecten.history(db, traject_id=traject_id)]
    assert triggers.count("adviseur_gekoppeld") == 2
    assert "adviseur_afgewezen" in triggers and "adviseur_geaccepteerd" in triggers
    assert verify.verify(db).ok


def test_continuity_second_school_goes_to_the_adviseur_of_the_first(
    db: Database, organisaties: Organisaties, team: Any
) -> None:
    # the medewerker chose Bob for the first school of bestuur 41234 (he is not the best fit)
    first = waiting(db, organisaties, organisaties.school_po)
    matching.confirm(db, traject_id=first, actor=ACTOR, adviseur="bob@adviseurs.nl")
    matching.accept(db, traject_id=first, actor="bob@adviseurs.nl")
    # the second school of the same bestuur: continuity outweighs Eva's region
    second = waiting(
        db,
        organisaties,
        organisaties.school_vo,
        contact_email="piet@lyceum.nl",
        oordeel="zeer zwak",
    )
    adviseurs.edit_adviseur(db, adviseur="eva@adviseurs.nl", sectoren="po,vo")
    adviseurs.edit_adviseur(db, adviseur="bob@adviseurs.nl", expertise="kwaliteitszorg,bestuur")
    proposal = proposal_for(matching.run(db), second)
    assert proposal.adviseur_email == "bob@adviseurs.nl"
    assert proposal.onderdelen["continuiteit"] == 30.0
    assert [a["naam"] for a in proposal.alternatieven] == ["Eva de Vries"]
    # ...but only when admissible: with a conflict for that school Bob is out
    adviseurs.add_conflict(db, adviseur="bob@adviseurs.nl", school=organisaties.school_vo)
    assert proposal_for(matching.run(db), second).adviseur_email == "eva@adviseurs.nl"


def test_confirming_every_proposal_overfills_nobody(
    db: Database, organisaties: Organisaties, team: Any
) -> None:
    ids = [waiting(db, organisaties, organisaties.school_po) for _ in range(9)]
    run = matching.run(db)
    # Eva has room for 4 (her maximum), Bob for 3 (maximum 3; 8 dagdelen would allow 4)
    assert run.toegewezen == 7 and run.wachtend == 9
    for v in run.voorstellen:
        if v.adviseur_id is not None:
            matching.confirm(db, traject_id=v.traject_id, actor=ACTOR)
    counts = Counter(
        a.email for a in adviseurs.list_adviseurs(db) for _ in range(a.actieve_trajecten)
    )
    assert counts == {"eva@adviseurs.nl": 4, "bob@adviseurs.nl": 3}
    rest = matching.run(db)
    assert {v.traject_id for v in rest.voorstellen} <= set(ids)
    assert rest.toegewezen == 0
    assert all("geen capaciteit meer" in (v.reden or "") for v in rest.voorstellen)
    with db.read() as session:
        open_roles = session.scalar(
            sa.select(sa.func.count())
            .select_from(AdviseurToewijzing)
            .where(AdviseurToewijzing.tot.is_(None))
        )
        assert open_roles == 7
        assert (
            session.scalar(
                sa.select(sa.func.count()).select_from(Traject).where(Traject.adviseur_id.is_(None))
            )
            == 2
        )


def test_signed_links_refuse_tampering_and_expiry(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = links.assignment_token(traject_id=5, adviseur_id=7)
    assert links.read_assignment_token(token) == (5, 7)
    assert links.assignment_link(traject_id=5, adviseur_id=7).startswith(
        "http://127.0.0.1:8000/toewijzing/"
    )
    with pytest.raises(InvalidInput, match="ongeldig"):
        links.read_assignment_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    old = int(time.time()) - 31 * 24 * 3600
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: old)
    stale = links.assignment_token(traject_id=5, adviseur_id=7)
    monkeypatch.undo()
    with pytest.raises(InvalidInput, match="verlopen"):
        links.read_assignment_token(stale)


def test_cli(db: Database, organisaties: Organisaties, cli: Any) -> None:
    add = cli(
        "adviseur", "add", "--naam", "Eva de Vries", "--email", "eva@adviseurs.nl",
        "--sectoren", "vo,po", "--expertise", "kwaliteitszorg,bestuur", "--regio", "noord",
        "--capaciteit", "12", "--max-trajecten", "4",
    )  # fmt: skip
    assert add.code == 0, add.err
    bad = cli("adviseur", "add", "--naam", "X", "--email", "x@a.nl", "--sectoren", "mbo")
    assert bad.code == 1 and "Onbekende sector 'mbo'" in bad.err
    bad_theme = cli("adviseur", "edit", "eva@adviseurs.nl", "--expertise", "sport")
    assert bad_theme.code == 1 and "Onbekend thema 'sport'" in bad_theme.err
    assert cli("adviseur", "edit", "eva@adviseurs.nl", "--regio", "midden").code == 0
    conflict = cli("adviseur", "conflict", "add", "eva@adviseurs.nl", "--bestuur", "52345")
    assert conflict.code == 0, conflict.err
    absent = cli(
        "adviseur",
        "afwezig",
        "add",
        "eva@adviseurs.nl",
        "--van",
        "2030-07-01",
        "--tot",
        "2030-06-01",
    )
    assert absent.code == 1 and "einddatum ligt vóór de begindatum" in absent.err
    assert (
        cli(
            "adviseur",
            "afwezig",
            "add",
            "eva@adviseurs.nl",
            "--van",
            "2030-07-01",
            "--tot",
            "2030-07-20",
        ).code
        == 0
    )
    listed = {a["email"]: a for a in json.loads(cli("adviseur", "list", "--json").out)}[
        "eva@adviseurs.nl"
    ]
    assert listed["afwezigheid"][0]["van"] == "2030-07-01"
    assert listed["sectoren"] == ["po", "vo"] and listed["regio"] == "midden"
    assert listed["capaciteit"] == 12 and listed["max_trajecten"] == 4
    assert listed["conflicten"][0]["organisatie"].startswith("bestuur 52345")

    t = lv_traject(db, organisaties).id
    assert cli("traject", "advance", str(t), "intake").code == 0
    themes = cli("traject", "wijzig", str(t), "--themas", "kwaliteitszorg, toetsing")
    assert themes.code == 0, themes.err
    assert cli("traject", "advance", str(t), "matching").code == 0
    ran = cli("match", "run", "--json")
    assert ran.code == 0, ran.err
    [proposal] = json.loads(ran.out)["voorstellen"]
    assert proposal["adviseur_email"] == "eva@adviseurs.nl"
    assert proposal["themas"] == ["kwaliteitszorg", "resultaten"]
    assert "Eva de Vries: score" in proposal["uitleg"]
    table = cli("match", "run")
    assert table.code == 0 and "1 van 1 trajecten hebben een voorstel" in table.out
    [listed_open] = json.loads(cli("match", "list", "--json").out)
    assert listed_open["traject_id"] == t and listed_open["status"] == "open"

    refused = cli("match", "confirm", str(t), "--adviseur", "anna@adviseurs.nl")
    assert refused.code == 1 and "werkt niet in sector po" in refused.err
    assert cli("match", "decline", str(t), "--reden", "x").code == 1  # nobody proposed yet
    confirmed = cli("match", "confirm", str(t))
    assert confirmed.code == 0 and "Eva de Vries is voorgesteld" in confirmed.out
    no_reason = cli("match", "decline", str(t), "--reden", "  ")
    assert no_reason.code == 1 and "Geef een reden" in no_reason.err
    accepted = cli("match", "accept", str(t))
    assert accepted.code == 0 and "geaccepteerd" in accepted.out
    assert cli("match", "accept", str(t)).code == 1
    assert cli("traject", "advance", str(t), "kennismaking").code == 0
    late = cli("match", "decline", str(t), "--reden", "Toch niet")
    assert late.code == 1 and "alleen tijdens de matching" in late.err
    shown = json.loads(cli("match", "history", str(t), "--json").out)
    assert [row["status"] for row in shown] == ["geaccepteerd"]


def test_koppel_is_a_confirm_that_still_needs_acceptance(
    db: Database, organisaties: Organisaties, team: Any, cli: Any
) -> None:
    t = waiting(db, organisaties, organisaties.school_po)
    linked = cli("traject", "koppel", str(t), "--adviseur", "bob@adviseurs.nl")
    assert linked.code == 0 and "wacht op acceptatie" in linked.out
    assert cli("traject", "advance", str(t), "kennismaking").code == 1
    again = cli("traject", "koppel", str(t), "--adviseur", "eva@adviseurs.nl", "--geaccepteerd")
    assert again.code == 0, again.err
    assert cli("traject", "advance", str(t), "kennismaking").code == 0
    history = matching.toewijzingen(db, traject_id=t)
    assert [(h.adviseur, h.status) for h in history] == [
        ("bob@adviseurs.nl", "vervangen"),
        ("eva@adviseurs.nl", "geaccepteerd"),
    ]


def test_direct_koppel_service_keeps_the_dated_roles(
    db: Database, organisaties: Organisaties, team: Any
) -> None:
    """`trajecten.koppel` (a direct record, counted as accepted) ends the role held before it."""
    t = waiting(db, organisaties, organisaties.school_po)
    matching.confirm(db, traject_id=t, actor=ACTOR, adviseur="eva@adviseurs.nl")
    trajecten.koppel(db, traject_id=t, adviseur="bob@adviseurs.nl", actor=ACTOR)
    history = matching.toewijzingen(db, traject_id=t)
    assert [(h.adviseur, h.status, h.tot is None) for h in history] == [
        ("eva@adviseurs.nl", "vervangen", False),
        ("bob@adviseurs.nl", "geaccepteerd", True),
    ]
