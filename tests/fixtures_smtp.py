"""Real SMTP servers for tests (aiosmtpd on free loopback ports): a good one and a faulty one.

- `smtp_server`: accepts everything and records each message (Message-ID, recipients, raw).
- `faulty_smtp_server`: the same, plus faults set on its handler: `drop_at` (close the
  connection without an answer when the Nth DATA arrives, once), `tempfail_first` (answer 421
  to the first N DATA commands), `reject` (answer 550 at RCPT for these addresses),
  `stall_first` (hang before answering the first DATA, so the client times out).
- `mail_catcher`: the product's own catcher (notifications.catcher) with a store in tmp_path.
- `smtp_to(server)`: point the settings (CASEWORK_SMTP_HOST/PORT) at a server.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from casework.settings import get_settings
from notifications.catcher import CatcherHandle, MailStore, start_catcher


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    message_id: str | None
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def subject(self) -> str:
        return str(message_from_bytes(self.raw, policy=policy.default)["Subject"])


@dataclass
class RecordingHandler:
    """Accepts every message and keeps it; with faults for the faulty server."""

    received: list[Received] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    tempfail_first: int = 0
    drop_at: int | None = None
    #: seconds to wait before answering the first DATA (a server that hangs: a client timeout)
    stall_first: float = 0.0
    data_commands: int = 0
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        self.connections += 1
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_commands += 1
            count = self.data_commands
        if self.drop_at is not None and count == self.drop_at:
            # the connection dies before the server answered: the client cannot know
            server.transport.close()
            return "451 4.3.0 connection dropped"
        if count == 1 and self.stall_first:
            await asyncio.sleep(self.stall_first)
            return "451 4.4.2 too late"
        if count <= self.tempfail_first:
            return "421 4.3.2 Service not available, closing transmission channel"
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=policy.default)
        self.received.append(
            Received(
                message_id=str(parsed["Message-ID"]) if parsed["Message-ID"] else None,
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                raw=raw,
            )
        )
        return "250 2.0.0 OK: queued"

    def per_message_id(self) -> Counter[str | None]:
        return Counter(item.message_id for item in self.received)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


def _serve(handler: RecordingHandler) -> Iterator[SmtpServer]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A well-behaved SMTP server that records every message it accepts."""
    yield from _serve(RecordingHandler())


@pytest.fixture
def faulty_smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server whose faults the test sets on `.handler` (drop_at, tempfail_first, reject)."""
    yield from _serve(RecordingHandler())


@pytest.fixture
def mail_catcher(tmp_path: Path) -> Iterator[CatcherHandle]:
    """The product's mail catcher on a free port, storing in tmp_path/caught."""
    handle = start_catcher("127.0.0.1", free_port(), MailStore(tmp_path / "caught"))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def smtp_to(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], None]:
    """Point delivery (the settings) at a server with `.host` and `.port`."""

    def point(server: Any) -> None:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        get_settings.cache_clear()

    return point
