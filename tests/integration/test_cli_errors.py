"""Bad input on the command line: one Dutch sentence on stderr, exit code 1, no row written."""

from __future__ import annotations

import pytest

from casework.db import Database
from casework.services import trajecten
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject, row_counts

AANMELDEN_LV = [
    "traject",
    "aanmelden",
    "--programma",
    "lv",
    "--school",
    "12AB",
    "--oordeel",
    "onvoldoende",
    "--vraag",
    "Hulp bij kwaliteitszorg",
    "--contact-naam",
    "Jan Jansen",
    "--contact-email",
    "jan@regenboog.nl",
]


def replaced(args: list[str], option: str, value: str) -> list[str]:
    result = list(args)
    result[result.index(option) + 1] = value
    return result


CASES: list[tuple[str, list[str], str]] = [
    (
        "malformed bestuursnummer",
        ["bestuur", "add", "--nummer", "4123", "--naam", "Stichting Kort"],
        "'4123' is geen geldig bestuursnummer: gebruik 5 cijfers",
    ),
    (
        "letters in the bestuursnummer",
        ["bestuur", "add", "--nummer", "4123A", "--naam", "Stichting Letter"],
        "geen geldig bestuursnummer",
    ),
    (
        "malformed BRIN",
        ["school", "add", "--brin", "1234", "--naam", "X", "--bestuur", "41234", "--sector", "po"],
        "'1234' is geen geldige BRIN-code: gebruik 2 cijfers en 2 letters",
    ),
    (
        "BRIN letters first",
        ["school", "add", "--brin", "AB12", "--naam", "X", "--bestuur", "41234", "--sector", "po"],
        "geen geldige BRIN-code",
    ),
    (
        "unknown sector",
        ["school", "add", "--brin", "45EF", "--naam", "X", "--bestuur", "41234", "--sector", "mbo"],
        "Onbekende sector 'mbo'",
    ),
    (
        "malformed BRIN on aanmelden",
        replaced(AANMELDEN_LV, "--school", "12A"),
        "geen geldige BRIN-code",
    ),
    (
        "malformed bestuursnummer on aanmelden",
        [
            *replaced(AANMELDEN_LV, "--programma", "gwgb")[:4],
            "--bestuur",
            "123",
            *AANMELDEN_LV[6:],
        ],
        "geen geldig bestuursnummer",
    ),
    (
        "unknown programme",
        replaced(AANMELDEN_LV, "--programma", "xyz"),
        "Onbekend programma 'xyz': kies uit gwgb, lv",
    ),
    (
        "unknown school",
        replaced(AANMELDEN_LV, "--school", "99ZZ"),
        "School 99ZZ is niet bekend",
    ),
    (
        "bad email",
        replaced(AANMELDEN_LV, "--contact-email", "jan at regenboog"),
        "geen geldig e-mailadres",
    ),
    ("unknown oordeel", replaced(AANMELDEN_LV, "--oordeel", "matig"), "Onbekend oordeel 'matig'"),
    ("unknown traject: show", ["traject", "show", "999"], "Traject 999 bestaat niet"),
    ("unknown traject: steps", ["traject", "steps", "999"], "Traject 999 bestaat niet"),
    ("unknown traject: history", ["traject", "history", "999"], "Traject 999 bestaat niet"),
    ("unknown traject: advance", ["traject", "advance", "999", "intake"], "Traject 999 bestaat"),
    (
        "unknown traject: koppel",
        ["traject", "koppel", "999", "--adviseur", "anna@adviseurs.nl"],
        "Traject 999 bestaat niet",
    ),
    (
        "skipped phase",
        ["traject", "advance", "{id}", "matching"],
        "Van aanmelding kan een traject niet naar matching: een fase overslaan kan niet",
    ),
    ("skip to plan", ["traject", "advance", "{id}", "plan"], "overslaan"),
    ("unknown phase", ["traject", "advance", "{id}", "evaluatie"], "Onbekende fase 'evaluatie'"),
    ("gestopt without reason", ["traject", "advance", "{id}", "gestopt"], "Geef een reden op"),
    (
        "gestopt with a blank reason",
        ["traject", "advance", "{id}", "gestopt", "--reden", "  "],
        "Geef een reden op",
    ),
    (
        "unknown adviseur",
        ["traject", "koppel", "{id}", "--adviseur", "niemand@example.nl"],
        "Adviseur niemand@example.nl is niet bekend",
    ),
    (
        "stale version",
        ["traject", "advance", "{id}", "intake", "--versie", "0"],
        "door iemand anders gewijzigd",
    ),
    (
        "nothing to change",
        ["traject", "wijzig", "{id}"],
        "Er is niets om te wijzigen",
    ),
    (
        "bad date",
        ["traject", "wijzig", "{id}", "--oordeel", "onvoldoende", "--oordeel-datum", "2-11-2026"],
        "geen datum",
    ),
    ("unknown programme in list", ["traject", "list", "--programma", "xyz"], "Onbekend programma"),
    ("unknown phase in list", ["traject", "list", "--fase", "evaluatie"], "Onbekende fase"),
    (
        "phase of another programme",
        ["traject", "list", "--programma", "lv", "--fase", "bestaat_niet"],
        "heeft geen fase 'bestaat_niet'",
    ),
    ("hervat without a pause", ["traject", "advance", "{id}", "hervat"], "niet gepauzeerd"),
]


@pytest.mark.parametrize(("args", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refusal_writes_nothing(
    db: Database,
    organisaties: Organisaties,
    cli,
    args: list[str],
    message: str,
) -> None:
    traject = lv_traject(db, organisaties)
    args = [arg.replace("{id}", str(traject.id)) for arg in args]
    before = row_counts(db)
    assert before["trajecten"] == 1 and before["traject_events"] == 1

    result = cli(*args)

    assert result.code == 1, (result.out, result.err)
    assert "Fout:" in result.err and message in result.err, result.err
    # one sentence (on one line), no traceback
    assert "Traceback" not in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    after = row_counts(db)
    assert after == before, {t: (before.get(t), n) for t, n in after.items() if before.get(t) != n}


def test_refused_gestopt_then_with_reason(
    db: Database,
    organisaties: Organisaties,
    cli,
) -> None:
    traject = lv_traject(db, organisaties)
    assert cli("traject", "advance", str(traject.id), "gestopt").code == 1
    result = cli(
        "traject", "advance", str(traject.id), "gestopt", "--reden", "School trekt zich terug"
    )
    assert result.code == 0, result.err
    assert "Gestopt" in result.out
    last = trajecten.history(db, traject_id=traject.id)[-1]
    assert (last.trigger, last.reden, last.actor) == ("stoppen", "School trekt zich terug", ACTOR)


def test_schema_not_upgraded(cli, tmp_path, monkeypatch) -> None:
    """A database nobody upgraded: the user is told to run 'casework db upgrade'."""
    from casework import bootstrap
    from casework.settings import get_settings

    monkeypatch.setenv("CASEWORK_DATABASE_URL", f"sqlite:///{tmp_path / 'leeg.db'}")
    get_settings.cache_clear()
    bootstrap.database.cache_clear()
    try:
        result = cli("traject", "list")
    finally:
        bootstrap.database.cache_clear()
        get_settings.cache_clear()
    assert result.code == 1 and "casework db upgrade" in result.err
