"""The outbox page: a failed message is visible with the server's reply and retried by a person."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select, update

from casework.db import Database
from casework.db.models import OutboxMessage
from tests.fixtures_web import WebWereld, csrf_of, logged_in


def test_failed_message_is_shown_and_retried(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    with db.transaction() as session:
        first = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert first is not None
        failed_id = first.id
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == failed_id)
            .values(status="failed", attempts=3, last_error="550 5.1.1 <x@school.nl>: no such user")
        )
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    page = client.get("/outbox")
    assert page.status_code == 200
    assert f'id="bericht-{failed_id}"' in page.text and "no such user" in page.text
    answer = client.post(f"/outbox/{failed_id}/opnieuw", data={"csrf_token": csrf_of(page.text)})
    assert answer.status_code == 303
    with db.read() as session:
        row = session.get_one(OutboxMessage, failed_id)
        assert row.status == "pending"
    shown = client.get("/outbox").text  # the flash of the retry, and no longer failed
    assert "staat weer klaar" in shown and f'id="bericht-{failed_id}"' not in shown
    assert f'id="bericht-{failed_id}"' in client.get("/outbox?status=pending").text

    finance = logged_in(web_app, web_wereld.emails["finance"])
    assert finance.get("/outbox").status_code == 403
