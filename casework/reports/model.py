"""The throughput report's figures as pydantic values: what every output format renders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

#: histogram bins of the lead-time distributions, in calendar days: [lower, upper)
DOORLOOPTIJD_BAKKEN: tuple[tuple[int, int | None], ...] = (
    (0, 5),
    (5, 10),
    (10, 20),
    (20, 40),
    (40, 60),
    (60, 90),
    (90, None),
)

#: lead-time keys that are not a single phase
AANMELDING_TOT_KENNISMAKING = "aanmelding_tot_kennismaking"
TOT_MATCH = "tot_bevestigde_match"


class Periode(BaseModel):
    nr: int
    label: str
    start: date
    #: the last day of the period (inclusive)
    eind: date


class PeriodeCijfers(BaseModel):
    """Inflow, outflow and the work in progress at the end of one period, for one programme."""

    programma: str
    periode: int
    instroom: int = 0
    afgerond: int = 0
    afgewezen: int = 0
    gestopt: int = 0
    #: trajecten per phase at the end of the period (final phases count cumulatively)
    onderhanden: dict[str, int] = {}


class Doorlooptijd(BaseModel):
    """A lead-time distribution in calendar days (nearest-rank percentiles)."""

    programma: str
    #: a phase name, or AANMELDING_TOT_KENNISMAKING / TOT_MATCH
    fase: str
    label: str
    aantal: int
    mediaan: float | None
    p80: float | None
    p95: float | None
    #: counts per DOORLOOPTIJD_BAKKEN bin
    verdeling: list[int]


class TrajectOverNorm(BaseModel):
    traject_id: int
    referentie: str
    programma: str
    fase: str
    organisatie: str
    sinds: datetime
    werkdagen: int
    norm_werkdagen: int


class Veroudering(BaseModel):
    """Trajecten past their phase norm (werkdagen, pauses not counted) on the peildatum."""

    programma: str
    fase: str
    norm_werkdagen: int
    onderhanden: int
    over_norm: int


class Uitkomst(BaseModel):
    """How the trajecten that ended in the period ended, and the herstelonderzoek results."""

    programma: str
    beeindigd: int
    afgerond: int
    afgewezen: int
    gestopt: int
    #: (afgewezen + gestopt) / beeindigd, None when nothing ended
    aandeel_afgewezen_gestopt: Decimal | None
    herstelonderzoek_voldoende: int
    herstelonderzoek_onvoldoende: int
    #: afgerond without a recorded herstelonderzoek outcome
    herstelonderzoek_onbekend: int


class Benutting(BaseModel):
    """Dagdelen an adviseur worked against the capacity on offer in the period."""

    adviseur_id: int
    adviseur: str
    #: dagdelen per month times the months the range covers (pro rata)
    capaciteit_dagdelen: Decimal
    gewerkte_dagdelen: int
    #: gewerkt / capaciteit, None without capacity
    benutting: Decimal | None


class Budget(BaseModel):
    """Budget burn of one programme in the period: dagdelen and euros, school and programme."""

    programma: str
    dagdelen: int
    bedrag: Decimal
    schooldeel: Decimal
    programmadeel: Decimal


class BudgetPeriode(BaseModel):
    """Dagdelen and euros of one programme in one period (for the burn-up chart)."""

    programma: str
    periode: int
    dagdelen: int
    bedrag: Decimal


class DoorstroomRapport(BaseModel):
    programmas: list[str]
    programma_namen: dict[str, str]
    fase_labels: dict[str, dict[str, str]]
    van: date
    tot: date
    peildatum: date
    periode_soort: str
    gemaakt_op: datetime
    eenheid_doorlooptijd: str = "kalenderdagen"
    perioden: list[Periode]
    cijfers: list[PeriodeCijfers]
    doorlooptijden: list[Doorlooptijd]
    veroudering: list[Veroudering]
    oudste: list[TrajectOverNorm]
    uitkomsten: list[Uitkomst]
    benutting: list[Benutting] | None = None
    budget: list[Budget] | None = None
    budget_per_periode: list[BudgetPeriode] | None = None
    #: why a figure is missing (a module that is not there yet, ...)
    opmerkingen: list[str] = []
