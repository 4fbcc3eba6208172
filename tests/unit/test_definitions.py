"""Programme definitions: validated when loaded, errors name the file and the field; a third
programme is only a new file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from states import (
    GEPAUZEERD,
    DefinitionError,
    GuardContext,
    StepRefused,
    TrajectMachine,
    load_definition,
    load_programmes,
    mermaid_diagram,
)
from states.definition import DEFINITIONS_DIR

#: a small third programme: a leergang for school leaders, no matching, no scan, no pause
LEERGANG: dict[str, Any] = {
    "code": "leergang",
    "naam": "Leergang kwaliteitszorg",
    "versie": 1,
    "doelgroep": "school",
    "sectoren": ["po", "vo"],
    "initial": "aanmelding",
    "phases": [
        {"name": "aanmelding", "label": "Aanmelding", "norm_werkdagen": 5},
        {"name": "intake", "label": "Intake"},
        {"name": "bijeenkomsten", "label": "Bijeenkomsten"},
        {"name": "certificaat", "label": "Certificaat", "optional": True},
        {"name": "afgerond", "label": "Afgerond", "final": True},
        {"name": "afgewezen", "label": "Afgewezen", "final": True},
        {"name": "gestopt", "label": "Gestopt", "final": True},
    ],
    "transitions": [
        {"trigger": "start_intake", "source": "aanmelding", "dest": "intake"},
        {
            "trigger": "starten",
            "source": "intake",
            "dest": "bijeenkomsten",
            "guards": ["support_question_known"],
        },
        {"trigger": "afwijzen", "source": "intake", "dest": "afgewezen", "reason_required": True},
        {"trigger": "certificeren", "source": "bijeenkomsten", "dest": "certificaat"},
        {"trigger": "afronden", "source": ["bijeenkomsten", "certificaat"], "dest": "afgerond"},
    ],
    "stoppen": True,
    "pauzeren": False,
    "funding": {"model": "programma", "school_share": "0"},
}


def write(tmp_path: Path, data: dict[str, Any], name: str | None = None) -> Path:
    path = tmp_path / f"{name or data['code']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def lv_raw() -> dict[str, Any]:
    loaded = yaml.safe_load((DEFINITIONS_DIR / "lv.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def refused(path: Path) -> str:
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    return str(caught.value)


def test_shipped_definitions_load() -> None:
    programmes = load_programmes()
    assert set(programmes) >= {"lv", "gwgb"}
    assert programmes["lv"].doelgroep == "school"
    assert programmes["gwgb"].doelgroep == "bestuur"
    # LV calls its bestuursscan the schoolscan
    assert programmes["lv"].label("bestuursscan") == "Schoolscan"
    assert programmes["gwgb"].label("bestuursscan") == "Bestuursscan"
    assert programmes["lv"].phase("bestuursscan").optional


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["phases"][0].update(norm_werkdagen=-3), "phases.0.norm_werkdagen"),
        (lambda d: d["phases"][1].pop("label"), "phases.1.label"),
        (lambda d: d["transitions"][1].update(guards=["bestaat_niet"]), "transitions.1.guards"),
        (lambda d: d.update(doelgroep="gemeente"), "doelgroep"),
        (lambda d: d.update(sectoren=["mbo"]), "sectoren.0"),
        (lambda d: d["funding"].update(school_share="1.5"), "funding.school_share"),
        (lambda d: d.update(initial="start"), "initial"),
        (lambda d: d.update(kleur="blauw"), "kleur"),
        (lambda d: d["transitions"][0].update(dest="nergens"), "transitions[0]"),
        # aanmelding -> matching skips intake, which is not optional
        (lambda d: d["transitions"][0].update(dest="matching"), "transitions[0]"),
        (lambda d: d["moments"][0].update(months=[13]), "moments.0.months"),
        (lambda d: d["phases"].append({"name": "gepauzeerd", "label": "x"}), "phases"),
    ],
)
def test_broken_definition_names_file_and_field(tmp_path: Path, mutate: Any, field: str) -> None:
    data = lv_raw()
    mutate(data)
    path = write(tmp_path, data)
    message = refused(path)
    assert str(path) in message
    assert field in message


def test_unreachable_phase_is_named(tmp_path: Path) -> None:
    data = lv_raw()
    data["transitions"] = [t for t in data["transitions"] if t["dest"] != "afgerond"]
    message = refused(write(tmp_path, data))
    assert "transitions" in message and "afgerond" in message


def test_code_must_match_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, lv_raw(), name="leren")
    message = refused(path)
    assert str(path) in message and "code" in message


def test_unreadable_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kapot.yaml"
    path.write_text("code: [unclosed\n", encoding="utf-8")
    assert str(path) in refused(path)
    path.write_text("- just\n- a list\n", encoding="utf-8")
    assert "mapping" in refused(path)


def test_third_programme_is_only_a_file(tmp_path: Path) -> None:
    write(tmp_path, LEERGANG)
    programmes = load_programmes(tmp_path)
    leergang = programmes["leergang"]
    assert leergang.phase_names == [p["name"] for p in LEERGANG["phases"]]  # no pause phase
    ctx = GuardContext(programma="leergang", hulpvraag="Leiderschap", reden="Verhuisd")

    phase = leergang.initial
    for target in ["intake", "bijeenkomsten", "afgerond"]:
        trigger, phase = TrajectMachine(leergang, phase).fire(target, ctx)
        assert phase == target
    assert trigger == "afronden"
    # its guards hold: no support question, no start
    with pytest.raises(StepRefused, match="ondersteuningsvraag"):
        TrajectMachine(leergang, "intake").fire("bijeenkomsten", GuardContext("leergang"))
    # the optional phase may be skipped or taken
    assert TrajectMachine(leergang, "bijeenkomsten").fire("certificaat", ctx)[1] == "certificaat"
    # it declared no pause: no pause step is generated
    with pytest.raises(StepRefused):
        TrajectMachine(leergang, "intake").fire(GEPAUZEERD, ctx)
    # stoppen is generated from every active phase
    for name in leergang.active_phases:
        assert TrajectMachine(leergang, name).fire("gestopt", ctx) == ("stoppen", "gestopt")
    diagram = mermaid_diagram(leergang)
    assert "stateDiagram" in diagram and "Bijeenkomsten" in diagram


def test_diagram_uses_the_programmes_words() -> None:
    programmes = load_programmes()
    lv = mermaid_diagram(programmes["lv"])
    gwgb = mermaid_diagram(programmes["gwgb"])
    assert '"Schoolscan" as bestuursscan' in lv
    assert '"Bestuursscan" as bestuursscan' in gwgb
    assert "Stappenplan" in lv
