"""The `transitions` machine built from a programme definition.

One `Machine` per definition is built once and shared; each question about a traject adds a
light model object in the traject's current phase, asks, and removes it again. Callbacks do
nothing with the outside world: the service layer commits, never the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from transitions import EventData, Machine
from transitions.extensions import GraphMachine

from states.definition import GEPAUZEERD, ProgrammeDefinition, TransitionDef
from states.guards import GUARDS, GuardContext

STOPPEN = "stoppen"
PAUZEREN = "pauzeren"
HERVAT = "hervat"


class StepRefused(Exception):
    """A step the definition or a guard does not allow; the message is Dutch and actionable."""


@dataclass(frozen=True)
class Step:
    """One step a traject could take now."""

    trigger: str
    dest: str
    label: str
    allowed: bool
    reason: str | None = None
    reason_required: bool = False


@dataclass
class _Model:
    ctx: GuardContext
    paused_from: str | None
    state: str = ""


def all_transitions(definition: ProgrammeDefinition) -> list[TransitionDef]:
    """The declared transitions plus the generated stop, pause and resume steps."""
    result = list(definition.transitions)
    active = definition.active_phases
    if definition.stoppen:
        sources = [*active, GEPAUZEERD] if definition.pauzeren else active
        result.append(
            TransitionDef(trigger=STOPPEN, source=sources, dest="gestopt", reason_required=True)
        )
    if definition.pauzeren:
        result.append(TransitionDef(trigger=PAUZEREN, source=active, dest=GEPAUZEERD))
        result.extend(
            TransitionDef(trigger=HERVAT, source=[GEPAUZEERD], dest=phase) for phase in active
        )
    return result


def _guard_messages(transition: TransitionDef, ctx: GuardContext) -> list[str]:
    names = list(transition.guards)
    if transition.reason_required:
        names.append("reason_given")
    return [message for name in names if (message := GUARDS[name](ctx)) is not None]


def _condition(transition: TransitionDef) -> Any:
    def check(event: EventData) -> bool:
        model = cast(_Model, event.model)
        if transition.trigger == HERVAT and model.paused_from != transition.dest:
            return False
        return not _guard_messages(transition, model.ctx)

    return check


_MACHINES: dict[int, tuple[ProgrammeDefinition, Machine]] = {}
#: per definition: the transitions out of each phase (built once; definitions never change)
_OUT_OF: dict[int, tuple[ProgrammeDefinition, dict[str, list[TransitionDef]]]] = {}


def _transitions_out_of(definition: ProgrammeDefinition, phase: str) -> list[TransitionDef]:
    cached = _OUT_OF.get(id(definition))
    if cached is None:
        by_phase: dict[str, list[TransitionDef]] = {name: [] for name in definition.phase_names}
        for transition in all_transitions(definition):
            for source in transition.source:
                by_phase[source].append(transition)
        cached = _OUT_OF[id(definition)] = (definition, by_phase)
    return cached[1].get(phase, [])


def _machine(definition: ProgrammeDefinition) -> Machine:
    # keyed by identity: definitions are immutable and loaded once; the tuple keeps the key alive
    cached = _MACHINES.get(id(definition))
    if cached is None:
        cached = _MACHINES[id(definition)] = (definition, _build_machine(definition))
    return cached[1]


def _build_machine(definition: ProgrammeDefinition) -> Machine:
    return Machine(
        model=None,
        states=definition.phase_names,
        transitions=[
            {
                "trigger": t.trigger,
                "source": t.source,
                "dest": t.dest,
                "conditions": [_condition(t)],
            }
            for t in all_transitions(definition)
        ],
        initial=definition.initial,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )


class TrajectMachine:
    """The steps of one traject in its current phase, under its programme's definition."""

    def __init__(
        self, definition: ProgrammeDefinition, fase: str, paused_from: str | None = None
    ) -> None:
        if fase not in definition.phase_names:
            raise StepRefused(f"Fase {fase!r} bestaat niet in programma {definition.code}.")
        self.definition = definition
        self.fase = fase
        self.paused_from = paused_from

    def _candidates(self) -> list[TransitionDef]:
        return _transitions_out_of(self.definition, self.fase)

    def steps(self, ctx: GuardContext) -> list[Step]:
        """Every step out of the current phase, allowed or not, with the reason when not.

        A missing reason does not block a step in this list (it is asked for when the step is
        taken), so the list shows what a person may choose.
        """
        result = []
        for transition in self._candidates():
            if transition.trigger == HERVAT and transition.dest != self.paused_from:
                continue
            messages = [
                message
                for message in _guard_messages(transition, ctx)
                if not (transition.reason_required and message == GUARDS["reason_given"](ctx))
            ]
            result.append(
                Step(
                    trigger=transition.trigger,
                    dest=transition.dest,
                    label=self.definition.label(transition.dest),
                    allowed=not messages,
                    reason=" ".join(messages) or None,
                    reason_required=transition.reason_required,
                )
            )
        return result

    def resolve(self, target: str) -> str:
        """The trigger that takes the traject to `target` (a phase, a trigger, or 'hervat')."""
        candidates = self._candidates()
        if target in {t.trigger for t in candidates}:
            return target
        if target == GEPAUZEERD and any(t.trigger == PAUZEREN for t in candidates):
            return PAUZEREN
        for transition in candidates:
            if transition.dest == target and transition.trigger != HERVAT:
                return transition.trigger
        allowed = sorted({t.dest if t.trigger != HERVAT else HERVAT for t in candidates})
        if self.fase in self.definition.final_phases:
            raise StepRefused(f"Dit traject is {self.fase} en kan niet meer van fase veranderen.")
        if target not in self.definition.phase_names and target != HERVAT:
            raise StepRefused(
                f"Onbekende fase {target!r}. Kies uit: {', '.join(self.definition.phase_names)}."
            )
        possible = f"Mogelijk vanuit {self.fase}: {', '.join(allowed)}."
        if target == HERVAT:
            raise StepRefused(f"Dit traject is niet gepauzeerd, dus hervatten kan niet. {possible}")
        if target == self.fase:
            raise StepRefused(f"Dit traject staat al in fase {self.fase}. {possible}")
        if self.fase == GEPAUZEERD:
            raise StepRefused(
                f"Dit traject is gepauzeerd: hervat het eerst met 'hervat' (terug naar "
                f"{self.paused_from}), of stop het met 'gestopt'."
            )
        if target in self.definition.final_phases:
            raise StepRefused(f"Naar {target} kan een traject niet vanuit {self.fase}. {possible}")
        order = [phase.name for phase in self.definition.phases]
        if target in order and self.fase in order and order.index(target) < order.index(self.fase):
            raise StepRefused(
                f"Van {self.fase} kan een traject niet terug naar {target}. {possible}"
            )
        raise StepRefused(
            f"Van {self.fase} kan een traject niet naar {target}: een fase overslaan kan niet. "
            f"{possible}"
        )

    def fire(self, target: str, ctx: GuardContext) -> tuple[str, str]:
        """Take the step to `target`; returns (trigger, new phase) or raises `StepRefused`."""
        trigger = self.resolve(target)
        machine = _machine(self.definition)
        # the event is triggered on a throw-away model in the current phase; not adding it to
        # the shared machine (add_model/remove_model) keeps threads apart and a step cheap
        model = _Model(ctx=ctx, paused_from=self.paused_from, state=self.fase)
        moved = machine.events[trigger].trigger(model)
        new_phase = model.state
        if not moved:
            for transition in self._candidates():
                if transition.trigger == trigger:
                    messages = _guard_messages(transition, ctx)
                    if messages:
                        raise StepRefused(" ".join(messages))
            raise StepRefused(f"De stap {trigger} is nu niet mogelijk.")
        return trigger, new_phase

    def guards(self, target: str) -> frozenset[str]:
        """The guards (besides a required reason) the step to `target` checks."""
        trigger = self.resolve(target)
        return frozenset(
            name for t in self._candidates() if t.trigger == trigger for name in t.guards
        )

    def allows(self, trigger: str, dest: str) -> bool:
        """Whether the definition has a step `trigger` from the current phase to `dest`."""
        return any(t.trigger == trigger and t.dest == dest for t in self._candidates())


def mermaid_diagram(definition: ProgrammeDefinition, current: str | None = None) -> str:
    """The programme's state diagram in mermaid syntax (no graphviz needed)."""

    class _Diagram:
        pass

    model = _Diagram()
    GraphMachine(
        model=model,
        states=definition.phase_names,
        transitions=[
            {"trigger": t.trigger, "source": t.source, "dest": t.dest}
            for t in all_transitions(definition)
        ],
        initial=current or definition.initial,
        auto_transitions=False,
        graph_engine="mermaid",
        title=f"{definition.naam} (versie {definition.versie})",
        show_conditions=False,
    )
    text = str(model.get_graph().draw(None))  # type: ignore[attr-defined]
    for name in definition.phase_names:
        # show the programme's own words (LV's bestuursscan is its schoolscan)
        text = text.replace(
            f'state "{name}" as {name}', f'state "{definition.label(name)}" as {name}'
        )
    return text
