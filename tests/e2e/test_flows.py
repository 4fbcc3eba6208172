"""Each flow for real under Prefect's test harness, on SQLite and PostgreSQL, with its effects
checked in the database and at a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from casework.db import Database
from casework.db.models import OutboxMessage, Traject
from casework.db.reminders import VerstuurdeHerinnering
from casework.services import trajecten
from tests.fixtures_smtp import SmtpServer
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject

pytestmark = pytest.mark.usefixtures("prefect_harness")


def run_name(state: Any) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id).name


def outbox(db: Database, template: str | None = None) -> list[SimpleNamespace]:
    """The outbox rows as plain values (read sessions end with a rollback)."""
    columns = [OutboxMessage.__table__.c[name] for name in OUTBOX_COLUMNS]
    with db.read() as session:
        query = sa.select(*columns).order_by(OutboxMessage.id)
        if template:
            query = query.where(OutboxMessage.template == template)
        return [SimpleNamespace(**row) for row in session.execute(query).mappings()]


OUTBOX_COLUMNS = ("id", "message_id", "traject_id", "template", "to_address", "context", "status")


def test_deliver_outbox_sends_and_names_its_run(
    db: Database, organisaties: Organisaties, smtp_server: SmtpServer, smtp_to: Any
) -> None:
    from flows.outbox import deliver_outbox

    smtp_to(smtp_server)
    lv_traject(db, organisaties)
    lv_traject(db, organisaties, school=organisaties.school_vo, contact_email="piet@lyceum.nl")
    state = deliver_outbox(return_state=True)

    assert state.is_completed()
    assert state.result() == {"verzonden": 2, "mislukt": 0, "uitgesteld": 0}
    assert run_name(state) == "outbox: 2 verzonden, 0 mislukt"
    rows = outbox(db)
    assert [row.status for row in rows] == ["sent", "sent"]
    assert smtp_server.handler.per_message_id() == {row.message_id: 1 for row in rows}
    # nothing left: a second run sends nothing and says so
    again = deliver_outbox(return_state=True)
    assert run_name(again) == "outbox: 0 verzonden, 0 mislukt"
    assert len(smtp_server.handler.received) == 2


def test_phase_reminders_once_per_phase_entry(
    db: Database, organisaties: Organisaties, smtp_server: SmtpServer, smtp_to: Any
) -> None:
    from flows.outbox import deliver_outbox
    from flows.reminders import phase_reminders

    smtp_to(smtp_server)
    # signed up on Monday 2 March 2026: aanmelding's norm is 10 werkdagen
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    late = lv_traject(db, organisaties, at=start)
    lv_traject(db, organisaties, school=organisaties.school_vo, at=start + timedelta(days=12))
    today = date(2026, 3, 17)  # 11 werkdagen after the first, 1 after the second

    first = phase_reminders(today=today, return_state=True)
    assert first.result()["verstuurd"] == 1
    assert run_name(first) == "herinneringen: 1 verstuurd, 0 al eerder"
    second = phase_reminders(today=today, return_state=True)
    assert run_name(second) == "herinneringen: 0 verstuurd, 1 al eerder"

    reminders = outbox(db, "herinnering")
    assert len(reminders) == 1
    assert reminders[0].traject_id == late.id
    assert reminders[0].to_address == "programmabureau@casework.local"
    assert reminders[0].context["werkdagen_in_fase"] == 11
    assert reminders[0].context["norm_werkdagen"] == 10

    deliver_outbox()
    caught = [m for m in smtp_server.handler.received if m.message_id == reminders[0].message_id]
    assert len(caught) == 1
    assert caught[0].rcpt_tos == ["programmabureau@casework.local"]
    assert late.referentie in caught[0].subject


def test_yearly_moments_once_per_year(db: Database, organisaties: Organisaties) -> None:
    from flows.reminders import yearly_moments

    in_plan = lv_traject(db, organisaties)
    lv_traject(db, organisaties, school=organisaties.school_vo)  # still in aanmelding
    with db.transaction() as session:  # set-up shortcut: the steps to plan are tested elsewhere
        session.execute(sa.update(Traject).where(Traject.id == in_plan.id).values(fase="plan"))

    assert yearly_moments(today=date(2026, 1, 20))["verstuurd"] == 0  # no moment in January
    state = yearly_moments(today=date(2026, 2, 3), return_state=True)
    assert run_name(state) == "jaarmomenten: 1 verstuurd, 0 al eerder"
    assert yearly_moments(today=date(2026, 3, 9))["verstuurd"] == 0  # same moment, same year
    assert yearly_moments(today=date(2027, 2, 1))["verstuurd"] == 1  # next year again

    with db.read() as session:
        keys = session.execute(
            sa.select(VerstuurdeHerinnering.soort, VerstuurdeHerinnering.sleutel).order_by(
                VerstuurdeHerinnering.id
            )
        ).all()
    assert [tuple(key) for key in keys] == [
        ("moment:voortgangsgesprek", "2026"),
        ("moment:voortgangsgesprek", "2027"),
    ]
    labels = [row.context["moment_label"] for row in outbox(db, "herinnering")]
    assert labels == ["Voortgangsgesprek", "Voortgangsgesprek"]


def test_step_asks_for_one_coalesced_delivery_run(db: Database, organisaties: Organisaties) -> None:
    """Many steps, at most one waiting delivery run; a started run lets the next one be asked."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.states import Running

    from casework import orchestration
    from flows.outbox import deliver_outbox

    # a deployment of its own: the harness (and its runs) is shared by the whole session
    name = f"deliver-outbox-{uuid.uuid4().hex[:8]}"
    deployment: Any = deliver_outbox.to_deployment(name=name)  # sync call
    deployment_id = deployment.apply()
    trigger = orchestration.DeliveryTrigger(deployment=f"deliver-outbox/{name}")
    db.outbox_hooks.append(trigger)

    for _ in range(5):
        lv_traject(db, organisaties)
        trigger.flush(30)
    assert (trigger.created, trigger.skipped) == (1, 4)

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(limit=200, sort=FlowRunSort.ID_DESC)
        waiting = [
            run
            for run in runs
            if orchestration.TRIGGER_TAG in run.tags and run.deployment_id == deployment_id
        ]
        assert len(waiting) == 1
        client.set_flow_run_state(waiting[0].id, Running(), force=True)
    # the waiting run started: rows written from now on need a new one
    lv_traject(db, organisaties)
    trigger.flush(30)
    assert trigger.created == 2


def test_unreachable_prefect_never_breaks_the_step(
    db: Database, organisaties: Organisaties
) -> None:
    from casework import orchestration

    trigger = orchestration.DeliveryTrigger(api_url="http://127.0.0.1:9/api")
    db.outbox_hooks.append(trigger)
    traject = lv_traject(db, organisaties)
    trigger.flush(60)

    assert trigger.failed == 1
    assert trajecten.show(db, traject_id=traject.id).fase == "aanmelding"
    assert [row.status for row in outbox(db)] == ["pending"]  # the schedule delivers it later
    assert ACTOR
