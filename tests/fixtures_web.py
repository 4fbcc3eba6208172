"""Fixtures for the web app: a world with one account per role, a live uvicorn server on a free
port against the test database, and a Chromium (Debian's) driven by Playwright.

Registered in tests/conftest.py (`pytest_plugins`).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from casework.db import Database
from casework.services import accounts, trajecten
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject

WACHTWOORD = "correct-paard-batterij"
ROLLEN = ("medewerker", "adviseur", "finance", "management", "beheerder")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class WebWereld:
    """Accounts of every role (password WACHTWOORD), their API tokens and two trajecten.

    `traject_id` is an LV traject in aanmelding assigned (not yet accepted) to the adviseur;
    `ander_traject_id` is a GWGB traject nobody is assigned to.
    """

    org: Organisaties
    traject_id: int
    ander_traject_id: int
    emails: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def web_wereld(db: Database, organisaties: Organisaties) -> WebWereld:
    traject = lv_traject(db, organisaties)
    trajecten.koppel(
        db,
        traject_id=traject.id,
        adviseur=organisaties.adviseur,
        actor=ACTOR,
        geaccepteerd=False,
    )
    ander = trajecten.aanmelden(
        db,
        programma="gwgb",
        bestuur=organisaties.bestuur_zonder_oordeel,
        hulpvraag=None,
        contact_naam="Els Elders",
        contact_email="els@elders.nl",
        actor=ACTOR,
    )
    wereld = WebWereld(org=organisaties, traject_id=traject.id, ander_traject_id=ander.id)
    for rol in ROLLEN:
        email = organisaties.adviseur if rol == "adviseur" else f"{rol}@casework.test"
        accounts.add_user(db, email=email, rol=rol, wachtwoord=WACHTWOORD)
        wereld.emails[rol] = email
        wereld.tokens[rol] = accounts.create_token(db, email=email)
    return wereld


@pytest.fixture
def web_app(db: Database) -> FastAPI:
    from casework.web.app import create_app

    return create_app(db, aanmeld_limiet=1000)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


def logged_in(app: FastAPI, email: str, wachtwoord: str = WACHTWOORD) -> TestClient:
    """An in-process client with a session of this account."""
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"csrf_token": token, "email": email, "wachtwoord": wachtwoord}
    )
    assert answer.status_code == 303, answer.text
    return client


class LiveServer:
    """uvicorn serving an app in a thread, on a port the OS picked."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def live_server(web_app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(web_app) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium (never a downloaded one), once per test session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def pagina(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (no cookies) with JavaScript off: the pages must work without."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="nl-NL"
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Keep a screenshot of a key page as a test artefact (test-artifacts/ is gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path
