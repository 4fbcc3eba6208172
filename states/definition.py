"""Programme definitions: one YAML file per programme, validated by pydantic when loaded."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from states.guards import GUARDS

DEFINITIONS_DIR = Path(__file__).parent / "definitions"

#: the phase a paused traject sits in; generated, never declared
GEPAUZEERD = "gepauzeerd"
RESERVED_PHASES = frozenset({GEPAUZEERD})


class DefinitionError(ValueError):
    """A programme definition that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Phase(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: str
    optional: bool = False
    final: bool = False
    #: werkdagen a traject may spend in this phase before it is past its norm
    norm_werkdagen: int | None = Field(default=None, gt=0)


class TransitionDef(_Strict):
    trigger: str = Field(pattern=r"^[a-z][a-z_]*$")
    source: list[str]
    dest: str
    guards: list[str] = []
    reason_required: bool = False

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("guards")
    @classmethod
    def _known_guards(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in GUARDS]
        if unknown:
            raise ValueError(f"unknown guard(s) {unknown}; known: {sorted(GUARDS)}")
        return value


class Funding(_Strict):
    model: Literal["cofinanciering", "programma"]
    #: share of each dagdeel the school pays (0.50 for 50/50, 0 when the programme pays all)
    school_share: Decimal = Field(ge=0, le=1)
    dagdelen_per_blok: int | None = Field(default=None, gt=0)
    max_blokken: int | None = Field(default=None, gt=0)


class Moment(_Strict):
    """A moment that recurs every year, such as a voortgangsgesprek in feb/mrt."""

    name: str
    label: str
    months: list[int] = Field(min_length=1)
    #: the phases in which a traject gets a reminder for this moment
    phases: list[str] = Field(min_length=1)

    @field_validator("months")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(not 1 <= month <= 12 for month in value):
            raise ValueError("months are 1..12")
        return value


class ProgrammeDefinition(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    naam: str
    versie: int = Field(ge=1)
    doelgroep: Literal["school", "bestuur"]
    sectoren: list[Literal["po", "so", "vo"]] = Field(min_length=1)
    initial: str
    phases: list[Phase] = Field(min_length=2)
    transitions: list[TransitionDef] = Field(min_length=1)
    stoppen: bool = True
    pauzeren: bool = True
    funding: Funding
    moments: list[Moment] = []

    @model_validator(mode="after")
    def _consistent(self) -> ProgrammeDefinition:
        names = [phase.name for phase in self.phases]
        if len(set(names)) != len(names):
            raise ValueError(f"phases: duplicate phase names in {names}")
        if RESERVED_PHASES & set(names):
            raise ValueError(f"phases: {sorted(RESERVED_PHASES)} is generated, do not declare it")
        if self.initial not in names:
            raise ValueError(f"initial: unknown phase {self.initial!r}")
        final = {phase.name for phase in self.phases if phase.final}
        order = {name: index for index, name in enumerate(names)}
        optional = {phase.name for phase in self.phases if phase.optional}
        for index, transition in enumerate(self.transitions):
            where = f"transitions[{index}] ({transition.trigger})"
            for name in [*transition.source, transition.dest]:
                if name not in order:
                    raise ValueError(f"{where}: unknown phase {name!r}")
            for source in transition.source:
                if source in final:
                    raise ValueError(f"{where}: final phase {source!r} cannot be left")
                if transition.dest in final:
                    continue
                skipped = names[order[source] + 1 : order[transition.dest]]
                if any(name not in optional for name in skipped):
                    raise ValueError(
                        f"{where}: {source} -> {transition.dest} skips a phase that is not optional"
                    )
        for moment in self.moments:
            for name in moment.phases:
                if name not in order:
                    raise ValueError(f"moments ({moment.name}): unknown phase {name!r}")
        self._check_reachable(names)
        return self

    def _check_reachable(self, names: list[str]) -> None:
        reached = {self.initial}
        changed = True
        while changed:
            changed = False
            for transition in self.transitions:
                if reached & set(transition.source) and transition.dest not in reached:
                    reached.add(transition.dest)
                    changed = True
        if self.stoppen:
            reached.add("gestopt")
        missing = [name for name in names if name not in reached]
        if missing:
            raise ValueError(f"transitions: phases {missing} can never be reached")

    # -- questions the rest of the product asks ---------------------------------------------
    def phase(self, name: str) -> Phase:
        for phase in self.phases:
            if phase.name == name:
                return phase
        if name == GEPAUZEERD:
            return Phase(name=GEPAUZEERD, label="Gepauzeerd")
        raise KeyError(name)

    @property
    def phase_names(self) -> list[str]:
        names = [phase.name for phase in self.phases]
        return [*names, GEPAUZEERD] if self.pauzeren else names

    @property
    def active_phases(self) -> list[str]:
        """Phases a traject can still move out of (not final, not paused)."""
        return [phase.name for phase in self.phases if not phase.final]

    @property
    def final_phases(self) -> list[str]:
        return [phase.name for phase in self.phases if phase.final]

    def label(self, name: str) -> str:
        return self.phase(name).label


def load_definition(path: Path) -> ProgrammeDefinition:
    """Load and validate one definition file; errors name the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path}: a definition is a mapping of fields")
    try:
        definition = ProgrammeDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '<root>'}: {error['msg']}"
            for error in exc.errors()
        )
        raise DefinitionError(f"{path}: {problems}") from exc
    if definition.code != path.stem:
        raise DefinitionError(f"{path}: code: {definition.code!r} must match the file name")
    return definition


@cache
def load_programmes(directory: Path = DEFINITIONS_DIR) -> dict[str, ProgrammeDefinition]:
    """All programme definitions in a directory, by code."""
    return {path.stem: load_definition(path) for path in sorted(directory.glob("*.yaml"))}
