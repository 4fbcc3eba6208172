"""The README's tour through the CLI, on both databases."""

from __future__ import annotations

import json


def test_tour(db, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("bestuur", "add", "--nummer", "41234", "--naam", "Stichting Voorbeeld").code == 0
    assert (
        cli(
            "school",
            "add",
            "--brin",
            "12AB",
            "--naam",
            "De Regenboog",
            "--bestuur",
            "41234",
            "--sector",
            "po",
        ).code
        == 0
    )
    result = cli(
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
        "Jan",
        "--contact-email",
        "jan@school.nl",
    )
    assert result.code == 0, result.err
    traject_id = int(result.out.strip())
    shown = json.loads(cli("traject", "show", str(traject_id), "--json").out)
    assert shown["fase"] == "aanmelding" and shown["version"] == 1 and shown["programma"] == "lv"
    refused = cli("traject", "advance", str(traject_id), "plan")
    assert refused.code == 1 and "overslaan" in refused.err
    assert cli("traject", "advance", str(traject_id), "intake").code == 0
    assert cli("verify").code == 0
