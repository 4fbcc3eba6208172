"""Guards: named conditions a transition may require.

A definition names its guards; this registry holds their code. A guard takes the traject's facts
(a `GuardContext`, built by the service layer from the database) and returns ``None`` when the
step is allowed, or a Dutch sentence saying what is missing. A new programme adds, at most, one
function here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

GuardFn = Callable[["GuardContext"], str | None]

GUARDS: dict[str, GuardFn] = {}

#: verdicts that make a school or board eligible
ONVOLDOENDE_OORDELEN = frozenset({"onvoldoende", "zeer zwak"})


@dataclass(frozen=True)
class GuardContext:
    """The facts about one traject that guards may look at (a snapshot, no database)."""

    programma: str
    hulpvraag: str | None = None
    risico: str | None = None
    #: latest verdicts of the traject's own organisation (school for LV, bestuur for GWGB)
    oordelen: tuple[str, ...] = ()
    #: latest verdicts of the schools of the traject's bestuur
    school_oordelen: tuple[str, ...] = ()
    adviseur: str | None = None
    adviseur_geaccepteerd: bool = False
    reden: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    #: whether `oordelen` and `school_oordelen` were read (a step without guards skips them)
    facts_read: bool = True


def guard(name: str) -> Callable[[GuardFn], GuardFn]:
    """Register a guard function under the name definitions use."""

    def register(fn: GuardFn) -> GuardFn:
        if name in GUARDS:
            raise ValueError(f"guard {name!r} registered twice")
        GUARDS[name] = fn
        return fn

    return register


@guard("support_question_known")
def support_question_known(ctx: GuardContext) -> str | None:
    if ctx.hulpvraag and ctx.hulpvraag.strip():
        return None
    return "De ondersteuningsvraag is nog niet bekend: leg die eerst vast."


@guard("eligible_gwgb")
def eligible_gwgb(ctx: GuardContext) -> str | None:
    if ONVOLDOENDE_OORDELEN & set(ctx.oordelen):
        return None
    if ONVOLDOENDE_OORDELEN & set(ctx.school_oordelen):
        return None
    return (
        "Het bestuur komt niet in aanmerking: er is geen oordeel onvoldoende voor het bestuur "
        "en geen school van het bestuur is onvoldoende of zeer zwak. Leg het oordeel vast of "
        "wijs de aanmelding af."
    )


@guard("eligible_lv")
def eligible_lv(ctx: GuardContext) -> str | None:
    if ONVOLDOENDE_OORDELEN & set(ctx.oordelen):
        return None
    if ctx.risico and ctx.risico.strip():
        return None
    return (
        "De school komt niet in aanmerking: het oordeel is niet onvoldoende of zeer zwak en er "
        "is geen risico beschreven. Leg het oordeel of het risico vast, of wijs de aanmelding af."
    )


@guard("adviseur_accepted")
def adviseur_accepted(ctx: GuardContext) -> str | None:
    if ctx.adviseur and ctx.adviseur_geaccepteerd:
        return None
    if ctx.adviseur:
        return f"Adviseur {ctx.adviseur} heeft de toewijzing nog niet geaccepteerd."
    return "Er is nog geen adviseur gekoppeld: koppel eerst een adviseur."


@guard("reason_given")
def reason_given(ctx: GuardContext) -> str | None:
    if ctx.reden and ctx.reden.strip():
        return None
    return "Geef een reden op (--reden)."
