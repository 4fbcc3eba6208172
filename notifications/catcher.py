"""The embedded mail catcher: an SMTP server on 127.0.0.1 that keeps what it receives.

A new user sees every email the product sends without a real mail server. Each message is
stored in a directory as `<id>.eml` (the raw message) and `<id>.json` (the fields to list it);
the id is derived from the Message-ID, so a message that arrives twice (a resend after a crash
between "accepted" and "marked sent") is recognised and dropped. The server still answers 250
for a duplicate: for the sender it was delivered.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger(__name__)


class CaughtMail(BaseModel):
    """One received message, as `casework mail list/show` and the web app show it."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    message_id: str | None
    from_: str = Field(alias="from")
    to: list[str]
    subject: str
    received_at: datetime
    text: str
    html: str | None = None
    attachments: list[str] = Field(default_factory=list)


def _mail_id(message_id: str | None, raw: bytes) -> str:
    key = message_id.strip() if message_id else hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]


def _part(message: EmailMessage, subtype: str) -> str | None:
    body = message.get_body(preferencelist=(subtype,))
    if body is None:
        return None
    try:
        return str(body.get_content())
    except (LookupError, ValueError):
        return None


class MailStore:
    """The caught messages in a directory; safe to read while a catcher writes to it."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        #: how many duplicates (same Message-ID) this store object dropped
        self.duplicates = 0
        self._lock = threading.Lock()

    def add(
        self, raw: bytes, *, mail_from: str | None = None, rcpt_tos: list[str] | None = None
    ) -> CaughtMail | None:
        """Keep a received message; None when a message with its Message-ID is already here."""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        message_id = str(parsed["Message-ID"]).strip() if parsed["Message-ID"] else None
        mail_id = _mail_id(message_id, raw)
        mail = CaughtMail(
            id=mail_id,
            message_id=message_id,
            **{"from": mail_from or str(parsed["From"] or "")},
            to=list(rcpt_tos or [str(parsed["To"] or "")]),
            subject=str(parsed["Subject"] or ""),
            received_at=datetime.now(UTC),
            text=_part(parsed, "plain") or "",
            html=_part(parsed, "html"),
            attachments=[
                part.get_filename() or "bijlage"
                for part in parsed.iter_attachments()
                if isinstance(part, EmailMessage)
            ],
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / f"{mail_id}.json"
        with self._lock:
            if final.exists():
                self.duplicates += 1
                log.info("duplicate message dropped: %s", message_id)
                return None
            (self.directory / f"{mail_id}.eml").write_bytes(raw)
            tmp = self.directory / f".{mail_id}.{os.getpid()}.tmp"
            tmp.write_text(mail.model_dump_json(by_alias=True), encoding="utf-8")
            try:
                # link() fails when the name exists: another catcher process was first
                os.link(tmp, final)
            except FileExistsError:
                self.duplicates += 1
                return None
            finally:
                tmp.unlink(missing_ok=True)
        return mail

    def list(self) -> list[CaughtMail]:
        """Every caught message, newest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob("*.json"):
            with contextlib.suppress(OSError, ValueError):
                found.append(CaughtMail.model_validate(json.loads(path.read_text("utf-8"))))
        found.sort(key=lambda mail: (mail.received_at, mail.id), reverse=True)
        return found

    def get(self, mail_id: str) -> CaughtMail | None:
        """One message by its id (a unique prefix of at least 4 characters is enough)."""
        if not mail_id or not all(ch in "0123456789abcdef" for ch in mail_id):
            return None
        path = self.directory / f"{mail_id}.json"
        if not path.exists() and len(mail_id) >= 4 and self.directory.is_dir():
            matches = list(self.directory.glob(f"{mail_id}*.json"))
            path = matches[0] if len(matches) == 1 else path
        if not path.exists():
            return None
        return CaughtMail.model_validate(json.loads(path.read_text("utf-8")))

    def raw(self, mail_id: str) -> bytes | None:
        """The message as received (for saving as .eml)."""
        mail = self.get(mail_id)
        if mail is None:
            return None
        return (self.directory / f"{mail.id}.eml").read_bytes()

    def count(self) -> int:
        return len(list(self.directory.glob("*.json"))) if self.directory.is_dir() else 0


class CatcherHandler:
    """aiosmtpd handler: every accepted message goes into the store."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        try:
            self.store.add(raw, mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos))
        except OSError as exc:  # a full disk: let the sender try again later
            log.exception("mail catcher could not store a message")
            return f"451 4.3.0 could not store message: {exc.strerror}"
        return "250 2.0.0 OK"


@dataclass
class CatcherHandle:
    """A running catcher; `stop()` ends it."""

    controller: Controller
    store: MailStore
    host: str
    port: int

    def stop(self) -> None:
        self.controller.stop()


def start_catcher(host: str, port: int, store: MailStore) -> CatcherHandle:
    """Start the catcher in a background thread with its own event loop."""
    controller = Controller(
        CatcherHandler(store),
        hostname=host,
        port=port,
        ready_timeout=10,
        server_kwargs={"enable_SMTPUTF8": True},
    )
    controller.start()
    log.info("mail catcher listening on %s:%s, storing in %s", host, port, store.directory)
    return CatcherHandle(controller=controller, store=store, host=host, port=port)
