"""The JSON API: bearer tokens, the same rules as the pages, Dutch JSON errors, and a fuzz run
against its own OpenAPI schema (schemathesis) in which no answer may be a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from casework.db import Database
from casework.services import trajecten, werkvoorraad
from tests.fixtures_web import WebWereld


def bearer(wereld: WebWereld, rol: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {wereld.tokens[rol]}"}


def test_list_show_steps_history_and_advance(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    api = TestClient(web_app)
    auth = bearer(web_wereld, "medewerker")
    page = api.get("/api/trajecten", headers=auth, params={"limit": 1}).json()
    assert page["totaal"] == 2 and len(page["items"]) == 1
    rest = api.get("/api/trajecten", headers=auth, params={"voor": page["volgende"]}).json()
    assert {t["id"] for t in page["items"] + rest["items"]} == {
        web_wereld.traject_id,
        web_wereld.ander_traject_id,
    }
    tid = web_wereld.traject_id
    shown = api.get(f"/api/trajecten/{tid}", headers=auth).json()
    assert shown["fase"] == "aanmelding"
    steps = api.get(f"/api/trajecten/{tid}/stappen", headers=auth).json()
    assert any(s["fase"] == "intake" and s["toegestaan"] for s in steps)
    moved = api.post(
        f"/api/trajecten/{tid}/stap",
        headers=auth,
        json={"fase": "intake", "version": shown["version"]},
    )
    assert moved.status_code == 200 and moved.json()["fase"] == "intake"
    # the same version again: someone else (we) changed it meanwhile
    stale = api.post(
        f"/api/trajecten/{tid}/stap",
        headers=auth,
        json={"fase": "matching", "version": shown["version"]},
    )
    assert stale.status_code == 409
    assert "intussen door iemand anders gewijzigd" in stale.json()["detail"]
    history = api.get(f"/api/trajecten/{tid}/historie", headers=auth).json()
    assert [e["trigger"] for e in history][-1] == "start_intake"
    assert history[-1]["actor"] == web_wereld.emails["medewerker"]


def test_refusals_are_dutch_json(db: Database, web_wereld: WebWereld, web_app: FastAPI) -> None:
    api = TestClient(web_app)
    tid = web_wereld.ander_traject_id
    anonymous = api.get("/api/trajecten")
    assert anonymous.status_code == 401
    assert "API-token" in anonymous.json()["detail"]
    wrong = api.get("/api/trajecten", headers={"Authorization": "Bearer cw_nep"})
    assert wrong.status_code == 401
    finance = api.post(
        f"/api/trajecten/{tid}/stap", headers=bearer(web_wereld, "finance"), json={"fase": "x"}
    )
    assert finance.status_code == 403
    blocked = api.post(
        f"/api/trajecten/{tid}/stap",
        headers=bearer(web_wereld, "beheerder"),
        json={"fase": "kennismaking"},
    )
    assert blocked.status_code == 409
    assert isinstance(blocked.json()["detail"], str)
    missing = api.get("/api/trajecten/999999", headers=bearer(web_wereld, "medewerker"))
    assert missing.status_code == 404 and "bestaat niet" in missing.json()["detail"]
    bad = api.post(f"/api/trajecten/{tid}/stap", headers=bearer(web_wereld, "medewerker"), json={})
    assert bad.status_code == 422 and "fase" in bad.json()["detail"]
    assert trajecten.show(db, traject_id=tid).fase == "aanmelding"


def test_public_aanmelding_by_api(db: Database, web_wereld: WebWereld, web_app: FastAPI) -> None:
    api = TestClient(web_app)
    made = api.post(
        "/api/aanmeldingen",
        json={
            "programma": "gwgb",
            "bestuur": web_wereld.org.bestuur,
            "contact_naam": "Ans Bos",
            "contact_email": "ans@voorbeeld.nl",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["referentie"].startswith("GWGB-")
    unknown = api.post(
        "/api/aanmeldingen",
        json={
            "programma": "gwgb",
            "bestuur": "99999",
            "contact_naam": "Ans Bos",
            "contact_email": "ans@voorbeeld.nl",
        },
    )
    assert unknown.status_code == 422
    assert "niet bekend" in unknown.json()["detail"]
    assert werkvoorraad.count_trajecten(db) == 3


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_api_fuzzed_against_its_openapi_schema(
    db: Database, web_wereld: WebWereld, web_app: FastAPI
) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", web_app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 7
    tried: list[str] = []
    for operation in operations:
        for rol in ("medewerker", "adviseur"):
            fuzz(operation, bearer(web_wereld, rol), tried)
    assert len(tried) >= 50


def fuzz(operation: Any, headers: dict[str, str], tried: list[str]) -> None:
    """Up to 15 generated requests to one operation: never a 500, errors as {"detail": str}."""

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        where = f"{case.method} {case.formatted_path}: {response.status_code}"
        assert response.status_code < 500, where
        if response.status_code >= 400:
            assert isinstance(response.json()["detail"], str), where
        tried.append(where)

    check()
