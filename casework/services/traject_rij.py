"""One traject as a plain row: what a step and its read model need, in ONE query.

A step through the service layer is the hottest path of the product. Loading the ORM object
with four joined relationships and then asking for the verdicts took most of a step's time;
this module reads the traject, its bestuur, school, contact person, adviseur and the verdicts
of its own organisation with a single Core SELECT (one row per verdict) into a slotted
dataclass. The ORM path (`TrajectRij.of_traject`) yields the same shape, so the read model is
built in one place whichever way the traject was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, or_, select

from casework.db.models import Adviseur, Bestuur, Contactpersoon, Oordeel, School, Traject
from casework.db.prepared import DbapiWork, Prepared
from casework.errors import NotFound


@dataclass(slots=True)
class TrajectRij:
    """The facts of one traject (and its organisation) that steps and reads look at."""

    id: int
    programma: str
    definitie_versie: int
    bestuur_id: int
    school_id: int | None
    fase: str
    paused_from: str | None
    fase_sinds: datetime
    werkdagen_voor_pauze: int
    version: int
    hulpvraag: str | None
    risico: str | None
    adviseur_geaccepteerd: bool
    aangemeld_op: datetime
    herstelonderzoek_voor: date | None
    resultaat: str | None
    bestuursnummer: str
    bestuur_naam: str
    brin: str | None
    school_naam: str | None
    sector: str | None
    contact_naam: str | None
    contact_email: str | None
    adviseur_email: str | None
    adviseur_naam: str | None
    #: the latest verdict per standard of the traject's own organisation (school or bestuur)
    oordelen: list[str]

    @property
    def referentie(self) -> str:
        """As `Traject.referentie`: LV-2026-00042."""
        return f"{self.programma.upper()}-{self.aangemeld_op.year}-{self.id:05d}"

    @property
    def organisatie_naam(self) -> str:
        return self.school_naam if self.school_naam is not None else self.bestuur_naam

    @classmethod
    def of_traject(cls, traject: Traject, oordelen: list[str]) -> TrajectRij:
        """The same facts from a loaded ORM traject (relationships loaded with it)."""
        school, contact, adviseur = traject.school, traject.contact, traject.adviseur
        return cls(
            id=traject.id,
            programma=traject.programma,
            definitie_versie=traject.definitie_versie,
            bestuur_id=traject.bestuur_id,
            school_id=traject.school_id,
            fase=traject.fase,
            paused_from=traject.paused_from,
            fase_sinds=traject.fase_sinds,
            werkdagen_voor_pauze=traject.werkdagen_voor_pauze,
            version=traject.version,
            hulpvraag=traject.hulpvraag,
            risico=traject.risico,
            adviseur_geaccepteerd=traject.adviseur_geaccepteerd,
            aangemeld_op=traject.aangemeld_op,
            herstelonderzoek_voor=traject.herstelonderzoek_voor,
            resultaat=traject.resultaat,
            bestuursnummer=traject.bestuur.bestuursnummer,
            bestuur_naam=traject.bestuur.naam,
            brin=school.brin if school else None,
            school_naam=school.naam if school else None,
            sector=school.sector if school else None,
            contact_naam=contact.naam if contact else None,
            contact_email=contact.email if contact else None,
            adviseur_email=adviseur.email if adviseur else None,
            adviseur_naam=adviseur.naam if adviseur else None,
            oordelen=oordelen,
        )


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


_T = _table(Traject)
_B = _table(Bestuur)
_S = _table(School)
_C = _table(Contactpersoon)
_A = _table(Adviseur)
_O = _table(Oordeel)

#: the traject's own columns, in TrajectRij's order
_TRAJECT_COLUMNS = (
    "id",
    "programma",
    "definitie_versie",
    "bestuur_id",
    "school_id",
    "fase",
    "paused_from",
    "fase_sinds",
    "werkdagen_voor_pauze",
    "version",
    "hulpvraag",
    "risico",
    "adviseur_geaccepteerd",
    "aangemeld_op",
    "herstelonderzoek_voor",
    "resultaat",
)

#: built once with a bound id: SQLAlchemy computes its cache key once. One row per verdict of
#: the traject's own organisation (its school; for a bestuur traject the bestuur's verdicts, as
#: `latest_oordelen` reads them), newest first; one row with NULL verdict columns when none.
_LOAD = Prepared(
    select(
        *(_T.c[name] for name in _TRAJECT_COLUMNS),
        _B.c.bestuursnummer,
        _B.c.naam,
        _S.c.brin,
        _S.c.naam,
        _S.c.sector,
        _C.c.naam,
        _C.c.email,
        _A.c.email,
        _A.c.naam,
        _O.c.standaard,
        _O.c.oordeel,
    )
    .select_from(_T)
    .join(_B, _B.c.id == _T.c.bestuur_id)
    .outerjoin(_S, _S.c.id == _T.c.school_id)
    .outerjoin(_C, _C.c.id == _T.c.contact_id)
    .outerjoin(_A, _A.c.id == _T.c.adviseur_id)
    .outerjoin(
        _O,
        or_(
            _O.c.school_id == _T.c.school_id,
            and_(_T.c.school_id.is_(None), _O.c.bestuur_id == _T.c.bestuur_id),
        ),
    )
    .where(_T.c.id == bindparam("traject_id"))
    .order_by(_O.c.datum.desc(), _O.c.id.desc())
)

#: the latest verdicts of the schools of a bestuur (GWGB's eligibility), as
#: `organisaties.latest_school_oordelen` reads them
_SCHOOL_OORDELEN = Prepared(
    select(_O.c.school_id, _O.c.standaard, _O.c.oordeel)
    .join(_S, _S.c.id == _O.c.school_id)
    .where(_S.c.bestuur_id == bindparam("bestuur_id"))
    .order_by(_O.c.school_id, _O.c.datum.desc(), _O.c.id.desc())
)

_FIELDS = len(_TRAJECT_COLUMNS) + 9


def load(work: DbapiWork, traject_id: int) -> TrajectRij:
    """The traject `traject_id` with its organisation and verdicts, or a Dutch NotFound."""
    rows = work.rows(_LOAD, {"traject_id": traject_id})
    if not rows:
        raise NotFound(
            f"Traject {traject_id} bestaat niet. Zoek het id op met 'casework traject list'."
        )
    latest: dict[str | None, str] = {}
    for row in rows:
        standaard, oordeel = row[_FIELDS], row[_FIELDS + 1]
        if oordeel is not None:  # NULL: the organisation has no verdict (outer join)
            latest.setdefault(standaard, oordeel)
    # the columns come in TrajectRij's field order; the verdicts are its last field
    values: tuple[Any, ...] = (*rows[0][:_FIELDS], list(latest.values()))
    return TrajectRij(*values)


def school_oordelen(work: DbapiWork, bestuur_id: int) -> list[str]:
    """The latest verdict per standard of every school of a bestuur, in one query."""
    latest: dict[tuple[int | None, str | None], str] = {}
    for school_id, standaard, oordeel in work.rows(_SCHOOL_OORDELEN, {"bestuur_id": bestuur_id}):
        latest.setdefault((school_id, standaard), oordeel)
    return list(latest.values())
