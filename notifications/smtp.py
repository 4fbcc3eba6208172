"""Sending prepared messages over SMTP: the only module that imports aiosmtplib.

`send_batch` sends a list of messages over ONE connection (reconnecting a bounded number of
times when the server drops it) and reports per message what the server said:
- SENT: the server accepted the message (250 after DATA);
- TEMPORARY: a 4xx reply, a dropped connection or a timeout: try again later;
- PERMANENT: a 5xx reply: do not try again; `reply` holds the server's words.
Nothing here knows of outbox rows: a message is a key, an envelope and bytes.
"""

from __future__ import annotations

import asyncio
import enum
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import aiosmtplib

T = TypeVar("T")


class Outcome(enum.StrEnum):
    SENT = "sent"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 8025
    username: str | None = None
    password: str | None = None
    #: "none", "starttls" or "tls" (implicit TLS)
    security: str = "none"
    timeout: float = 30.0
    validate_certs: bool = True
    #: a CA bundle to verify the server's certificate with (a private CA, or a test's own)
    cert_bundle: str | None = None


@dataclass(frozen=True)
class Outgoing:
    key: int
    sender: str
    recipients: tuple[str, ...]
    data: bytes


@dataclass(frozen=True)
class SendResult:
    key: int
    outcome: Outcome
    reply: str
    #: False when the message never reached the server (no connection could be made)
    attempted: bool = True


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, also when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="smtp-send")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return cast(T, box["value"])


def send_batch(
    config: SmtpConfig, messages: Sequence[Outgoing], *, max_reconnects: int = 3
) -> list[SendResult]:
    """Send `messages` in order over one connection; one result per message, same order."""
    if not messages:
        return []
    return _run(_send_batch(config, list(messages), max_reconnects))


async def _connect(config: SmtpConfig) -> aiosmtplib.SMTP:
    client = aiosmtplib.SMTP(
        hostname=config.host,
        port=config.port,
        timeout=config.timeout,
        use_tls=config.security == "tls",
        start_tls=config.security == "starttls",
        validate_certs=config.validate_certs,
        cert_bundle=config.cert_bundle,
    )
    await client.connect()
    if config.username:
        await client.login(config.username, config.password or "")
    return client


async def _close(client: aiosmtplib.SMTP | None) -> None:
    if client is None or not client.is_connected:
        return
    try:
        await client.quit()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        first = exc.recipients[0]
        return f"{first.code} {first.message}".strip()
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}".strip()
    return f"{type(exc).__name__}: {exc}".strip(": ")


def _code(exc: BaseException) -> int | None:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        return exc.recipients[0].code
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return exc.code
    return None


async def _send_batch(
    config: SmtpConfig, messages: list[Outgoing], max_reconnects: int
) -> list[SendResult]:
    results: list[SendResult] = []
    client: aiosmtplib.SMTP | None = None
    connections = 0
    try:
        index = 0
        while index < len(messages):
            if client is None:
                if connections > max_reconnects:
                    reason = "connection lost too often in one batch"
                    results += [
                        SendResult(m.key, Outcome.TEMPORARY, reason, attempted=False)
                        for m in messages[index:]
                    ]
                    break
                connections += 1
                try:
                    client = await _connect(config)
                except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                    # a refused login or connection says nothing about the messages: none of
                    # the rest reached the server, all wait for the next run
                    reason = _describe(exc)
                    results += [
                        SendResult(m.key, Outcome.TEMPORARY, reason, attempted=False)
                        for m in messages[index:]
                    ]
                    break
            message = messages[index]
            index += 1
            try:
                await client.sendmail(message.sender, list(message.recipients), message.data)
            except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
                code = _code(exc) or 451
                outcome = Outcome.PERMANENT if code >= 500 else Outcome.TEMPORARY
                results.append(SendResult(message.key, outcome, _describe(exc)))
                # 421 means the server closes the channel: start a fresh connection
                if code == 421 or not client.is_connected:
                    await _close(client)
                    client = None
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                # a dropped connection or a timeout: whether the server kept the message is
                # unknown, so it is sent again later with the same Message-ID
                results.append(SendResult(message.key, Outcome.TEMPORARY, _describe(exc)))
                client.close()
                client = None
            else:
                results.append(SendResult(message.key, Outcome.SENT, "250 accepted"))
    finally:
        await _close(client)
    return results
