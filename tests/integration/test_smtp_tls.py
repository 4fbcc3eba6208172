"""Delivery over STARTTLS with a login, against a real aiosmtpd server with its own certificate."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from casework.services import delivery, outbox
from casework.settings import get_settings
from notifications.samples import sample_context
from notifications.smtp import SmtpConfig
from tests.fixtures_smtp import RecordingHandler, free_port

USER, PASSWORD = "casework", "geheim-wachtwoord"


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, RecordingHandler, Path]]:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield port, handler, cert
    finally:
        controller.stop()


def test_starttls_and_login(db, tls_server) -> None:
    port, handler, cert = tls_server
    with db.transaction() as session:
        outbox.enqueue(
            session,
            template="generiek",
            to_address="school@example.org",
            context=sample_context("generiek"),
        )
    config = SmtpConfig(
        host="127.0.0.1",
        port=port,
        username=USER,
        password=PASSWORD,
        security="starttls",
        cert_bundle=str(cert),
        timeout=3,
    )
    wrong = SmtpConfig(**{**config.__dict__, "password": "fout"})
    refused = delivery.deliver_due(db, smtp=wrong)
    assert refused.uitgesteld == 1 and not handler.received
    (row,) = delivery.list_outbox(db)
    # a refused login is the server's set-up, not the message's fault: no attempt is used up
    # (aiosmtpd lets a failed login time out instead of answering 535)
    assert row.status == "pending" and row.last_error and row.attempts == 0

    report = delivery.deliver_due(db, smtp=config, now=row.next_attempt_at)
    assert report.verzonden == 1
    assert [item.rcpt_tos for item in handler.received] == [["school@example.org"]]


def test_settings_become_the_smtp_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("CASEWORK_SMTP_PORT", "587")
    monkeypatch.setenv("CASEWORK_SMTP_USERNAME", USER)
    monkeypatch.setenv("CASEWORK_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("CASEWORK_SMTP_SECURITY", "STARTTLS")
    get_settings.cache_clear()
    config = delivery.smtp_config()
    assert (config.host, config.port, config.security) == ("smtp.example.org", 587, "starttls")
    assert (config.username, config.password) == (USER, PASSWORD)
    monkeypatch.setenv("CASEWORK_SMTP_SECURITY", "ssl3")
    get_settings.cache_clear()
    from casework.errors import InvalidInput

    with pytest.raises(InvalidInput, match="none, starttls of tls"):
        delivery.smtp_config()
    get_settings.cache_clear()
