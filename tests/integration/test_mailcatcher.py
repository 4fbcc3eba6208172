"""The embedded mail catcher: what delivery sends shows up in `casework mail list/show`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from casework.services import delivery, trajecten
from casework.settings import get_settings
from notifications.catcher import MailStore, start_catcher
from notifications.render import build_message, render
from notifications.samples import sample_context
from notifications.smtp import Outcome, Outgoing, SmtpConfig, send_batch
from tests.fixtures_smtp import free_port
from tests.fixtures_trajecten import ACTOR, lv_traject


def prepared(message_id: str, template: str = "toewijzing") -> Outgoing:
    message = build_message(
        render(template, sample_context(template)),
        message_id=message_id,
        sender="noreply@casework.local",
        to_address="anne@adviseurs.example",
        to_name="Anne",
    )
    return Outgoing(1, "noreply@casework.local", ("anne@adviseurs.example",), message.as_bytes())


def test_delivered_mail_is_listed_and_shown(db, organisaties, smtp_to, cli) -> None:
    store = MailStore(get_settings().data_dir / "mail")
    handle = start_catcher("127.0.0.1", free_port(), store)
    try:
        smtp_to(handle)
        traject = lv_traject(db, organisaties)
        trajecten.koppel(db, traject_id=traject.id, adviseur=organisaties.adviseur, actor=ACTOR)
        assert delivery.deliver_due(db).verzonden == 3
    finally:
        handle.stop()

    listed = cli("mail", "list", "--json")
    assert listed.code == 0, listed.err
    mails = json.loads(listed.out)
    assert len(mails) == 3
    assert all(mail["subject"].startswith(traject.referentie) for mail in mails)
    assert [m["received_at"] for m in mails] == sorted(
        (m["received_at"] for m in mails), reverse=True
    )
    toewijzing = next(m for m in mails if m["to"] == ["anna@adviseurs.nl"])
    assert toewijzing["from"] == "noreply@casework.local"
    assert "De Regenboog" in toewijzing["text"] and "<html" in toewijzing["html"]

    shown = cli("mail", "show", toewijzing["id"])
    assert shown.code == 0, shown.err
    assert "Nieuwe toewijzing" in shown.out and "Wat vragen we van u?" in shown.out
    assert cli("mail", "show", toewijzing["id"][:6]).code == 0
    assert "Nieuwe toewijzing" in cli("mail", "list").out
    missing = cli("mail", "show", "ffffffff")
    assert missing.code == 1 and "niet gevonden" in missing.err


def test_duplicate_message_id_is_dropped(tmp_path: Path) -> None:
    store = MailStore(tmp_path / "mail")
    handle = start_catcher("127.0.0.1", free_port(), store)
    try:
        config = SmtpConfig(host=handle.host, port=handle.port)
        first = send_batch(config, [prepared("<een@casework.local>")])
        again = send_batch(config, [prepared("<een@casework.local>"), prepared("<twee@x>")])
    finally:
        handle.stop()
    # for the sender a duplicate is delivered (250); the catcher keeps one copy
    assert [r.outcome for r in first + again] == [Outcome.SENT] * 3
    assert store.duplicates == 1
    assert sorted(m.message_id or "" for m in store.list()) == ["<een@casework.local>", "<twee@x>"]
    # a second store on the same directory (another process) also sees the first copy
    assert MailStore(tmp_path / "mail").add(prepared("<een@casework.local>").data) is None
    raw = store.raw(store.list()[0].id)
    assert raw is not None and b"Message-ID:" in raw


def _wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def test_mailcatcher_command_runs_until_stopped(tmp_path: Path) -> None:
    port = free_port()
    directory = tmp_path / "opgevangen"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from casework.cli import entrypoint; entrypoint()"]
        + ["mailcatcher", "--port", str(port)]
        + ["--map", str(directory)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_port(port)
        results = send_batch(SmtpConfig(port=port), [prepared("<cli@casework.local>")])
        assert results[0].outcome is Outcome.SENT
        (mail,) = MailStore(directory).list()
        assert mail.message_id == "<cli@casework.local>"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert f"127.0.0.1:{port}" in out


def test_preview_renders_without_sending(db, organisaties, cli, tmp_path: Path) -> None:
    traject = lv_traject(db, organisaties)
    shown = cli("mail", "preview", "aanmelding_ontvangen", "--traject", str(traject.id))
    assert shown.code == 0, shown.err
    assert f"Onderwerp: {traject.referentie}" in shown.out and "Jan Jansen" in shown.out
    reminder = cli("mail", "preview", "herinnering", "--traject", str(traject.id))
    assert reminder.code == 0 and "werkdagen" in reminder.out
    html_file = tmp_path / "toewijzing.html"
    assert cli("mail", "preview", "toewijzing", "--output", str(html_file)).code == 0
    assert html_file.read_text().lstrip().startswith("<!DOCTYPE html>")
    eml = tmp_path / "kennismaking.eml"
    assert cli("mail", "preview", "kennismaking", "--output", str(eml)).code == 0
    assert b"uitnodiging.ics" in eml.read_bytes()
    unknown = cli("mail", "preview", "onbekend")
    assert unknown.code == 1 and "bestaat niet" in unknown.err
    # previewing sent nothing and queued nothing new
    assert len(delivery.list_outbox(db)) == 1
