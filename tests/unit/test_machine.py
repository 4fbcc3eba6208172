"""Every allowed and every forbidden step of both programmes, generated from the definitions.

The expected steps are computed here from the definition's own transitions plus the domain's
generated rules (gestopt and gepauzeerd from every active phase, hervat back to the paused
phase), not from the machine's code, so the machine is checked against the definition.
"""

from __future__ import annotations

import itertools

import pytest

from states import (
    GEPAUZEERD,
    GuardContext,
    ProgrammeDefinition,
    StepRefused,
    TrajectMachine,
    load_programmes,
)

PROGRAMMES = load_programmes()
CODES = sorted(PROGRAMMES)


def open_ctx(programma: str, **changes: object) -> GuardContext:
    """Every guard satisfied; `changes` take one fact away."""
    facts: dict[str, object] = {
        "programma": programma,
        "hulpvraag": "Hulp bij kwaliteitszorg",
        "oordelen": ("onvoldoende",),
        "adviseur": "adviseur@example.nl",
        "adviseur_geaccepteerd": True,
        "reden": "Het bestuur ziet ervan af",
    }
    facts.update(changes)
    return GuardContext(**facts)  # type: ignore[arg-type]


def expected_edges(definition: ProgrammeDefinition) -> set[tuple[str, str]]:
    """(from, to) pairs the definition allows, by name of the destination."""
    edges = {(source, t.dest) for t in definition.transitions for source in t.source}
    active = [p.name for p in definition.phases if not p.final]
    for phase in active:
        if definition.stoppen:
            edges.add((phase, "gestopt"))
        if definition.pauzeren:
            edges.add((phase, GEPAUZEERD))
    if definition.stoppen and definition.pauzeren:
        edges.add((GEPAUZEERD, "gestopt"))
    return edges


def all_pairs() -> list[tuple[str, str, str]]:
    return [
        (code, source, target)
        for code in CODES
        for source, target in itertools.product(
            PROGRAMMES[code].phase_names, PROGRAMMES[code].phase_names
        )
    ]


@pytest.mark.parametrize(("code", "source", "target"), all_pairs())
def test_every_phase_to_every_phase(code: str, source: str, target: str) -> None:
    definition = PROGRAMMES[code]
    allowed = (source, target) in expected_edges(definition)
    # a paused traject remembers a phase; any active one will do for steps by name
    paused_from = definition.active_phases[0] if source == GEPAUZEERD else None
    machine = TrajectMachine(definition, source, paused_from)
    if allowed:
        trigger, new_phase = machine.fire(target, open_ctx(code))
        assert new_phase == target
        assert machine.allows(trigger, target)
    else:
        with pytest.raises(StepRefused) as refused:
            machine.fire(target, open_ctx(code))
        message = str(refused.value)
        assert message and message[0].isupper()
        assert expected_refusal(definition, source, target) in message


def expected_refusal(definition: ProgrammeDefinition, source: str, target: str) -> str:
    """The part of the Dutch refusal that says why this step cannot be taken."""
    order = [p.name for p in definition.phases]
    if source in definition.final_phases:
        return "kan niet meer van fase veranderen"
    if target == source:
        return f"staat al in fase {source}"
    if source == GEPAUZEERD:
        return "hervat het eerst met 'hervat'"
    if target in definition.final_phases:
        return f"Naar {target} kan een traject niet vanuit {source}"
    if order.index(target) < order.index(source):
        return f"niet terug naar {target}"
    return "een fase overslaan kan niet"


def test_the_shipped_programmes_have_the_lifecycle() -> None:
    for code in ("lv", "gwgb"):
        definition = PROGRAMMES[code]
        assert [p.name for p in definition.phases] == [
            "aanmelding",
            "intake",
            "matching",
            "kennismaking",
            "bestuursscan",
            "plan",
            "uitvoering",
            "afgerond",
            "afgewezen",
            "gestopt",
        ]
        edges = expected_edges(definition)
        # afgewezen only after intake
        assert {s for s, t in edges if t == "afgewezen"} == {"intake"}
        # the only skip is the optional bestuursscan
        assert ("kennismaking", "plan") in edges
        assert set(definition.final_phases) == {"afgerond", "afgewezen", "gestopt"}


@pytest.mark.parametrize("code", CODES)
def test_steps_lists_every_step_out_of_each_phase(code: str) -> None:
    definition = PROGRAMMES[code]
    edges = expected_edges(definition)
    for phase in definition.phase_names:
        paused_from = definition.active_phases[1] if phase == GEPAUZEERD else None
        steps = TrajectMachine(definition, phase, paused_from).steps(open_ctx(code))
        by_dest = {s.dest for s in steps if s.trigger != "hervat"}
        assert by_dest == {t for s, t in edges if s == phase}
        assert all(s.allowed for s in steps)
        hervat = [s for s in steps if s.trigger == "hervat"]
        assert [s.dest for s in hervat] == ([paused_from] if paused_from else [])


# -- guards ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ctx_changes", "allowed"),
    [
        ({"oordelen": ("onvoldoende",)}, True),
        ({"oordelen": ("voldoende", "onvoldoende")}, True),
        ({"oordelen": (), "school_oordelen": ("zeer zwak",)}, True),
        ({"oordelen": (), "school_oordelen": ("onvoldoende", "voldoende")}, True),
        ({"oordelen": ("voldoende",), "school_oordelen": ("voldoende",)}, False),
        ({"oordelen": ()}, False),
        # a described risk does not make a board eligible for gwgb
        ({"oordelen": (), "risico": "Daling resultaten"}, False),
    ],
)
def test_eligibility_gwgb(ctx_changes: dict[str, object], allowed: bool) -> None:
    machine = TrajectMachine(PROGRAMMES["gwgb"], "intake")
    ctx = open_ctx("gwgb", **ctx_changes)
    if allowed:
        assert machine.fire("matching", ctx)[1] == "matching"
    else:
        with pytest.raises(StepRefused, match="komt niet in aanmerking"):
            machine.fire("matching", ctx)


