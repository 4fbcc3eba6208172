"""The throughput report on a history with known answers, exact on SQLite and PostgreSQL.

The history (tests/fixtures_reports.py) in short, range 1 September - 31 October 2026, by month:
- LV trajecten 1..10 sign up on 1..10 September; traject i spends i days in aanmelding and
  2 days in intake; 9 and 10 are then afgewezen, 1..8 spend i days in matching with the
  accepted adviseur after 12*i hours (traject 1 also has an unaccepted proposal first).
- Traject 1 moves on to plan (5 Oct), uitvoering (10 Oct) and afgerond (20 Oct, herstelonderzoek
  voldoende); traject 2 is gestopt on 12 Oct; traject 3 reaches plan on 6 Oct.
- 11 and 12 sign up on 1 and 20 Oct and stay in aanmelding; 13 signs up 15 Sep, enters intake
  26 Sep after 11 days, pauses 28 Sep and resumes 26 Oct; 14 signed up 20 Aug (before the range)
  and sits in intake since 25 Aug.
- GWGB: one sign-up on 2 Oct, afgewezen 9 Oct after 3 days in aanmelding and 4 in intake;
  another on 15 Oct. A test traject (is_test) never counts.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from casework.db import Database
from casework.reports import doorstroom
from casework.reports.model import DoorstroomRapport

VAN, TOT = date(2026, 9, 1), date(2026, 10, 31)


def rapport(db: Database, **kwargs: object) -> DoorstroomRapport:
    return doorstroom(db, van=VAN, tot=TOT, periode="maand", **kwargs)  # type: ignore[arg-type]


def tijden(r: DoorstroomRapport, programma: str) -> dict[str, tuple[int, float | None, ...]]:
    return {
        d.fase: (d.aantal, d.mediaan, d.p80, d.p95)
        for d in r.doorlooptijden
        if d.programma == programma
    }


def test_in_and_outflow_per_month(rapport_geschiedenis: Database) -> None:
    r = rapport(rapport_geschiedenis)
    assert [p.label for p in r.perioden] == ["september 2026", "oktober 2026"]
    flow = {
        (c.programma, c.periode): (c.instroom, c.afgerond, c.afgewezen, c.gestopt)
        for c in r.cijfers
    }
    assert flow == {
        ("lv", 0): (11, 0, 2, 0),
        ("lv", 1): (2, 1, 0, 1),
        ("gwgb", 0): (0, 0, 0, 0),
        ("gwgb", 1): (2, 0, 1, 0),
    }


def test_work_in_progress_at_the_end_of_each_period(rapport_geschiedenis: Database) -> None:
    r = rapport(rapport_geschiedenis)
    wip = {(c.programma, c.periode): c.onderhanden for c in r.cijfers}
    assert wip[("lv", 0)] == {"kennismaking": 8, "afgewezen": 2, "gepauzeerd": 1, "intake": 1}
    assert wip[("lv", 1)] == {
        "aanmelding": 2,
        "intake": 2,
        "kennismaking": 5,
        "plan": 1,
        "afgerond": 1,
        "gestopt": 1,
        "afgewezen": 2,
    }
    assert wip[("gwgb", 0)] == {}
    assert wip[("gwgb", 1)] == {"aanmelding": 1, "afgewezen": 1}


def test_lead_times_median_p80_p95(rapport_geschiedenis: Database) -> None:
    r = rapport(rapport_geschiedenis)
    assert r.eenheid_doorlooptijd == "kalenderdagen"
    lv = tijden(r, "lv")
    assert lv["aanmelding"] == (11, 6.0, 9.0, 11.0)
    assert lv["intake"] == (10, 2.0, 2.0, 2.0)
    assert lv["matching"] == (8, 4.0, 7.0, 8.0)
    assert lv["kennismaking"] == (3, 30.0, 34.0, 34.0)
    assert lv["plan"] == (1, 5.0, 5.0, 5.0)
    assert lv["uitvoering"] == (1, 10.0, 10.0, 10.0)
    assert lv["aanmelding_tot_kennismaking"] == (8, 10.0, 16.0, 18.0)
    assert lv["tot_bevestigde_match"] == (8, 2.0, 3.5, 4.0)
    assert "gepauzeerd" not in lv
    assert tijden(r, "gwgb") == {"aanmelding": (1, 3.0, 3.0, 3.0), "intake": (1, 4.0, 4.0, 4.0)}
    verdeling = {d.fase: d.verdeling for d in r.doorlooptijden if d.programma == "lv"}
    # bins 0-5, 5-10, 10-20, 20-40, 40-60, 60-90, 90+
    assert verdeling["aanmelding"] == [4, 5, 2, 0, 0, 0, 0]
    assert verdeling["kennismaking"] == [0, 0, 0, 3, 0, 0, 0]


def test_aging_counts_werkdagen_without_pauses(rapport_geschiedenis: Database) -> None:
    r = rapport(rapport_geschiedenis)
    aging = {(v.programma, v.fase): (v.onderhanden, v.over_norm) for v in r.veroudering}
    assert aging == {
        ("lv", "aanmelding"): (2, 1),
        # traject 13 was paused for 20 of its 25 werkdagen: 5 <= 15
        ("lv", "intake"): (2, 1),
        ("lv", "matching"): (0, 0),
        ("gwgb", "aanmelding"): (1, 1),
        ("gwgb", "intake"): (0, 0),
        ("gwgb", "matching"): (0, 0),
    }
    assert [(o.traject_id, o.werkdagen, o.norm_werkdagen) for o in r.oudste] == [
        (14, 48, 15),
        (11, 21, 10),
        (16, 11, 10),
    ]
    assert r.oudste[0].organisatie == "Langste Intake"
    assert r.oudste[0].referentie == "LV-2026-00014"
    assert r.oudste[2].organisatie == "Stichting Test"


def test_outcomes_and_share_afgewezen_gestopt(rapport_geschiedenis: Database) -> None:
    r = rapport(rapport_geschiedenis)
    uit = {u.programma: u for u in r.uitkomsten}
    assert (uit["lv"].beeindigd, uit["lv"].afgerond, uit["lv"].afgewezen, uit["lv"].gestopt) == (
        4,
        1,
        2,
        1,
    )
    assert str(uit["lv"].aandeel_afgewezen_gestopt) == "0.7500"
    assert (uit["lv"].herstelonderzoek_voldoende, uit["lv"].herstelonderzoek_onvoldoende) == (1, 0)
    assert str(uit["gwgb"].aandeel_afgewezen_gestopt) == "1.0000"


def test_adviseur_utilisation(rapport_geschiedenis: Database) -> None:
    r = rapport(rapport_geschiedenis)
    assert r.benutting is not None
    rows = {
        b.adviseur: (b.capaciteit_dagdelen, b.gewerkte_dagdelen, b.benutting) for b in r.benutting
    }
    # Sep 1 - Oct 31 is two whole months; Cor offers no capacity and worked nothing
    assert rows == {
        "Anna Adviseur": (Decimal("20.0"), 10, Decimal("0.5000")),
        "Bram Bakker": (Decimal("16.0"), 2, Decimal("0.1250")),
    }
    half = doorstroom(rapport_geschiedenis, van=date(2026, 9, 16), tot=TOT, periode="maand")
    anna = next(b for b in half.benutting or [] if b.adviseur_id == 1)
    assert (anna.capaciteit_dagdelen, anna.gewerkte_dagdelen) == (Decimal("15.0"), 4)


def test_budget_burn_in_dagdelen_and_euros(rapport_geschiedenis: Database) -> None:
    r = rapport(rapport_geschiedenis)
    budget = {b.programma: b for b in r.budget or []}
    lv, gwgb = budget["lv"], budget["gwgb"]
    assert (lv.dagdelen, lv.bedrag, lv.schooldeel, lv.programmadeel) == (
        10,
        Decimal("5715.00"),
        Decimal("2857.50"),
        Decimal("2857.50"),
    )
    assert (gwgb.dagdelen, gwgb.bedrag, gwgb.schooldeel, gwgb.programmadeel) == (
        2,
        Decimal("1200.00"),
        Decimal("0.00"),
        Decimal("1200.00"),
    )
    per_periode = {
        (b.programma, b.periode): (b.dagdelen, b.bedrag) for b in r.budget_per_periode or []
    }
    assert per_periode == {
        ("lv", 0): (6, Decimal("3429.00")),
        ("lv", 1): (4, Decimal("2286.00")),
        ("gwgb", 1): (2, Decimal("1200.00")),
    }
    assert not any("tarief" in o for o in r.opmerkingen)


def test_one_programme_week_and_school_year(rapport_geschiedenis: Database) -> None:
    r = doorstroom(rapport_geschiedenis, programma="gwgb", van=VAN, tot=TOT, periode="week")
    assert r.programmas == ["gwgb"]
    assert r.perioden[0].label == "week 36 2026" and r.perioden[-1].label == "week 44 2026"
    assert sum(c.instroom for c in r.cijfers) == 2
    jaar = doorstroom(rapport_geschiedenis, van=date(2026, 8, 1), tot=TOT, periode="schooljaar")
    assert [p.label for p in jaar.perioden] == ["schooljaar 2026-2027"]
    lv = next(c for c in jaar.cijfers if c.programma == "lv")
    assert lv.instroom == 14


def test_cli_formats(rapport_geschiedenis: Database, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    args = ["rapport", "doorstroom", "--van", "2026-09-01", "--tot", "2026-10-31"]
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["van"] == "2026-09-01" and len(data["perioden"]) == 2

    result = cli(*args, "--format", "csv", "--programma", "lv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    inflow = [r for r in rows if r["cijfer"] == "instroom"]
    assert [r["waarde"] for r in inflow] == ["11", "2"]

    result = cli(*args)
    assert result.code == 0, result.err
    assert "Instroom" in result.out and "september 2026" in result.out

    target = tmp_path / "rapport.html"
    result = cli(*args, "--format", "html", "--output", str(target))
    assert result.code == 0, result.err
    html = target.read_text(encoding="utf-8")
    assert "<svg" in html and "http" not in html.split("<body", 1)[1].replace(
        "http://www.w3.org", ""
    )
    assert "31 oktober 2026" in html and "30,0" in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--periode", "jaar"], "Onbekende periode"),
        (["--programma", "xyz"], "Onbekend programma"),
        (["--van", "2026-11-01", "--tot", "2026-10-01"], "einddatum"),
        (["--format", "pdf"], "Onbekend formaat"),
    ],
)
def test_cli_refuses_bad_input(db: Database, cli, extra: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("rapport", "doorstroom", *extra)
    assert result.code == 1
    assert message in result.err
