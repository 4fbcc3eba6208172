"""Hostile input in every form: HTML and SQL fragments are shown as text, huge fields and
nonsense are refused with a Dutch message, and nothing is written when refused. Also the
public form's abuse guards (honeypot, rate limit) and `casework user`."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from casework.db import Database
from casework.services import accounts, notities, trajecten, werkvoorraad
from casework.web.app import create_app
from tests.fixtures_web import WebWereld, csrf_of, logged_in

HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE trajecten; --"
HUGE = "x" * 100_000

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def aanmelding(client: TestClient, **fields: str) -> object:
    token = csrf_of(client.get("/aanmelden").text)
    return client.post("/aanmelden", data={"csrf_token": token, **fields})


def test_hostile_aanmelding_is_text_or_refused(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    client = TestClient(web_app, follow_redirects=False)
    base = {
        "programma": "lv",
        "school": web_wereld.org.school_so,
        "contact_naam": "Mevr. Jansen",
        "contact_email": "jansen@school.nl",
    }
    for field, value in (
        ("contact_email", HTML),
        ("school", SQL),
        ("hulpvraag", HUGE),
        ("contact_naam", HUGE),
        ("programma", SQL),
        ("contact_naam", "naam\x00met nul"),
    ):
        answer = aanmelding(client, **{**base, field: value})
        assert answer.status_code == 422, (field, answer.status_code)  # type: ignore[attr-defined]
        text = answer.text  # type: ignore[attr-defined]
        assert 'role="alert"' in text
        assert "<script>alert" not in text and "<img src=x" not in text
    assert werkvoorraad.count_trajecten(db) == 2
    # HTML where text is allowed: stored as typed, shown escaped to the medewerker
    made = aanmelding(client, **{**base, "hulpvraag": HTML + " " + SQL})
    assert made.status_code == 303  # type: ignore[attr-defined]
    newest = werkvoorraad.list_trajecten(db, limit=1)[0]
    assert newest.hulpvraag == HTML + " " + SQL
    medewerker = logged_in(web_app, web_wereld.emails["medewerker"])
    html = medewerker.get(f"/traject/{newest.id}").text
    assert "&lt;script&gt;alert(" in html and "<script>alert" not in html


def test_hostile_search_filters_and_notes(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    for params in (
        {"zoek": SQL},
        {"zoek": HTML},
        {"zoek": "%_%"},
        {"adviseur": HTML},
        {"zoek": "x" * 5000},
    ):
        answer = client.get("/werkvoorraad", params=params)
        assert answer.status_code == 200, params
        assert "<script>alert" not in answer.text
    assert client.get("/werkvoorraad", params={"programma": SQL}).status_code == 422
    # an unknown phase is refused with the Dutch reason, the fragment shown as text
    refused_fase = client.get("/werkvoorraad", params={"fase": SQL})
    assert refused_fase.status_code == 422
    assert "Onbekende fase" in refused_fase.text and "drop table trajecten" in refused_fase.text
    assert "<script>alert" not in client.get("/werkvoorraad", params={"fase": HTML}).text
    assert client.get("/werkvoorraad", params={"voor": "-1"}).status_code == 422
    assert client.get("/werkvoorraad", params={"voor": "9" * 30}).status_code == 422
    assert werkvoorraad.count_trajecten(db) == 2
    tid = web_wereld.traject_id
    page = client.get(f"/traject/{tid}").text
    token = csrf_of(page)
    client.post(f"/traject/{tid}/notitie", data={"csrf_token": token, "tekst": HTML})
    html = client.get(f"/traject/{tid}").text
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    refused = client.post(f"/traject/{tid}/notitie", data={"csrf_token": token, "tekst": HUGE})
    assert refused.status_code == 422
    assert (
        client.post(
            f"/traject/{tid}/notitie", data={"csrf_token": token, "tekst": "   "}
        ).status_code
        == 303
    )
    assert len(notities.list_notities(db, traject_id=tid)) == 1
    # a step with a forged phase, a hostile reason and a broken version
    for data in (
        {"fase": SQL},
        {"fase": "gestopt", "reden": HUGE},
        {"fase": "intake", "version": "1; DROP"},
        {"fase": HTML},
    ):
        client.post(f"/traject/{tid}/stap", data={"csrf_token": token, **data})
        assert trajecten.show(db, traject_id=tid).fase == "aanmelding", data
    shown = client.get(f"/traject/{tid}").text
    assert "<script>alert" not in shown
    for data in ({"adviseur": SQL}, {"adviseur": HTML}, {"adviseur": ""}):
        client.post(f"/traject/{tid}/adviseur", data={"csrf_token": token, **data})
    assert trajecten.show(db, traject_id=tid).adviseur == web_wereld.org.adviseur


def test_hostile_login_and_beheer(db: Database, web_wereld: WebWereld, web_app: FastAPI) -> None:
    client = TestClient(web_app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    for email in (HTML, SQL, HUGE):
        answer = client.post(
            "/login", data={"csrf_token": token, "email": email, "wachtwoord": SQL}
        )
        assert answer.status_code in (401, 422)
        assert "<script>alert" not in answer.text
    beheerder = logged_in(web_app, web_wereld.emails["beheerder"])
    token = csrf_of(beheerder.get("/beheer/gebruikers").text)
    for data in (
        {"email": HTML, "rol": "finance", "wachtwoord": "lang-genoeg-1"},
        {"email": "a@b.nl", "rol": SQL, "wachtwoord": "lang-genoeg-1"},
        {"email": "a@b.nl", "rol": "finance", "wachtwoord": HUGE},
    ):
        answer = beheerder.post("/beheer/gebruikers", data={"csrf_token": token, **data})
        assert answer.status_code == 422, data
        assert "<script>alert" not in answer.text
    assert len(accounts.list_users(db)) == 5


def test_hostile_assignment_links(web_wereld: WebWereld, web_app: FastAPI) -> None:
    client = TestClient(web_app, follow_redirects=False)
    for token in (SQL.replace("/", ""), "a" * 3000, "eyJ0IjoxLCJhIjoxfQ.nep.handtekening"):
        answer = client.get(f"/toewijzing/{token}")
        assert answer.status_code == 422
        assert "link is ongeldig" in answer.text


@sqlite_only
def test_honeypot_and_rate_limit(db: Database, web_wereld: WebWereld) -> None:
    app = create_app(db, aanmeld_limiet=3, aanmeld_venster=3600)
    client = TestClient(app, follow_redirects=False)
    bot = aanmelding(client, programma="lv", website="http://spam.example", contact_naam="Bot")
    assert bot.headers["location"] == "/aanmelden/bedankt"  # type: ignore[attr-defined]
    assert werkvoorraad.count_trajecten(db) == 2
    aanmelding(client, programma="lv")
    aanmelding(client, programma="lv")
    blocked = aanmelding(client, programma="lv")
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert "te veel aanmeldingen" in blocked.text  # type: ignore[attr-defined]


@sqlite_only
def test_user_cli(db: Database, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("een-goed-wachtwoord\n"))
    made = cli(
        "user", "add", "--email", "Mw@Voorbeeld.nl", "--rol", "medewerker", "--wachtwoord-stdin"
    )
    assert made.code == 0, made.err
    assert accounts.authenticate(db, email="mw@voorbeeld.nl", wachtwoord="een-goed-wachtwoord")
    token = cli("user", "token", "--email", "mw@voorbeeld.nl").out.strip()
    assert token.startswith("cw_")
    user = accounts.user_for_token(db, token=token)
    assert user is not None and user.rol == "medewerker"
    listed = cli("user", "list", "--json")
    assert '"mw@voorbeeld.nl"' in listed.out and token not in listed.out
    monkeypatch.setattr("sys.stdin", io.StringIO("een-goed-wachtwoord\n"))
    refused = cli("user", "add", "--email", "x@y.nl", "--rol", "baas", "--wachtwoord-stdin")
    assert refused.code == 1 and "Onbekende rol" in refused.err
    monkeypatch.setattr("sys.stdin", io.StringIO("een-goed-wachtwoord\n"))
    no_adviseur = cli("user", "add", "--email", "z@y.nl", "--rol", "adviseur", "--wachtwoord-stdin")
    assert no_adviseur.code == 1 and "geen adviseur" in no_adviseur.err
    assert [u.email for u in accounts.list_users(db)] == ["mw@voorbeeld.nl"]


@sqlite_only
def test_mail_page_shows_caught_messages_as_text(web_wereld: WebWereld, web_app: FastAPI) -> None:
    from email.message import EmailMessage

    from casework.settings import get_settings
    from notifications.catcher import MailStore

    message = EmailMessage()
    message["From"] = "noreply@casework.local"
    message["To"] = "jan@regenboog.nl"
    message["Subject"] = "Aanmelding ontvangen <b>LV-2026-00001</b>"
    message["Message-ID"] = "<web-test@casework.local>"
    message.set_content("Beste Jan,\n\n" + HTML)
    MailStore(get_settings().data_dir / "mail").add(bytes(message))
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    html = client.get("/mail").text
    assert "Aanmelding ontvangen &lt;b&gt;LV-2026-00001&lt;/b&gt;" in html
    assert "jan@regenboog.nl" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