@pytest.mark.parametrize(
    ("ctx_changes", "allowed"),
    [
        ({"oordelen": ("onvoldoende",)}, True),
        ({"oordelen": ("zeer zwak",)}, True),
        ({"oordelen": ("voldoende",), "risico": "Leerlingen stromen af"}, True),
        ({"oordelen": (), "risico": "Veel verloop in het team"}, True),
        ({"oordelen": ("voldoende",)}, False),
        ({"oordelen": (), "risico": "   "}, False),
        # a board's schools do not count for an LV school
        ({"oordelen": (), "school_oordelen": ("zeer zwak",)}, False),
    ],
)
def test_eligibility_lv(ctx_changes: dict[str, object], allowed: bool) -> None:
    machine = TrajectMachine(PROGRAMMES["lv"], "intake")
    ctx = open_ctx("lv", **ctx_changes)
    if allowed:
        assert machine.fire("matching", ctx)[1] == "matching"
    else:
        with pytest.raises(StepRefused, match="komt niet in aanmerking"):
            machine.fire("matching", ctx)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("hulpvraag", [None, "", "  "])
def test_support_question_required_for_matching(code: str, hulpvraag: str | None) -> None:
    with pytest.raises(StepRefused, match="ondersteuningsvraag is nog niet bekend"):
        TrajectMachine(PROGRAMMES[code], "intake").fire(
            "matching", open_ctx(code, hulpvraag=hulpvraag)
        )


@pytest.mark.parametrize("code", CODES)
def test_kennismaking_needs_an_accepted_adviseur(code: str) -> None:
    machine = TrajectMachine(PROGRAMMES[code], "matching")
    with pytest.raises(StepRefused, match="geen adviseur gekoppeld"):
        machine.fire("kennismaking", open_ctx(code, adviseur=None, adviseur_geaccepteerd=False))
    with pytest.raises(StepRefused, match="nog niet geaccepteerd"):
        machine.fire("kennismaking", open_ctx(code, adviseur_geaccepteerd=False))
    assert machine.fire("kennismaking", open_ctx(code))[1] == "kennismaking"
    # steps() shows the block and its reason without taking the step
    blocked = {
        s.dest: s for s in machine.steps(open_ctx(code, adviseur=None, adviseur_geaccepteerd=False))
    }
    assert not blocked["kennismaking"].allowed
    assert "koppel eerst een adviseur" in (blocked["kennismaking"].reason or "")
    assert blocked["gestopt"].allowed and blocked["gestopt"].reason_required


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(("source", "target"), [("intake", "afgewezen"), ("plan", "gestopt")])
@pytest.mark.parametrize("reden", [None, "", " \n "])
def test_reason_required(code: str, source: str, target: str, reden: str | None) -> None:
    machine = TrajectMachine(PROGRAMMES[code], source)
    with pytest.raises(StepRefused, match="Geef een reden op"):
        machine.fire(target, open_ctx(code, reden=reden))
    # the list of steps offers it anyway: the reason is asked when the step is taken
    step = next(s for s in machine.steps(open_ctx(code, reden=reden)) if s.dest == target)
    assert step.allowed and step.reason_required


# -- pause and resume ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "phase"),
    [(code, phase) for code in CODES for phase in PROGRAMMES[code].active_phases],
)
def test_pause_resume_returns_to_the_paused_phase(code: str, phase: str) -> None:
    definition = PROGRAMMES[code]
    ctx = open_ctx(code)
    trigger, paused = TrajectMachine(definition, phase).fire(GEPAUZEERD, ctx)
    assert (trigger, paused) == ("pauzeren", GEPAUZEERD)
    machine = TrajectMachine(definition, GEPAUZEERD, paused_from=phase)
    # resume by name of the phase is refused: 'hervat' is the step
    for other in definition.active_phases:
        with pytest.raises(StepRefused):
            machine.fire(other, ctx)
    assert machine.fire("hervat", ctx) == ("hervat", phase)
    # a pause can also end the traject
    assert machine.fire("gestopt", ctx) == ("stoppen", "gestopt")
    with pytest.raises(StepRefused, match="Geef een reden op"):
        machine.fire("gestopt", open_ctx(code, reden=None))


@pytest.mark.parametrize("code", CODES)
def test_paused_traject_cannot_pause_again(code: str) -> None:
    machine = TrajectMachine(PROGRAMMES[code], GEPAUZEERD, paused_from="plan")
    with pytest.raises(StepRefused):
        machine.fire(GEPAUZEERD, open_ctx(code))


@pytest.mark.parametrize("code", CODES)
def test_hervat_needs_a_pause(code: str) -> None:
    with pytest.raises(StepRefused, match="niet gepauzeerd, dus hervatten kan niet"):
        TrajectMachine(PROGRAMMES[code], "plan").fire("hervat", open_ctx(code))


@pytest.mark.parametrize("code", CODES)
def test_unknown_phase_is_refused_in_dutch(code: str) -> None:
    with pytest.raises(StepRefused, match="Onbekende fase 'evaluatie'"):
        TrajectMachine(PROGRAMMES[code], "intake").fire("evaluatie", open_ctx(code))
    with pytest.raises(StepRefused, match="bestaat niet"):
        TrajectMachine(PROGRAMMES[code], "evaluatie")
