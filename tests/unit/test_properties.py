"""Property-based: random sequences of steps never reach a phase the definition does not allow,
and replaying a traject's history always gives its stored phase."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casework.db import Database
from casework.errors import CaseworkError
from casework.services import adviseurs, organisaties, trajecten, verify
from states import GEPAUZEERD, GuardContext, StepRefused, TrajectMachine, load_programmes
from tests.unit.test_machine import expected_edges

PROGRAMMES = load_programmes()
CODES = sorted(PROGRAMMES)
ACTOR = "eigenschap@test"
#: steps that end a traject
ENDS = frozenset({"stoppen", "afwijzen"})

#: every name a person might type: phases, triggers, 'hervat', and nonsense
TARGETS = sorted(
    {name for p in PROGRAMMES.values() for name in p.phase_names}
    | {t.trigger for p in PROGRAMMES.values() for t in p.transitions}
    | {"hervat", "stoppen", "pauzeren", "evaluatie", ""}
)

contexts = st.builds(
    GuardContext,
    programma=st.sampled_from(CODES),
    hulpvraag=st.sampled_from([None, "", "Hulp bij kwaliteitszorg"]),
    risico=st.sampled_from([None, " ", "Veel verloop"]),
    oordelen=st.lists(st.sampled_from(["voldoende", "onvoldoende", "zeer zwak"]), max_size=2).map(
        tuple
    ),
    school_oordelen=st.lists(
        st.sampled_from(["voldoende", "onvoldoende", "zeer zwak"]), max_size=2
    ).map(tuple),
    adviseur=st.sampled_from([None, "anna@adviseurs.nl"]),
    adviseur_geaccepteerd=st.booleans(),
    reden=st.sampled_from([None, "", "Een reden"]),
)


@settings(max_examples=300, deadline=None)
@given(
    code=st.sampled_from(CODES),
    steps=st.lists(st.tuples(st.sampled_from(TARGETS), contexts), max_size=30),
)
def test_random_triggers_stay_inside_the_definition(
    code: str, steps: list[tuple[str, GuardContext]]
) -> None:
    definition = PROGRAMMES[code]
    edges = expected_edges(definition)
    phase, paused_from = definition.initial, None
    events: list[tuple[int, str, str | None, str | None]] = [
        (1, "aanmelden", None, definition.initial)
    ]
    for target, ctx in steps:
        try:
            trigger, new_phase = TrajectMachine(definition, phase, paused_from).fire(target, ctx)
        except StepRefused as refused:
            assert str(refused)  # a refusal always says why
            continue
        if trigger == "hervat":
            assert (phase, new_phase) == (GEPAUZEERD, paused_from)
        else:
            assert (phase, new_phase) in edges
        assert phase not in definition.final_phases
        paused_from = phase if new_phase == GEPAUZEERD else None
        events.append((len(events) + 1, trigger, phase, new_phase))
        phase = new_phase
        assert phase in definition.phase_names
    # the replay `casework verify` uses agrees with the machine
    assert verify.replay(code, events) == (phase, paused_from, None)


# -- through the service layer, on SQLite ----------------------------------------------------


@pytest.fixture(scope="module")
def property_db(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One SQLite database for all examples: each example signs up its own traject."""
    path = tmp_path_factory.mktemp("properties") / "casework.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    organisaties.add_bestuur(database, nummer="41234", naam="Stichting Voorbeeld")
    organisaties.add_bestuur(database, nummer="52345", naam="Stichting Elders")
    organisaties.add_school(
        database, brin="12AB", naam="De Regenboog", bestuur="52345", sector="po"
    )
    adviseurs.add_adviseur(database, naam="Anna de Boer", email="anna@adviseurs.nl")
    yield database
    database.dispose()


#: the phases the service examples passed through (checked by the test after the property)
reached: set[str] = set()

