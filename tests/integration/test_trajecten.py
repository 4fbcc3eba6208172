"""The service layer of trajecten on SQLite and PostgreSQL: sign-up, steps, history, outbox,
the paused clock, the append-only history and `verify`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from casework.db import Database
from casework.db.models import OutboxMessage, TrajectEvent
from casework.errors import InvalidInput, NotFound, StepNotAllowed
from casework.services import trajecten, verify, werkvoorraad
from casework.services.werkvoorraad import TrajectFilter
from casework.werkdagen import werkdagen_tussen
from tests.fixtures_trajecten import (
    ACTOR,
    Organisaties,
    gwgb_traject,
    lv_traject,
    row_counts,
    school_oordeel,
)


def outbox_rows(db: Database, traject_id: int) -> list[tuple[str, str]]:
    with db.read() as session:
        return [
            (row.template, row.to_address)
            for row in session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.traject_id == traject_id)
                .order_by(OutboxMessage.id)
            )
        ]


def walk(db: Database, traject_id: int, *phases: str, reden: str | None = None) -> None:
    for phase in phases:
        trajecten.advance(db, traject_id=traject_id, fase=phase, actor=ACTOR, reden=reden)


def test_aanmelden_lv(db: Database, organisaties: Organisaties) -> None:
    t = lv_traject(db, organisaties)
    assert (t.programma, t.fase, t.version) == ("lv", "aanmelding", 1)
    assert (t.brin, t.bestuursnummer, t.sector) == ("12AB", "41234", "po")
    assert t.oordelen == ["onvoldoende"] and t.norm_werkdagen == 10
    assert t.referentie.startswith("LV-") and t.referentie.endswith(f"{t.id:05d}")
    [event] = trajecten.history(db, traject_id=t.id)
    assert (event.seq, event.trigger, event.from_fase, event.to_fase, event.actor) == (
        1,
        "aanmelden",
        None,
        "aanmelding",
        ACTOR,
    )
    assert outbox_rows(db, t.id) == [("aanmelding_ontvangen", "jan@regenboog.nl")]
    assert verify.verify(db).ok


def test_aanmelden_zeer_zwak_sets_the_herstelonderzoek(
    db: Database, organisaties: Organisaties
) -> None:
    t = lv_traject(db, organisaties, oordeel="zeer zwak", oordeel_datum=date(2026, 3, 2))
    assert t.herstelonderzoek_voor == date(2027, 3, 2)


def test_aanmelden_gwgb(db: Database, organisaties: Organisaties) -> None:
    t = gwgb_traject(db, organisaties)
    assert (t.programma, t.fase, t.brin, t.bestuursnummer) == ("gwgb", "aanmelding", None, "41234")
    assert t.organisatie == "Stichting Voorbeeld"
    with pytest.raises(InvalidInput, match="hoort bij een bestuur, niet bij een school"):
        gwgb_traject(db, organisaties, school=organisaties.school_po)
    with pytest.raises(InvalidInput, match="hoort bij een school"):
        lv_traject(db, organisaties, school=None)
    with pytest.raises(NotFound, match="Bestuur 99999 is niet bekend"):
        gwgb_traject(db, organisaties, bestuur="99999")


def test_full_lv_walk_and_history(db: Database, organisaties: Organisaties) -> None:
    t = lv_traject(db, organisaties)
    walk(db, t.id, "intake", "matching")
    trajecten.koppel(db, traject_id=t.id, adviseur=organisaties.adviseur, actor=ACTOR)
    walk(db, t.id, "kennismaking", "bestuursscan", "plan", "uitvoering")
    done = trajecten.advance(
        db, traject_id=t.id, fase="afgerond", actor=ACTOR, resultaat="herstelonderzoek voldoende"
    )
    assert (done.fase, done.version, done.resultaat) == (
        "afgerond",
        9,
        "herstelonderzoek voldoende",
    )
    # a final phase's clock does not run and has no norm
    assert done.werkdagen_in_fase == 0 and done.norm_werkdagen is None and not done.over_norm
    events = trajecten.history(db, traject_id=t.id)
    assert [e.seq for e in events] == list(range(1, 10))
    assert [e.to_fase for e in events] == [
        "aanmelding",
        "intake",
        "matching",
        "matching",
        "kennismaking",
        "bestuursscan",
        "plan",
        "uitvoering",
        "afgerond",
    ]
    assert events[3].trigger == "adviseur_gekoppeld"
    assert events[3].data and events[3].data["adviseur"] == organisaties.adviseur
    assert events[-1].data == {"resultaat": "herstelonderzoek voldoende"}
    with pytest.raises(StepNotAllowed, match="afgerond en kan niet meer van fase"):
        walk(db, t.id, "gestopt", reden="te laat")
    assert verify.verify(db).ok


def test_gwgb_eligible_through_a_school_of_the_bestuur(
    db: Database, organisaties: Organisaties
) -> None:
    t = gwgb_traject(db, organisaties, oordeel=None, bestuur=organisaties.bestuur_zonder_oordeel)
    walk(db, t.id, "intake")
    before = row_counts(db)
    with pytest.raises(StepNotAllowed, match="komt niet in aanmerking"):
        walk(db, t.id, "matching")
    assert row_counts(db) == before
    school_oordeel(db, organisaties.school_so, "zeer zwak")
    walk(db, t.id, "matching")
    assert trajecten.show(db, traject_id=t.id).fase == "matching"


def test_steps_explain_what_blocks(db: Database, organisaties: Organisaties) -> None:
    t = lv_traject(db, organisaties, hulpvraag=None, oordeel="voldoende")
    walk(db, t.id, "intake")
    steps = {s.fase: s for s in trajecten.steps(db, traject_id=t.id)}
    assert set(steps) == {"matching", "afgewezen", "gestopt", "gepauzeerd"}
    assert not steps["matching"].toegestaan
    assert "ondersteuningsvraag" in (steps["matching"].reden or "")
    assert "komt niet in aanmerking" in (steps["matching"].reden or "")
    assert steps["afgewezen"].toegestaan and steps["afgewezen"].reden_verplicht
    # recording the facts opens the step
    trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, hulpvraag="Hulp", risico="Veel verloop")
    steps = {s.fase: s for s in trajecten.steps(db, traject_id=t.id)}
    assert steps["matching"].toegestaan


def test_wijzig_records_an_event(db: Database, organisaties: Organisaties) -> None:
    t = gwgb_traject(db, organisaties, oordeel=None, hulpvraag=None)
    changed = trajecten.wijzig(
        db, traject_id=t.id, actor=ACTOR, hulpvraag="Nieuwe vraag", oordeel="onvoldoende"
    )
    assert changed.version == 2 and changed.hulpvraag == "Nieuwe vraag"
    assert changed.oordelen == ["onvoldoende"]
    last = trajecten.history(db, traject_id=t.id)[-1]
    assert last.trigger == "gegevens_gewijzigd" and last.from_fase == last.to_fase == "aanmelding"
    with pytest.raises(InvalidInput, match="niets gewijzigd"):
        trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, hulpvraag="Nieuwe vraag")
    assert verify.verify(db).ok


def test_koppel_writes_outbox_rows(db: Database, organisaties: Organisaties) -> None:
    t = lv_traject(db, organisaties)
    linked = trajecten.koppel(db, traject_id=t.id, adviseur=organisaties.adviseur, actor=ACTOR)
    assert linked.adviseur == organisaties.adviseur and linked.version == 2
    assert outbox_rows(db, t.id) == [
        ("aanmelding_ontvangen", "jan@regenboog.nl"),
        ("toewijzing", organisaties.adviseur),
        ("adviseur_gekoppeld", "jan@regenboog.nl"),
    ]
    with pytest.raises(StepNotAllowed, match="is al de adviseur"):
        trajecten.koppel(db, traject_id=t.id, adviseur=organisaties.adviseur, actor=ACTOR)


def test_outbox_rows_share_the_steps_transaction(
    db: Database, organisaties: Organisaties, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the step fails after queueing its messages, the messages are gone too."""
    t = lv_traject(db, organisaties)
    before = row_counts(db)

    def broken_read(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the step fails after the outbox rows were added")

    monkeypatch.setattr(trajecten, "_read", broken_read)
    with pytest.raises(RuntimeError):
        trajecten.koppel(db, traject_id=t.id, adviseur=organisaties.adviseur, actor=ACTOR)
    assert row_counts(db) == before
    monkeypatch.undo()
    assert trajecten.show(db, traject_id=t.id).version == 1


def test_history_is_append_only_in_the_database(db: Database, organisaties: Organisaties) -> None:
    t = lv_traject(db, organisaties)
    for statement in (
        sa.update(TrajectEvent).where(TrajectEvent.traject_id == t.id).values(to_fase="plan"),
        sa.delete(TrajectEvent).where(TrajectEvent.traject_id == t.id),
    ):
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.execute(statement)
    assert [e.to_fase for e in trajecten.history(db, traject_id=t.id)] == ["aanmelding"]


def test_paused_clock_stops(db: Database, organisaties: Organisaties) -> None:
    today = date.today()
    start = datetime.combine(today - timedelta(days=40), datetime.min.time(), UTC)
    pause = start + timedelta(days=14)
    resume = start + timedelta(days=35)
    t = lv_traject(db, organisaties, at=start - timedelta(days=1))
    trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR, at=start)
    paused = trajecten.advance(db, traject_id=t.id, fase="gepauzeerd", actor=ACTOR, at=pause)
    spent = werkdagen_tussen(start.date(), pause.date())
    assert spent >= 8
    assert (paused.fase, paused.paused_from, paused.werkdagen_in_fase) == (
        "gepauzeerd",
        "intake",
        spent,
    )
    # weeks later, still paused: the clock has not moved
    assert trajecten.show(db, traject_id=t.id).werkdagen_in_fase == spent
    resumed = trajecten.advance(db, traject_id=t.id, fase="hervat", actor=ACTOR, at=resume)
    assert resumed.fase == "intake" and resumed.paused_from is None
    expected = spent + werkdagen_tussen(resume.date(), today)
    assert resumed.werkdagen_in_fase == expected
    assert expected < werkdagen_tussen(start.date(), today)
    # a traject never paused over the same time is over its intake norm (15); this one is not
    assert not resumed.over_norm
    other = lv_traject(
        db, organisaties, school=organisaties.school_vo, at=start - timedelta(days=1)
    )
    unpaused = trajecten.advance(db, traject_id=other.id, fase="intake", actor=ACTOR, at=start)
    assert trajecten.show(db, traject_id=unpaused.id).over_norm
    over = werkvoorraad.list_trajecten(db, filter=TrajectFilter(over_norm=True))
    assert [row.id for row in over] == [other.id]
    # a second pause in the same phase adds to the first: the clock goes on where it stopped
    today_at = datetime.combine(today, datetime.min.time(), UTC)
    again = trajecten.advance(db, traject_id=t.id, fase="gepauzeerd", actor=ACTOR, at=today_at)
    assert again.werkdagen_in_fase == expected
    trajecten.advance(db, traject_id=t.id, fase="hervat", actor=ACTOR, at=today_at)
    # a new phase starts its clock from zero
    moved = trajecten.advance(db, traject_id=t.id, fase="matching", actor=ACTOR)
    assert moved.werkdagen_in_fase == 0
    assert verify.verify(db).ok


