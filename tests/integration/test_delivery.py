"""Delivery of the outbox to real SMTP servers (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from casework.db import Database
from casework.db.base import utcnow
from casework.db.models import OutboxMessage
from casework.services import delivery, outbox, trajecten
from casework.settings import get_settings
from notifications.samples import sample_context
from tests.fixtures_smtp import free_port
from tests.fixtures_trajecten import ACTOR, lv_traject

DAY = timedelta(days=1)


def queue(db: Database, addresses: list[str], template: str = "generiek") -> list[int]:
    """Put one message per address in the outbox, as a step would."""
    with db.transaction() as session:
        rows = [
            outbox.enqueue(
                session,
                template=template,
                to_address=address,
                to_name=f"Ontvanger {n}",
                context=sample_context(template),
            )
            for n, address in enumerate(addresses)
        ]
        session.flush()
        return [row.id for row in rows if row is not None]


def rows(db: Database) -> dict[int, SimpleNamespace]:
    """Every outbox row as plain values (readable after the session closed)."""
    columns = OutboxMessage.__table__.columns.keys()
    with db.read() as session:
        return {
            row.id: SimpleNamespace(**{name: getattr(row, name) for name in columns})
            for row in session.scalars(sa.select(OutboxMessage))
        }


def message_ids(db: Database) -> dict[int, str]:
    return {key: row.message_id for key, row in rows(db).items()}


def test_steps_to_accepted_messages(db, organisaties, smtp_server, smtp_to) -> None:
    smtp_to(smtp_server)
    traject = lv_traject(db, organisaties)
    trajecten.koppel(db, traject_id=traject.id, adviseur=organisaties.adviseur, actor=ACTOR)
    report = delivery.deliver_due(db)
    assert (report.verzonden, report.mislukt, report.uitgesteld) == (3, 0, 0)
    assert report.samenvatting == "outbox: 3 verzonden, 0 mislukt"
    received = smtp_server.handler.received
    assert sorted(item.rcpt_tos[0] for item in received) == [
        "anna@adviseurs.nl",
        "jan@regenboog.nl",
        "jan@regenboog.nl",
    ]
    assert all(item.subject.startswith(traject.referentie) for item in received)
    assert smtp_server.handler.connections == 1
    stored = rows(db)
    assert {row.status for row in stored.values()} == {"sent"}
    for row in stored.values():
        assert row.subject and row.subject.startswith(traject.referentie)
        assert row.body_text and "Met vriendelijke groet" in row.body_text
        assert row.template_version and row.sent_at is not None and row.claim_token is None
    assert {item.message_id for item in received} == {r.message_id for r in stored.values()}
    # nothing is due any more: a second run sends nothing
    assert delivery.deliver_due(db).verzonden == 0
    assert len(received) == 3


def test_one_connection_per_batch(db, smtp_server, smtp_to) -> None:
    smtp_to(smtp_server)
    queue(db, [f"school{n}@example.org" for n in range(45)])
    report = delivery.deliver_due(db, batch_size=20)
    assert report.verzonden == 45
    assert smtp_server.handler.connections == 3
    assert len(smtp_server.handler.per_message_id()) == 45


def test_faulty_server_every_message_exactly_once(db, faulty_smtp_server, smtp_to, cli) -> None:
    smtp_to(faulty_smtp_server)
    handler = faulty_smtp_server.handler
    addresses = [f"school{n}@example.org" for n in range(10)]
    addresses[3] = "weiger@example.org"
    handler.reject = {"weiger@example.org"}
    handler.tempfail_first = 2
    handler.drop_at = 6
    ids = queue(db, addresses)
    by_id = message_ids(db)
    rejected = ids[3]

    now = utcnow()
    first = delivery.deliver_due(db, now=now)
    # two 421s and one dropped connection are put off; the 550 fails for good
    assert (first.verzonden, first.mislukt, first.uitgesteld) == (6, 1, 3)
    later = rows(db)
    assert sum(row.status == "pending" for row in later.values()) == 3
    assert all(row.next_attempt_at > now for row in later.values() if row.status == "pending")
    for _round in range(5):
        now += DAY
        if delivery.deliver_due(db, now=now).verzonden == 0:
            break

    counts = handler.per_message_id()
    for key in ids:
        expected = 0 if key == rejected else 1
        assert counts[by_id[key]] == expected, key
    final = rows(db)
    assert [k for k, row in final.items() if row.status != "sent"] == [rejected]
    assert final[rejected].status == "failed"
    assert "550" in (final[rejected].last_error or "")
    assert "User unknown" in (final[rejected].last_error or "")

    listed = cli("outbox", "list", "--status", "failed", "--json")
    assert listed.code == 0, listed.err
    (shown,) = json.loads(listed.out)
    assert shown["id"] == rejected and "550" in shown["last_error"]
    table = cli("outbox", "list", "--status", "failed")
    assert "weiger" in table.out and "550" in table.out

    # the address is fixed at the receiving side; a person re-queues the message
    handler.reject = set()
    assert cli("outbox", "retry", str(rejected)).code == 0
    assert rows(db)[rejected].status == "pending"
    delivered = cli("outbox", "deliver")
    assert delivered.code == 0 and "1 verzonden" in delivered.out
    assert handler.per_message_id()[by_id[rejected]] == 1
    assert {row.status for row in rows(db).values()} == {"sent"}
    refused = cli("outbox", "retry", str(rejected))
    assert refused.code == 1 and "al verzonden" in refused.err


def test_crash_after_accept_before_marked_sent(db, mail_catcher, smtp_to, monkeypatch) -> None:
    smtp_to(mail_catcher)
    ids = queue(db, [f"school{n}@example.org" for n in range(5)])
    real_mark = delivery._mark

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("process died between accepted and marked sent")

    monkeypatch.setattr(delivery, "_mark", crash)
    now = utcnow()
    with pytest.raises(RuntimeError):
        delivery.deliver_due(db, now=now)
    assert mail_catcher.store.count() == 5
    assert {row.status for row in rows(db).values()} == {"sending"}

    monkeypatch.setattr(delivery, "_mark", real_mark)
    # within the lease nobody takes the rows: the dead run might still be sending
    assert delivery.deliver_due(db, now=now + timedelta(minutes=1)).verzonden == 0
    report = delivery.deliver_due(db, now=now + delivery.LEASE + timedelta(seconds=1))
    assert report.verzonden == 5
    # the resend carried the same Message-IDs: the catcher recognised and dropped them
    assert mail_catcher.store.duplicates == 5
    assert mail_catcher.store.count() == 5
    final = rows(db)
    assert {row.status for row in final.values()} == {"sent"}
    assert all(final[key].attempts == 2 for key in ids)


def test_killed_process_between_accept_and_mark(db, mail_catcher, smtp_to) -> None:
    """A real process dies (os._exit) right after the server accepted the batch."""
    smtp_to(mail_catcher)
    queue(db, [f"school{n}@example.org" for n in range(3)])
    script = textwrap.dedent(
        """
        import os
        from casework import bootstrap
        from casework.services import delivery
        delivery._mark = lambda *args, **kwargs: os._exit(17)
        delivery.deliver_due(bootstrap.database())
        """
    )
    env = {k: v for k, v in os.environ.items()}
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=60)
    assert done.returncode == 17
    assert mail_catcher.store.count() == 3
    assert {row.status for row in rows(db).values()} == {"sending"}
    report = delivery.deliver_due(db, now=utcnow() + delivery.LEASE + timedelta(seconds=1))
    assert report.verzonden == 3
    assert mail_catcher.store.duplicates == 3 and mail_catcher.store.count() == 3
    assert {row.status for row in rows(db).values()} == {"sent"}


def test_server_down_burns_no_attempts(db, smtp_to) -> None:
    class Nowhere:
        host = "127.0.0.1"
        port = free_port()

    smtp_to(Nowhere)
    queue(db, ["a@example.org", "b@example.org"])
    now = utcnow()
    report = delivery.deliver_due(db, now=now)
    assert (report.verzonden, report.mislukt, report.uitgesteld) == (0, 0, 2)
    for row in rows(db).values():
        assert row.status == "pending" and row.attempts == 0
        assert row.next_attempt_at > now and row.last_error


def test_temporary_failures_end_as_visible_failure(db, faulty_smtp_server, smtp_to) -> None:
    smtp_to(faulty_smtp_server)
    faulty_smtp_server.handler.tempfail_first = 10_000
    (key,) = queue(db, ["school@example.org"])
    now = utcnow()
    for _attempt in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_due(db, now=now)
        now += DAY
    row = rows(db)[key]
    assert row.status == "failed" and row.attempts == delivery.MAX_ATTEMPTS
    assert (row.last_error or "").startswith(f"Na {delivery.MAX_ATTEMPTS} pogingen opgegeven: 421")


def test_timeout_is_retried_later(db, faulty_smtp_server, smtp_to, monkeypatch) -> None:
    smtp_to(faulty_smtp_server)
    monkeypatch.setenv("CASEWORK_SMTP_TIMEOUT", "0.5")
    get_settings.cache_clear()
    faulty_smtp_server.handler.stall_first = 2.0
    first, second = queue(db, ["a@example.org", "b@example.org"])
    now = utcnow()
    report = delivery.deliver_due(db, now=now)
    assert (report.verzonden, report.uitgesteld) == (1, 1)
    stalled = rows(db)[first]
    assert stalled.status == "pending" and stalled.next_attempt_at > now
    assert "Timeout" in (stalled.last_error or "")
    assert rows(db)[second].status == "sent"
    assert delivery.deliver_due(db, now=now + DAY).verzonden == 1
    assert rows(db)[first].status == "sent"


def test_backoff_grows_and_is_capped() -> None:
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert delivery.backoff(30) == delivery.BACKOFF_MAX


def test_unrenderable_row_fails_alone(db, smtp_server, smtp_to) -> None:
    smtp_to(smtp_server)
    good = queue(db, ["a@example.org"])
    with db.transaction() as session:
        bad = outbox.enqueue(
            session, template="bestaat_niet", to_address="b@example.org", context={}
        )
        session.flush()
        assert bad is not None
        bad_id = bad.id
    report = delivery.deliver_due(db)
    assert (report.verzonden, report.mislukt) == (1, 1)
    final = rows(db)
    assert final[good[0]].status == "sent"
    assert final[bad_id].status == "failed" and "Opmaak mislukt" in (final[bad_id].last_error or "")


def test_two_runs_never_claim_the_same_rows(db) -> None:
    queue(db, [f"s{n}@example.org" for n in range(6)])
    now = utcnow()
    _token_a, first = delivery._claim(db, now, 4)
    _token_b, second = delivery._claim(db, now, 4)
    assert len(first) == 4 and len(second) == 2
    assert not {row.id for row in first} & {row.id for row in second}


def test_invalid_status_is_a_dutch_message(db, cli) -> None:
    result = cli("outbox", "list", "--status", "kwijt")
    assert result.code == 1 and "bestaat niet" in result.err
    missing = cli("outbox", "retry", "999")
    assert missing.code == 1 and "staat niet in de outbox" in missing.err


def test_kennismaking_sends_invitations(db, organisaties, smtp_server, smtp_to, cli) -> None:
    smtp_to(smtp_server)
    traject = lv_traject(db, organisaties)
    op = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT10:00")
    refused = cli("traject", "kennismaking", str(traject.id), "--op", op)
    assert refused.code == 1 and "Koppel eerst een adviseur" in refused.err
    trajecten.koppel(db, traject_id=traject.id, adviseur=organisaties.adviseur, actor=ACTOR)
    delivery.deliver_due(db)
    smtp_server.handler.received.clear()

    past = cli("traject", "kennismaking", str(traject.id), "--op", "2020-01-01T10:00")
    assert past.code == 1 and "verleden" in past.err
    result = cli(
        "traject", "kennismaking", str(traject.id), "--op", op, "--locatie", "De Regenboog, Utrecht"
    )
    assert result.code == 0, result.err
    events = trajecten.history(db, traject_id=traject.id)
    assert events[-1].trigger == "kennismaking_gepland"
    assert cli("verify").code == 0

    assert delivery.deliver_due(db).verzonden == 2
    received = smtp_server.handler.received
    assert sorted(item.rcpt_tos[0] for item in received) == [
        "anna@adviseurs.nl",
        "jan@regenboog.nl",
    ]
    invites = []
    for item in received:
        parsed = message_from_bytes(item.raw, policy=policy.default)
        (attachment,) = list(parsed.iter_attachments())
        assert attachment.get_content_type() == "text/calendar"
        invites.append(attachment.get_content().replace("\r\n ", ""))
        assert "Kennismaking" in item.subject and traject.referentie in item.subject
    assert all("LOCATION:De Regenboog\\, Utrecht" in ics for ics in invites)
    assert all("SEQUENCE:0" in ics for ics in invites)

    # moving the date: same event (UID), a higher SEQUENCE, so calendars update it
    later = (utcnow() + timedelta(days=31)).strftime("%Y-%m-%dT14:00")
    assert cli("traject", "kennismaking", str(traject.id), "--op", later).code == 0
    delivery.deliver_due(db)
    moved = [message_from_bytes(item.raw, policy=policy.default) for item in received[2:]]
    assert len(moved) == 2
    ics = list(moved[0].iter_attachments())[0].get_content().replace("\r\n ", "")
    uid = next(line for line in invites[0].splitlines() if line.startswith("UID:"))
    assert uid in ics and "SEQUENCE:1" in ics
