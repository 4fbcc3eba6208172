"""Who may do what: every route of the app tried with every role and without login.

The matrix is generated from the app's own routers and the roles each route declares, so a new
route is covered the day it is added; a route without a role guard must be on the PUBLIC list.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casework.db import Database
from casework.db.models import TrajectNotitie
from casework.services import links
from casework.services.accounts import GebruikerRead
from casework.web.app import ROUTERS
from casework.web.auth import RoleGuard
from tests.fixtures_web import ROLLEN, WACHTWOORD, WebWereld, csrf_of, logged_in

#: routes anybody may use (the signed link is the adviseur's credential on /toewijzing)
PUBLIC = {
    "/",
    "/login",
    "/logout",
    "/aanmelden",
    "/aanmelden/bedankt",
    "/toewijzing/{token}",
    "/toewijzing/{token}/accepteren",
    "/toewijzing/{token}/afwijzen",
    "/api/aanmeldingen",
}

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def guard_of(route: APIRoute) -> RoleGuard | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dep = pending.pop()
        if isinstance(dep.call, RoleGuard):
            return dep.call
        pending.extend(dep.dependencies)
    return None


def all_routes() -> list[tuple[APIRoute, str]]:
    found = [
        (route, method)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted((route.methods or set()) - {"HEAD"})
    ]
    # logging out last: it would end the session the other requests use
    return sorted(found, key=lambda item: item[0].path == "/logout")


def fill(path: str, wereld: WebWereld, adviseur_id: int) -> str:
    token = links.assignment_token(traject_id=wereld.traject_id, adviseur_id=adviseur_id)
    return (
        path.replace("{traject_id}", str(wereld.traject_id))
        .replace("{token}", token)
        .replace("{code}", "lv")
    )


def test_every_route_declares_roles_or_is_public() -> None:
    routes = all_routes()
    assert len(routes) >= 20
    unguarded = {route.path for route, _ in routes if guard_of(route) is None}
    assert unguarded == PUBLIC


@sqlite_only
def test_access_matrix(db: Database, web_wereld: WebWereld, web_app: FastAPI) -> None:
    from casework.services.accounts import get_user

    clients: dict[str | None, TestClient] = {None: TestClient(web_app, follow_redirects=False)}
    for naam in ROLLEN:
        clients[naam] = logged_in(web_app, web_wereld.emails[naam])
    adviseur = [u for u in _users(db) if u.rol == "adviseur"][0]
    assert get_user(db, user_id=adviseur.id) is not None
    tried = 0
    for route, method in all_routes():
        guard = guard_of(route)
        path = fill(route.path, web_wereld, adviseur.adviseur_id or 0)
        for rol, client in clients.items():
            headers: dict[str, str] = {}
            if guard is not None and guard.api and rol is not None:
                headers["Authorization"] = f"Bearer {web_wereld.tokens[rol]}"
            if method == "GET":
                answer = client.get(path, headers=headers)
            elif route.path.startswith("/api"):
                answer = client.post(path, headers=headers, json={})
            else:
                token = csrf_of(client.get("/aanmelden").text)
                answer = client.post(path, headers=headers, data={"csrf_token": token})
            tried += 1
            where = f"{method} {route.path} as {rol}: {answer.status_code}"
            assert answer.status_code < 500, where
            if guard is None:
                assert answer.status_code != 403, where
                continue
            to_login = answer.status_code == 303 and answer.headers["location"].startswith("/login")
            denied = answer.status_code in (401, 403) or to_login
            assert denied == (rol not in guard.rollen), where
            if rol is None:
                assert answer.status_code == 401 if guard.api else to_login, where
    assert tried >= 20 * 6


def _users(db: Database) -> list[GebruikerRead]:
    from casework.services.accounts import list_users

    return list_users(db)


@sqlite_only
def test_adviseur_sees_only_own_trajecten(web_wereld: WebWereld, web_app: FastAPI) -> None:
    client = logged_in(web_app, web_wereld.emails["adviseur"])
    own = client.get(f"/traject/{web_wereld.traject_id}")
    assert own.status_code == 200
    other = client.get(f"/traject/{web_wereld.ander_traject_id}")
    assert other.status_code == 403
    assert "niet aan u toegewezen" in other.text
    mine = client.get("/mijn-trajecten")
    assert f'data-traject="{web_wereld.traject_id}"' in mine.text
    assert f'data-traject="{web_wereld.ander_traject_id}"' not in mine.text
    api = TestClient(web_app)
    bearer = {"Authorization": f"Bearer {web_wereld.tokens['adviseur']}"}
    listed = api.get("/api/trajecten", headers=bearer).json()
    assert [t["id"] for t in listed["items"]] == [web_wereld.traject_id]
    # asking for someone else's trajecten does not widen the view
    other_filter = api.get("/api/trajecten?adviseur=x@y.nl", headers=bearer).json()
    assert [t["id"] for t in other_filter["items"]] == [web_wereld.traject_id]
    assert (
        api.get(f"/api/trajecten/{web_wereld.ander_traject_id}", headers=bearer).status_code == 403
    )


@sqlite_only
def test_readers_get_no_step_buttons_and_cannot_step(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    for rol in ("finance", "management"):
        client = logged_in(web_app, web_wereld.emails[rol])
        html = client.get(f"/traject/{web_wereld.traject_id}").text
        assert "Volgende stappen" not in html and "data-stap" not in html
        answer = client.post(
            f"/traject/{web_wereld.traject_id}/stap",
            data={"csrf_token": csrf_of(html), "fase": "intake"},
        )
        assert answer.status_code == 403
    medewerker = logged_in(web_app, web_wereld.emails["medewerker"])
    assert "data-stap" in medewerker.get(f"/traject/{web_wereld.traject_id}").text


@sqlite_only
def test_post_without_csrf_token_is_refused_and_writes_nothing(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    for data in ({"tekst": "zonder token"}, {"tekst": "fout token", "csrf_token": "x" * 43}):
        answer = client.post(f"/traject/{web_wereld.traject_id}/notitie", data=data)
        assert answer.status_code == 403
        assert "formulier is verlopen" in answer.text
    with db.read() as session:
        assert session.scalar(select(func.count(TrajectNotitie.id))) == 0


@sqlite_only
def test_lockout_after_five_failures(web_wereld: WebWereld, web_app: FastAPI) -> None:
    client = TestClient(web_app, follow_redirects=False)
    email = web_wereld.emails["finance"]
    for _ in range(5):
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login", data={"csrf_token": token, "email": email, "wachtwoord": "fout-fout-fout"}
        )
        assert answer.status_code == 401
        assert "verkeerd wachtwoord" in answer.text
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"csrf_token": token, "email": email, "wachtwoord": WACHTWOORD}
    )
    assert answer.status_code == 429
    assert "tijdelijk geblokkeerd" in answer.text


@sqlite_only
def test_logout_ends_the_session_and_tampered_cookies_count_for_nothing(
    web_wereld: WebWereld, web_app: FastAPI
) -> None:
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    assert client.get("/werkvoorraad").status_code == 200
    cookie = client.cookies.get("casework_sessie")
    assert cookie
    forged = TestClient(web_app, follow_redirects=False)
    forged.cookies.set("casework_sessie", cookie[:-4] + "AAAA")
    assert forged.get("/werkvoorraad").headers["location"].startswith("/login")
    token = csrf_of(client.get("/werkvoorraad").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/werkvoorraad").headers["location"].startswith("/login")


@sqlite_only
def test_login_redirects_only_to_this_site(web_wereld: WebWereld, web_app: FastAPI) -> None:
    client = TestClient(web_app, follow_redirects=False)
    for target, expected in (
        ("/traject/1", "/traject/1"),
        ("https://evil.example/", "/werkvoorraad"),
        ("//evil.example/", "/werkvoorraad"),
    ):
        client.cookies.clear()
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={
                "csrf_token": token,
                "email": web_wereld.emails["medewerker"],
                "wachtwoord": WACHTWOORD,
                "volgende": target,
            },
        )
        assert answer.headers["location"] == expected


@sqlite_only
def test_werkvoorraad_counts_highlights_and_pages_by_key(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    from datetime import timedelta

    from casework.db.base import utcnow
    from casework.services import trajecten
    from tests.fixtures_trajecten import lv_traject

    old = lv_traject(db, web_wereld.org, at=utcnow() - timedelta(days=40))
    for _ in range(52):
        lv_traject(db, web_wereld.org)
    client = logged_in(web_app, web_wereld.emails["medewerker"])
    first = client.get("/werkvoorraad").text
    assert "55 trajecten gevonden" in first
    assert '<td data-fase="lv-aanmelding">54</td>' in first
    assert first.count("data-traject=") == 50
    assert f'class="over-norm" data-traject="{old.id}"' not in first  # the oldest is on page 2
    next_link = re.search(r'href="\?voor=(\d+)" rel="next"', first)
    assert next_link
    second = client.get(f"/werkvoorraad?voor={next_link.group(1)}").text
    assert second.count("data-traject=") == 5
    assert f'class="over-norm" data-traject="{old.id}"' in second
    assert "over de norm" in second
    only_late = client.get("/werkvoorraad?over_norm=1").text
    assert f'data-traject="{old.id}"' in only_late and only_late.count("data-traject=") == 1
    assert trajecten.show(db, traject_id=old.id).over_norm


@sqlite_only
def test_one_address_trying_many_accounts_is_slowed_down(
    db: Database, web_wereld: WebWereld
) -> None:
    """The lock-out is per account; an address that fails across accounts is limited too."""
    from casework.web.app import create_app

    app = create_app(db, login_limiet=3)
    client = TestClient(app, follow_redirects=False)
    for rol in ("finance", "management", "medewerker"):
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={"csrf_token": token, "email": web_wereld.emails[rol], "wachtwoord": "fout-fout"},
        )
        assert answer.status_code == 401
    token = csrf_of(client.get("/login").text)
    beheerder = web_wereld.emails["beheerder"]
    refused = client.post(
        "/login", data={"csrf_token": token, "email": beheerder, "wachtwoord": WACHTWOORD}
    )
    assert refused.status_code == 429
    assert "vanaf dit adres te vaak" in refused.text
    assert "casework_sessie" not in refused.headers.get("set-cookie", "")
