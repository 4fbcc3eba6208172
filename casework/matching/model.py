"""The values matching works on: adviseurs, trajecten, weights, and the proposals it makes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Weights:
    """How much each part of the score weighs (the parts themselves are between 0 and 1)."""

    expertise: float = 40.0
    regio: float = 20.0
    continuiteit: float = 30.0
    spreiding: float = 10.0

    @property
    def maximum(self) -> float:
        return self.expertise + self.regio + self.continuiteit + self.spreiding


@dataclass(frozen=True)
class AdviseurInfo:
    id: int
    naam: str
    sectoren: frozenset[str]
    expertise: frozenset[str] = frozenset()
    regio: str | None = None
    #: capacity in dagdelen per month
    dagdelen_per_maand: int = 0
    max_trajecten: int = 0
    actief: bool = True
    #: absence periods (first and last day, inclusive)
    afwezigheid: tuple[tuple[date, date], ...] = ()
    conflict_besturen: frozenset[int] = frozenset()
    conflict_scholen: frozenset[int] = frozenset()
    #: trajecten the adviseur holds now (proposed-not-accepted included)
    actieve_trajecten: int = 0
    #: the besturen of those trajecten (continuity)
    besturen: frozenset[int] = frozenset()

    def limiet(self, dagdelen_per_traject: int) -> int:
        """How many trajecten fit at all: the lower of the maximum and the dagdelen capacity."""
        return max(0, min(self.max_trajecten, self.dagdelen_per_maand // dagdelen_per_traject))

    def vrij(self, dagdelen_per_traject: int) -> int:
        return max(0, self.limiet(dagdelen_per_traject) - self.actieve_trajecten)


@dataclass(frozen=True)
class TrajectInfo:
    id: int
    #: the sectors of the school (LV) or of the bestuur's schools (GWGB)
    sectoren: frozenset[str]
    bestuur_id: int
    school_id: int | None = None
    regio: str | None = None
    themas: frozenset[str] = frozenset()
    #: adviseurs who declined this traject
    uitgesloten: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Context:
    peildatum: date
    #: an absence that starts within this many days also excludes (the kennismaking is near)
    afwezig_horizon_dagen: int = 14
    dagdelen_per_traject: int = 2
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Alternatief:
    adviseur_id: int
    naam: str
    score: float
    onderdelen: dict[str, float]


@dataclass(frozen=True)
class Voorstel:
    traject_id: int
    adviseur_id: int | None
    adviseur_naam: str | None
    score: float
    onderdelen: dict[str, float]
    alternatieven: tuple[Alternatief, ...]
    #: why no adviseur was proposed (None when one was)
    reden: str | None = None

    @property
    def uitleg(self) -> str:
        """The proposal explained in one Dutch line."""
        if self.adviseur_id is None:
            return self.reden or "Geen adviseur gevonden."
        parts = ", ".join(f"{k} {v:.1f}" for k, v in self.onderdelen.items())
        text = f"{self.adviseur_naam}: score {self.score:.1f} ({parts})."
        if self.alternatieven:
            alts = ", ".join(f"{a.naam} ({a.score:.1f})" for a in self.alternatieven)
            text += f" Alternatieven: {alts}."
        return text


@dataclass(frozen=True)
class MatchResult:
    voorstellen: tuple[Voorstel, ...]

    @property
    def toegewezen(self) -> int:
        return sum(1 for v in self.voorstellen if v.adviseur_id is not None)

    @property
    def totaal_score(self) -> float:
        return float(sum(v.score for v in self.voorstellen if v.adviseur_id is not None))
