"""Dagdelen, budget blocks, the invoice run, approval numbering, credit notes and the ledger."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from casework.db import Database
from casework.db.finance import Dagdeel, Factuur, FactuurRegel
from casework.errors import InvalidInput, StepNotAllowed
from casework.services import creditnotas, dagdelen, facturen, tarieven
from tests.fixtures_finance import FinanceData

ACTOR = "financien@programma.nl"


def werkdagen(n: int, start: date = date(2026, 11, 2)) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def add_many(db: Database, traject_id: int, n: int, start: date = date(2026, 11, 2)) -> None:
    for day in werkdagen(n, start):
        dagdelen.add(db, traject_id=traject_id, datum=day, activiteit="schoolscan", actor=ACTOR)


def test_eight_lv_dagdelen_make_one_invoice_with_exact_totals(
    db: Database, finance: FinanceData
) -> None:
    traject = finance.traject("lv")
    add_many(db, traject, 8)
    result = facturen.run(db, periode="2026-11", actor=ACTOR)
    assert (result.facturen, result.nieuw, result.regels) == (1, 1, 8)
    [factuur] = facturen.list_facturen(db, status="concept")
    assert factuur.bedrag_excl == Decimal("2286.00")
    assert factuur.btw == Decimal("480.06")
    assert factuur.bedrag_incl == Decimal("2766.06")
    detail = facturen.show(db, factuur=str(factuur.id))
    assert {r.bedrag for r in detail.regel_lijst} == {Decimal("285.75")}


def test_ninth_refused_until_second_block_and_seventeenth_always(
    db: Database, finance: FinanceData
) -> None:
    traject = finance.traject("lv")
    days = werkdagen(17)
    add_many(db, traject, 8)
    with pytest.raises(StepNotAllowed, match=r"8 van 8 dagdelen gebruikt, 0 over") as refused:
        dagdelen.add(db, traject_id=traject, datum=days[8], activiteit="plan", actor=ACTOR)
    assert "--extra-blok" in str(refused.value)
    with pytest.raises(InvalidInput):
        dagdelen.grant_block(db, traject_id=traject, reden="", actor=ACTOR)
    stand = dagdelen.grant_block(
        db, traject_id=traject, reden="Complexe school: twee locaties", actor=ACTOR
    )
    assert (stand.blokken, stand.budget, stand.over) == (2, 16, 8)
    assert stand.redenen == ["Complexe school: twee locaties"]
    for day in days[8:16]:
        dagdelen.add(db, traject_id=traject, datum=day, activiteit="uitvoering", actor=ACTOR)
    with pytest.raises(StepNotAllowed, match=r"maximum van 16 dagdelen.*0 over"):
        dagdelen.add(db, traject_id=traject, datum=days[16], activiteit="plan", actor=ACTOR)
    with pytest.raises(StepNotAllowed, match="maximum van 2 blokken"):
        dagdelen.grant_block(db, traject_id=traject, reden="Nog meer nodig", actor=ACTOR)
    with db.read() as session:
        count = session.scalar(select(func.count()).select_from(Dagdeel))
    assert count == 16


def test_phase_and_half_day_rules(db: Database, finance: FinanceData) -> None:
    in_matching = finance.traject("lv", fase="matching")
    with pytest.raises(StepNotAllowed, match="kennismaking, bestuursscan, plan, uitvoering"):
        dagdelen.add(
            db, traject_id=in_matching, datum=date(2026, 11, 2), activiteit="x", actor=ACTOR
        )
    a = finance.traject("lv", fase="kennismaking")
    b = finance.traject("lv", fase="plan")
    day = date(2026, 11, 3)
    first = dagdelen.add(db, traject_id=a, datum=day, activiteit="kennismaking", actor=ACTOR)
    second = dagdelen.add(db, traject_id=b, datum=day, activiteit="plan", actor=ACTOR)
    assert (first.deel, second.deel) == ("ochtend", "middag")
    with pytest.raises(StepNotAllowed, match="al een ochtend en een middag"):
        dagdelen.add(db, traject_id=a, datum=day, activiteit="x", actor=ACTOR)
    with pytest.raises(StepNotAllowed, match="al een dagdeel in de ochtend"):
        dagdelen.add(db, traject_id=b, datum=day, deel="ochtend", activiteit="x", actor=ACTOR)
    # another adviseur may work the same half-day
    other = dagdelen.add(
        db,
        traject_id=b,
        datum=day,
        deel="ochtend",
        activiteit="x",
        adviseur="bob@advies.nl" if False else str(finance.adviseur("bob@a.nl")),
        actor=ACTOR,
    )
    assert other.deel == "ochtend"


def test_rerun_never_puts_a_dagdeel_on_two_invoices(db: Database, finance: FinanceData) -> None:
    traject = finance.traject("lv")
    add_many(db, traject, 3)
    facturen.run(db, periode="2026-11", actor=ACTOR)
    again = facturen.run(db, periode="2026-11", actor=ACTOR)
    assert (again.regels, again.nieuw) == (0, 0)
    add_many(db, traject, 2, start=date(2026, 11, 20))
    third = facturen.run(db, periode="2026-11", actor=ACTOR)
    assert (third.regels, third.nieuw, third.facturen) == (2, 0, 1)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Factuur)) == 1
        lines = session.scalar(select(func.count()).select_from(FactuurRegel))
        distinct = session.scalar(select(func.count(func.distinct(FactuurRegel.dagdeel_id))))
    assert lines == distinct == 5
    [factuur] = facturen.list_facturen(db)
    assert factuur.bedrag_excl == Decimal("1428.75")  # 5 x 285.75


def test_gwgb_never_on_a_school_invoice_and_fully_in_the_ledger(
    db: Database, finance: FinanceData
) -> None:
    gwgb = finance.traject("gwgb")
    lv = finance.traject("lv", adviseur="carla@advies.nl")
    add_many(db, gwgb, 3)
    add_many(db, lv, 2)
    result = facturen.run(db, periode="2026-11", actor=ACTOR)
    assert result.regels == 2
    with db.read() as session:
        invoiced = set(session.scalars(select(FactuurRegel.traject_id)))
    assert invoiced == {lv}
    ledger = tarieven.grootboek(db, programma="gwgb", periode="2026-11")
    assert ledger.dagdelen == 3
    assert ledger.totaal == Decimal("1714.50")  # 3 x 571.50, 100% programme
    assert ledger.regels[0].programma_aandeel == Decimal("1")
    lv_ledger = tarieven.grootboek(db, programma="lv", periode="2026-11")
    assert lv_ledger.totaal == Decimal("571.50")  # 2 x 285.75, the programme's half
    assert tarieven.grootboek(db, programma="gwgb", periode="2026-10").totaal == 0


def test_approve_numbers_gapless_and_rate_change_keeps_invoices(
    db: Database, finance: FinanceData
) -> None:
    one, two = finance.traject("lv"), finance.traject("lv", adviseur="dirk@advies.nl")
    add_many(db, one, 2)
    add_many(db, two, 1)
    facturen.run(db, periode="2026-11", actor=ACTOR)
    ids = sorted(f.id for f in facturen.list_facturen(db))
    first = facturen.approve(db, factuur=str(ids[0]), actor=ACTOR, vandaag=date(2026, 12, 1))
    second = facturen.approve(db, factuur=str(ids[1]), actor=ACTOR, vandaag=date(2026, 12, 1))
    assert (first.nummer, second.nummer) == ("LV-2026-0001", "LV-2026-0002")
    assert first.status == "goedgekeurd" and first.vervaldatum == date(2026, 12, 31)
    with pytest.raises(StepNotAllowed, match="goedgekeurd"):
        facturen.approve(db, factuur="LV-2026-0001", actor=ACTOR)
    tarieven.set_tarief(db, programma="lv", jaar=2026, per_dagdeel="600", actor=ACTOR)
    assert facturen.show(db, factuur="LV-2026-0001").bedrag_excl == Decimal("571.50")
    # the next run uses the new rate: 600 x 0.50
    add_many(db, one, 1, start=date(2026, 11, 27))
    facturen.run(db, periode="2026-11", actor=ACTOR)
    [concept] = facturen.list_facturen(db, status="concept")
    assert concept.bedrag_excl == Decimal("300.00")
    assert facturen.show(db, factuur="LV-2026-0001").regel_lijst[0].tarief == Decimal("571.50")


def test_missing_rate_is_refused_and_nothing_written(db: Database, finance: FinanceData) -> None:
    traject = finance.traject("lv")
    dagdelen.add(db, traject_id=traject, datum=date(2027, 1, 4), activiteit="x", actor=ACTOR)
    with pytest.raises(InvalidInput, match="geen tarief voor lv in 2027"):
        facturen.run(db, periode="2027-01", actor=ACTOR)
    assert facturen.list_facturen(db) == []
    with pytest.raises(InvalidInput, match="JJJJ-MM"):
        facturen.run(db, periode="2027-13", actor=ACTOR)


def test_send_paid_credit_and_correction_through_credit_note(
    db: Database, finance: FinanceData
) -> None:
    from casework.db.models import OutboxMessage

    traject = finance.traject("lv")
    add_many(db, traject, 4)
    facturen.run(db, periode="2026-11", actor=ACTOR)
    [concept] = facturen.list_facturen(db)
    approved = facturen.approve(db, factuur=str(concept.id), actor=ACTOR)
    sent = facturen.send(db, factuur=approved.nummer or "", actor=ACTOR)
    assert sent.status == "verzonden" and sent.verzonden_aan
    with db.read() as session:
        template, to_address, context = session.execute(
            select(OutboxMessage.template, OutboxMessage.to_address, OutboxMessage.context)
        ).one()
    assert template == "generiek"
    assert to_address == sent.verzonden_aan
    [attachment] = context["attachments"]
    assert attachment["filename"] == f"{approved.nummer}.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert base64.b64decode(attachment["content_base64"]).startswith(b"%PDF")
    assert approved.nummer in context["onderwerp"]

    # a correction of an invoiced dagdeel: credit note for that line, replacement uninvoiced
    first = dagdelen.list_dagdelen(db, traject_id=traject)[0]
    assert first.factuur == approved.nummer
    fix = dagdelen.correct(
        db, dagdeel_id=first.id, datum=date(2026, 11, 30), reden="verkeerde datum", actor=ACTOR
    )
    assert fix.creditnota is not None and fix.creditnota != approved.nummer
    assert fix.nieuw is not None and fix.nieuw.factuur is None
    note = facturen.show(db, factuur=fix.creditnota)
    assert (note.soort, note.credit_voor, note.bedrag_excl) == (
        "creditnota",
        approved.nummer,
        Decimal("-285.75"),
    )
    assert note.btw == Decimal("-60.01")

    paid = facturen.paid(db, factuur=approved.nummer or "", actor=ACTOR, datum=date(2026, 12, 20))
    assert paid.status == "betaald"
    full = creditnotas.credit(db, factuur=approved.nummer or "", reden="dubbel", actor=ACTOR)
    # the full credit only takes back what the correction did not already credit
    assert full.bedrag_excl == Decimal("-857.25")
    assert facturen.show(db, factuur=approved.nummer or "").status == "gecrediteerd"
    numbers = sorted(f.nummer for f in facturen.list_facturen(db) if f.nummer)
    assert numbers == ["LV-2026-0001", "LV-2026-0002", "LV-2026-0003"]
    with pytest.raises(StepNotAllowed):
        creditnotas.credit(db, factuur=approved.nummer or "", reden="nogmaals", actor=ACTOR)


def test_correction_on_a_concept_leaves_the_concept(db: Database, finance: FinanceData) -> None:
    traject = finance.traject("lv")
    add_many(db, traject, 2)
    facturen.run(db, periode="2026-11", actor=ACTOR)
    first = dagdelen.list_dagdelen(db, traject_id=traject)[0]
    result = dagdelen.correct(
        db, dagdeel_id=first.id, intrekken=True, reden="niet gewerkt", actor=ACTOR
    )
    assert result.nieuw is None and result.creditnota is None
    [concept] = facturen.list_facturen(db)
    assert (concept.regels, concept.bedrag_excl) == (1, Decimal("285.75"))


def test_approve_needs_a_billing_address(db: Database, finance: FinanceData) -> None:
    traject = finance.traject("lv", adres=False)
    add_many(db, traject, 1)
    facturen.run(db, periode="2026-11", actor=ACTOR)
    [concept] = facturen.list_facturen(db)
    with pytest.raises(StepNotAllowed, match="factuuradres"):
        facturen.approve(db, factuur=str(concept.id), actor=ACTOR)
    assert facturen.show(db, factuur=str(concept.id)).status == "concept"
    with db.read() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Factuur).where(Factuur.nummer.is_not(None))
            )
            == 0
        )


def test_invoice_run_flow_body_makes_concepts(db: Database, finance: FinanceData) -> None:
    """The flow's logic without Prefect: it calls the same idempotent run."""
    from flows.invoicing import make_concepts

    traject = finance.traject("lv")
    add_many(db, traject, 2)
    first = make_concepts.fn("2026-11")
    second = make_concepts.fn("2026-11")
    assert (first["regels"], first["bedrag_excl"]) == (2, "571.50")
    assert second["regels"] == 0
