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
    # matching (issue 6): the adviseur with a profile, themes, proposal, confirm, accept
    eva = cli(
        "adviseur", "add", "--naam", "Eva de Vries", "--email", "eva@adviseurs.nl",
        "--sectoren", "po", "--expertise", "kwaliteitszorg,bestuur", "--regio", "noord",
        "--capaciteit", "12", "--max-trajecten", "4",
    )  # fmt: skip
    assert eva.code == 0, eva.err
    assert cli("traject", "wijzig", str(traject_id), "--themas", "kwaliteitszorg").code == 0
    assert cli("traject", "advance", str(traject_id), "matching").code == 0
    proposals = cli("match", "run")
    assert proposals.code == 0 and "Eva de Vries" in proposals.out
    assert cli("match", "confirm", str(traject_id)).code == 0
    assert cli("match", "accept", str(traject_id)).code == 0
    assert cli("traject", "advance", str(traject_id), "kennismaking").code == 0
    assert cli("verify").code == 0