actions = st.one_of(
    # a step the traject may take now (the n-th allowed one): drives trajecten deep
    *[st.tuples(st.just("volgende"), st.sampled_from("000123"), st.none())] * 5,
    st.tuples(
        st.just("advance"),
        st.sampled_from(TARGETS),
        st.sampled_from([None, "Een reden"]),
    ),
    st.tuples(st.just("koppel"), st.just("anna@adviseurs.nl"), st.none()),
    st.tuples(
        st.just("wijzig"),
        st.sampled_from(["hulpvraag", "risico", "oordeel"]),
        st.sampled_from(["onvoldoende", "voldoende", "Nieuwe tekst"]),
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# two walks always run: one to the end, one through a pause to a stop
@example(
    code="lv",
    oordeel="onvoldoende",
    hulpvraag="Hulp bij kwaliteitszorg",
    steps=[("volgende", "0", None)] * 9,
)
@example(
    code="gwgb",
    oordeel="onvoldoende",
    hulpvraag=None,
    steps=[
        ("volgende", "0", None),
        ("advance", "gepauzeerd", None),
        ("advance", "intake", None),
        ("advance", "hervat", None),
        ("wijzig", "hulpvraag", "Nieuwe tekst"),
        ("volgende", "0", None),
        ("advance", "gestopt", None),
        ("advance", "gestopt", "Een reden"),
    ],
)
@given(
    code=st.sampled_from(CODES),
    # mostly eligible, so the walks get past intake
    oordeel=st.sampled_from([None, "voldoende", "onvoldoende", "onvoldoende", "zeer zwak"]),
    hulpvraag=st.sampled_from([None, "Hulp bij kwaliteitszorg", "Hulp bij kwaliteitszorg"]),
    steps=st.lists(actions, max_size=40),
)
def test_service_history_replays_to_the_stored_phase(
    property_db: Database,
    code: str,
    oordeel: str | None,
    hulpvraag: str | None,
    steps: list[tuple[str, str, str | None]],
) -> None:
    db = property_db
    definition = PROGRAMMES[code]
    t = trajecten.aanmelden(
        db,
        programma=code,
        school="12AB" if code == "lv" else None,
        bestuur="41234" if code == "gwgb" else None,
        oordeel=oordeel,
        hulpvraag=hulpvraag,
        contact_naam="Jan",
        contact_email="jan@example.nl",
        actor=ACTOR,
    )
    version = 1
    for action, value, extra in steps:
        try:
            if action == "volgende":
                shown = trajecten.show(db, traject_id=t.id)
                if shown.fase == "matching" and shown.adviseur is None:
                    value, action = "anna@adviseurs.nl", "koppel"
                    read = trajecten.koppel(db, traject_id=t.id, adviseur=value, actor=ACTOR)
                    version += 1
                    continue
                # forward steps first, ends last: index 0 (the most common draw) moves it on
                allowed = sorted(
                    (s for s in trajecten.steps(db, traject_id=t.id) if s.toegestaan),
                    key=lambda s: (s.trigger == "pauzeren") + 2 * (s.trigger in ENDS),
                )
                if not allowed:
                    continue
                step = allowed[int(value) % len(allowed)]
                reden = "Een reden" if step.reden_verplicht else None
                read = trajecten.advance(
                    db, traject_id=t.id, fase=step.fase, actor=ACTOR, reden=reden
                )
            elif action == "advance":
                read = trajecten.advance(db, traject_id=t.id, fase=value, actor=ACTOR, reden=extra)
            elif action == "koppel":
                read = trajecten.koppel(db, traject_id=t.id, adviseur=value, actor=ACTOR)
            elif value == "oordeel":
                read = trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, oordeel=extra)
            elif value == "risico":
                read = trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, risico=extra)
            else:
                read = trajecten.wijzig(db, traject_id=t.id, actor=ACTOR, hulpvraag=extra)
        except CaseworkError:
            assert trajecten.show(db, traject_id=t.id).version == version  # nothing written
            continue
        version += 1
        assert read.version == version
        assert read.fase in definition.phase_names
        reached.add(read.fase)

    stored = trajecten.show(db, traject_id=t.id)
    events = [
        (e.seq, e.trigger, e.from_fase, e.to_fase) for e in trajecten.history(db, traject_id=t.id)
    ]
    assert len(events) == stored.version
    assert verify.replay(code, events) == (stored.fase, stored.paused_from, None)
    assert verify.verify(db).ok


def test_service_examples_reached_the_end_phases() -> None:
    """Runs after the property above (file order): the random walks went deep enough."""
    assert set(PROGRAMMES["lv"].phase_names) - {"afgewezen"} <= reached, reached
