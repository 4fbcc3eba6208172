"""Delivering the outbox: claim what is due, render it, send it over SMTP, record the outcome.

A run takes rows in batches. Each batch is claimed in its own transaction (status 'sending', a
claim token, a lease until which no other run takes them), rendered, sent over ONE connection
and then recorded in one transaction: 'sent' only for what the server accepted, 'pending' with
an exponential backoff for a temporary failure (4xx, a dropped connection, a timeout), 'failed'
with the server's reply for a permanent one (5xx) or after too many attempts.

If the process dies anywhere, nothing is lost: a claimed row whose lease ran out is due again.
When it dies between "the server accepted" and "marked sent", the row is sent again with the
same Message-ID, so the receiver can see the duplicate (the mail catcher drops it).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any, cast

from pydantic import BaseModel, computed_field
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.base import utcnow
from casework.db.models import OutboxMessage
from casework.errors import InvalidInput, NotFound, StepNotAllowed
from casework.settings import Settings, get_settings
from notifications.render import Rendered, build_bytes, render
from notifications.smtp import Outcome, Outgoing, SendResult, SmtpConfig, send_batch

log = logging.getLogger(__name__)

STATUSES = ("pending", "sending", "sent", "failed")
#: how long a run holds claimed rows before another run may take them again
LEASE = timedelta(minutes=10)
#: after this many attempts a temporary failure becomes a visible failure
MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


class DeliveryReport(BaseModel):
    """What one delivery run did."""

    verzonden: int = 0
    mislukt: int = 0
    uitgesteld: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def samenvatting(self) -> str:
        text = f"outbox: {self.verzonden} verzonden, {self.mislukt} mislukt"
        return text + (f", {self.uitgesteld} uitgesteld" if self.uitgesteld else "")


class OutboxRead(BaseModel):
    id: int
    message_id: str
    traject_id: int | None
    template: str
    to_address: str
    to_name: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    subject: str | None
    template_version: str | None


@dataclass(frozen=True)
class _Claimed:
    id: int
    message_id: str
    template: str
    to_address: str
    to_name: str | None
    context: dict[str, Any]
    attempts: int


def smtp_config(settings: Settings | None = None) -> SmtpConfig:
    """The SMTP server of the settings (`CASEWORK_SMTP_*`)."""
    s = settings or get_settings()
    security = s.smtp_security.strip().lower()
    if security not in ("none", "starttls", "tls"):
        raise InvalidInput(
            f"CASEWORK_SMTP_SECURITY={s.smtp_security!r} is onbekend: kies none, starttls of tls."
        )
    return SmtpConfig(
        host=s.smtp_host,
        port=s.smtp_port,
        username=s.smtp_username,
        password=s.smtp_password.get_secret_value() if s.smtp_password else None,
        security=security,
        timeout=s.smtp_timeout,
    )


def backoff(attempts: int) -> timedelta:
    """Waiting time before the next try: 1, 2, 4, ... minutes, at most six hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _due(now: datetime) -> Any:
    # a 'sending' row whose lease ran out was left by a run that died: it is due again
    return OutboxMessage.status.in_(("pending", "sending")) & (OutboxMessage.next_attempt_at <= now)


def _claim(db: Database, now: datetime, size: int) -> tuple[str, list[_Claimed]]:
    token = uuid.uuid4().hex
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(_due(now))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(size)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return token, []
        # the status check again: a row another run claimed in the meantime is not taken
        rows = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), _due(now))
            .values(
                status="sending",
                claim_token=token,
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + LEASE,
            )
            .returning(
                OutboxMessage.id,
                OutboxMessage.message_id,
                OutboxMessage.template,
                OutboxMessage.to_address,
                OutboxMessage.to_name,
                OutboxMessage.context,
                OutboxMessage.attempts,
            )
            .execution_options(synchronize_session=False)
        ).all()
    return token, sorted((_Claimed(*row) for row in rows), key=lambda row: row.id)


def render_row(template: str, context: dict[str, Any], to_name: str | None) -> Rendered:
    """Render an outbox row's message (the recipient's name is offered as `ontvanger_naam`)."""
    values = dict(context or {})
    values.setdefault("ontvanger_naam", to_name)
    return render(template, values)


def _prepare(
    rows: Sequence[_Claimed], sender: str
) -> tuple[list[Outgoing], list[SendResult], dict[int, Rendered]]:
    envelope_from = parseaddr(sender)[1] or sender
    outgoing: list[Outgoing] = []
    failed: list[SendResult] = []
    rendered: dict[int, Rendered] = {}
    for row in rows:
        try:
            made = render_row(row.template, row.context, row.to_name)
            data = build_bytes(
                made,
                message_id=row.message_id,
                sender=sender,
                to_address=row.to_address,
                to_name=row.to_name,
            )
        except Exception as exc:  # any broken row becomes a visible failure, not a stuck run
            log.exception("outbox %s could not be rendered", row.id)
            failed.append(
                SendResult(row.id, Outcome.PERMANENT, f"Opmaak mislukt: {exc}", attempted=False)
            )
            continue
        rendered[row.id] = made
        outgoing.append(Outgoing(row.id, envelope_from, (row.to_address.strip(),), data))
    return outgoing, failed, rendered