def test_list_and_counts(db: Database, organisaties: Organisaties) -> None:
    a = lv_traject(db, organisaties)
    b = gwgb_traject(db, organisaties)
    walk(db, b.id, "intake")
    assert [t.id for t in werkvoorraad.list_trajecten(db)] == [b.id, a.id]
    gwgb = werkvoorraad.list_trajecten(db, filter=TrajectFilter(programma="gwgb"))
    assert [t.id for t in gwgb] == [b.id]
    assert [
        t.id for t in werkvoorraad.list_trajecten(db, filter=TrajectFilter(fase="aanmelding"))
    ] == [a.id]
    assert werkvoorraad.count_per_fase(db) == {("lv", "aanmelding"): 1, ("gwgb", "intake"): 1}
    with pytest.raises(InvalidInput, match="Onbekend programma"):
        werkvoorraad.list_trajecten(db, filter=TrajectFilter(programma="xyz"))


def test_verify_detects_a_tampered_phase(db: Database, organisaties: Organisaties, cli) -> None:
    good = lv_traject(db, organisaties)
    walk(db, good.id, "intake")
    bad = gwgb_traject(db, organisaties)
    walk(db, bad.id, "intake")
    assert cli("verify").code == 0
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE trajecten SET fase = 'plan' WHERE id = :id"), {"id": bad.id})
    report = verify.verify(db)
    assert report.gecontroleerd == 2
    assert [m.traject_id for m in report.afwijkingen] == [bad.id]
    assert "opgeslagen fase plan" in report.afwijkingen[0].probleem
    result = cli("verify")
    assert result.code == 1 and "wijken af" in result.out
    # a version that does not match the number of steps is caught too
    with db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE trajecten SET fase = 'intake', version = 7 WHERE id = :id"),
            {"id": bad.id},
        )
    [mismatch] = verify.verify(db).afwijkingen
    assert "versie 7" in mismatch.probleem


def test_demo_data_passes_verify(db: Database, cli) -> None:
    """A new user's first two commands on a fresh database: demo data, then verify."""
    made = cli("demo-data", "--besturen", "4")
    assert made.code == 0, made.err
    counts = werkvoorraad.count_per_fase(db)
    assert sum(counts.values()) >= 8
    assert len({fase for _, fase in counts}) >= 5  # spread over the phases
    checked = cli("verify")
    assert checked.code == 0, checked.out + checked.err
    assert "geen afwijkingen" in checked.out