def _mark(
    db: Database,
    token: str,
    rows: Sequence[_Claimed],
    results: Sequence[SendResult],
    rendered: dict[int, Rendered],
    now: datetime,
) -> DeliveryReport:
    """Record each outcome, only on rows this run still holds (its claim token)."""
    attempts = {row.id: row.attempts for row in rows}
    report = DeliveryReport()
    sent: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for result in results:
        tries = attempts[result.key] - (0 if result.attempted else 1)
        if result.outcome is Outcome.SENT:
            made = rendered[result.key]
            sent.append(
                {
                    "b_id": result.key,
                    "b_subject": made.subject,
                    "b_text": made.text,
                    "b_version": made.version,
                }
            )
            report.verzonden += 1
        elif result.outcome is Outcome.TEMPORARY and tries < MAX_ATTEMPTS:
            other.append(_row_update(result.key, "pending", tries, now + backoff(tries), result))
            report.uitgesteld += 1
        else:
            reply = result.reply
            if result.outcome is Outcome.TEMPORARY:
                reply = f"Na {tries} pogingen opgegeven: {reply}"
            other.append(_row_update(result.key, "failed", tries, now, result, reply))
            report.mislukt += 1
    table = cast(Table, OutboxMessage.__table__)
    mine = (table.c.id == bindparam("b_id")) & (table.c.claim_token == token)
    with db.transaction() as session:
        if sent:
            session.execute(
                update(table)
                .where(mine)
                .values(
                    status="sent",
                    sent_at=now,
                    claim_token=None,
                    last_error=None,
                    subject=bindparam("b_subject"),
                    body_text=bindparam("b_text"),
                    template_version=bindparam("b_version"),
                ),
                sent,
            )
        if other:
            session.execute(
                update(table)
                .where(mine)
                .values(
                    status=bindparam("b_status"),
                    attempts=bindparam("b_attempts"),
                    next_attempt_at=bindparam("b_next"),
                    last_error=bindparam("b_error"),
                    claim_token=None,
                ),
                other,
            )
    return report


def _row_update(
    key: int,
    status: str,
    attempts: int,
    next_at: datetime,
    result: SendResult,
    reply: str | None = None,
) -> dict[str, Any]:
    return {
        "b_id": key,
        "b_status": status,
        "b_attempts": attempts,
        "b_next": next_at,
        "b_error": (reply or result.reply)[:4000],
    }


@dataclass
class _Batch:
    token: str
    rows: list[_Claimed]
    outgoing: list[Outgoing]
    failed: list[SendResult]
    rendered: dict[int, Rendered]


def deliver_due(
    db: Database,
    *,
    limit: int = 500,
    now: datetime | None = None,
    batch_size: int = 200,
    smtp: SmtpConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> DeliveryReport:
    """Send what is due in the outbox (at most `limit` rows), in batches over one connection each.

    Returns how many were sent, failed for good, and put off until later.
    """
    settings = get_settings()
    config = smtp or smtp_config(settings)
    report = DeliveryReport()
    remaining = limit

    def next_batch() -> _Batch | None:
        nonlocal remaining
        if remaining <= 0:
            return None
        token, rows = _claim(db, now or utcnow(), min(batch_size, remaining))
        if not rows:
            return None
        remaining -= len(rows)
        return _Batch(token, rows, *_prepare(rows, settings.mail_from))

    # While one batch is on the wire (a thread of its own, one connection), this thread records
    # the previous batch and claims and renders the next: the database and the templates keep
    # pace with the SMTP server instead of taking turns with it. Only this thread uses the
    # database; at most two batches are claimed at a time.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="smtp") as wire:
        batch = next_batch()
        sending = wire.submit(send_batch, config, batch.outgoing) if batch else None
        while batch is not None and sending is not None:
            following = next_batch()
            results = sending.result() + batch.failed
            sending = wire.submit(send_batch, config, following.outgoing) if following else None
            done = _mark(db, batch.token, batch.rows, results, batch.rendered, now or utcnow())
            report.verzonden += done.verzonden
            report.mislukt += done.mislukt
            report.uitgesteld += done.uitgesteld
            if progress is not None:
                progress(len(batch.rows))
            batch = following
    if report.verzonden or report.mislukt or report.uitgesteld:
        log.info("%s", report.samenvatting)
    return report


# -- reading and retrying --------------------------------------------------------------------


def _read(row: OutboxMessage) -> OutboxRead:
    return OutboxRead.model_validate(row, from_attributes=True)


def list_outbox(
    db: Database, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[OutboxRead]:
    """Outbox messages, newest first; `status` narrows to pending, sending, sent or failed."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
    if status is not None:
        status = status.strip().lower()
        if status not in STATUSES:
            raise InvalidInput(f"Status {status!r} bestaat niet: kies uit {', '.join(STATUSES)}.")
        query = query.where(OutboxMessage.status == status)
    with db.read() as session:
        return [_read(row) for row in session.scalars(query)]


def count_due(db: Database, *, now: datetime | None = None) -> int:
    """How many messages a delivery run would take now."""
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(OutboxMessage).where(_due(now or utcnow()))
            )
            or 0
        )


def _get(session: Session, outbox_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(
            f"Bericht {outbox_id} staat niet in de outbox. Zoek het id op met "
            "'casework outbox list'."
        )
    return row


def show_outbox(db: Database, *, outbox_id: int) -> OutboxRead:
    """One outbox message."""
    with db.read() as session:
        return _read(_get(session, outbox_id))


def retry(db: Database, *, outbox_id: int, now: datetime | None = None) -> OutboxRead:
    """Put a failed (or waiting) message back in the queue, due at once, with fresh attempts."""
    at = now or utcnow()
    with db.transaction() as session:
        row = _get(session, outbox_id)
        if row.status == "sent":
            raise StepNotAllowed(
                f"Bericht {outbox_id} is al verzonden; er wordt niets opnieuw verstuurd."
            )
        if row.status == "sending" and row.next_attempt_at > at:
            raise StepNotAllowed(
                f"Bericht {outbox_id} wordt op dit moment verzonden; probeer het over een paar "
                "minuten opnieuw."
            )
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = at
        row.claim_token = None
        session.flush()
        return _read(row)
