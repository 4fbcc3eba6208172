"""The matching optimisation: every waiting traject gets an adviseur, all of them at once.

Pure: plain values in, proposals out, no database. Hard rules are never broken (active, not
excluded after a decline, sector, no conflict of interest, not absent, free capacity). Among the
admissible pairs a score (expertise cover, region, continuity with the bestuur, workload spread)
is maximised over ALL waiting trajecten together: a min-cost assignment on a matrix where each
adviseur appears once per free capacity slot. Each further slot of the same adviseur is worth
less (its spread part falls as the adviseur fills up), so work spreads without a hard quota.

The optimisation first maximises how many trajecten get an adviseur, then the total score:
leaving a school waiting to polish someone else's score is never the better answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from casework.matching.model import (
    AdviseurInfo,
    Alternatief,
    Context,
    MatchResult,
    TrajectInfo,
    Voorstel,
)

#: hard rules in the order a refusal names them
RULES = ("inactief", "uitgesloten", "sector", "conflict", "afwezig", "vol")
SECTOR_BITS = {"po": 1, "so": 2, "vo": 4}


# -- one pair ----------------------------------------------------------------------------------


def _absent(adviseur: AdviseurInfo, ctx: Context) -> bool:
    horizon = ctx.peildatum + timedelta(days=ctx.afwezig_horizon_dagen)
    return any(van <= horizon and tot >= ctx.peildatum for van, tot in adviseur.afwezigheid)


def failed_rule(traject: TrajectInfo, adviseur: AdviseurInfo, ctx: Context) -> str | None:
    """The first hard rule this pair breaks (a key of RULES), or None when admissible."""
    if not adviseur.actief:
        return "inactief"
    if adviseur.id in traject.uitgesloten:
        return "uitgesloten"
    if not traject.sectoren & adviseur.sectoren:
        return "sector"
    if traject.bestuur_id in adviseur.conflict_besturen or (
        traject.school_id is not None and traject.school_id in adviseur.conflict_scholen
    ):
        return "conflict"
    if _absent(adviseur, ctx):
        return "afwezig"
    if adviseur.vrij(ctx.dagdelen_per_traject) <= 0:
        return "vol"
    return None


def admissible(traject: TrajectInfo, adviseur: AdviseurInfo, ctx: Context) -> str | None:
    """None when the adviseur may take the traject, else a Dutch sentence saying why not."""
    rule = failed_rule(traject, adviseur, ctx)
    if rule is None:
        return None
    sectoren = "/".join(sorted(traject.sectoren)) or "onbekend"
    return {
        "inactief": f"{adviseur.naam} is niet actief.",
        "uitgesloten": f"{adviseur.naam} heeft dit traject eerder afgewezen.",
        "sector": f"{adviseur.naam} werkt niet in sector {sectoren}.",
        "conflict": f"{adviseur.naam} heeft een belangenconflict met dit bestuur of deze school.",
        "afwezig": f"{adviseur.naam} is afwezig in de komende {ctx.afwezig_horizon_dagen} dagen.",
        "vol": f"{adviseur.naam} heeft geen capaciteit meer (dagdelen of maximum trajecten).",
    }[rule]


def score_parts(
    traject: TrajectInfo, adviseur: AdviseurInfo, ctx: Context, slot: int = 0
) -> dict[str, float]:
    """The weighted parts of the score when the adviseur takes this as their `slot`-th new one."""
    w = ctx.weights
    cover = len(traject.themas & adviseur.expertise) / len(traject.themas) if traject.themas else 0
    return {
        "expertise": w.expertise * cover,
        "regio": w.regio * float(traject.regio is not None and traject.regio == adviseur.regio),
        "continuiteit": w.continuiteit * float(traject.bestuur_id in adviseur.besturen),
        "spreiding": _spread(adviseur, ctx, slot),
    }


def _spread(adviseur: AdviseurInfo, ctx: Context, slot: int) -> float:
    limiet = adviseur.limiet(ctx.dagdelen_per_traject)
    if limiet <= 0:
        return 0.0
    return ctx.weights.spreiding * max(0.0, 1 - (adviseur.actieve_trajecten + slot) / limiet)


# -- all pairs at once (numpy) -----------------------------------------------------------------


@dataclass
class _Matrices:
    admissible: NDArray[np.bool_]
    expertise: NDArray[np.float64]
    regio: NDArray[np.float64]
    continuiteit: NDArray[np.float64]
    vrij: NDArray[np.int64]
    #: the spread part of each adviseur's first new traject
    spread0: NDArray[np.float64]
    #: expertise + regio + continuiteit: the score without the spread part
    base: NDArray[np.float64]
    #: per adviseur: how many trajecten fit at all, and how many they hold now
    limiet: NDArray[np.float64]
    actief: NDArray[np.float64]

    def spread(self, ctx: Context, cols: NDArray[np.int64], slots: NDArray[np.int64]) -> Any:
        """The spread part for adviseurs `cols` taking their `slots`-th new traject."""
        limiet = self.limiet[cols]
        value = np.clip(1 - (self.actief[cols] + slots) / np.maximum(limiet, 1), 0.0, None)
        return ctx.weights.spreiding * np.where(limiet > 0, value, 0.0)


def _matrices(
    trajecten: Sequence[TrajectInfo], adviseurs: Sequence[AdviseurInfo], ctx: Context
) -> _Matrices:
    n, m = len(trajecten), len(adviseurs)
    w = ctx.weights
    t_sec = np.array([_bits(t.sectoren) for t in trajecten], dtype=np.int64)
    a_sec = np.array([_bits(a.sectoren) for a in adviseurs], dtype=np.int64)
    ok = (t_sec[:, None] & a_sec[None, :]) != 0
    vrij = np.array([a.vrij(ctx.dagdelen_per_traject) for a in adviseurs], dtype=np.int64)
    per_adviseur = np.array([a.actief and not _absent(a, ctx) for a in adviseurs], dtype=bool) & (
        vrij > 0
    )
    ok &= per_adviseur[None, :]
    rows_of_bestuur: dict[int, list[int]] = {}
    rows_of_school: dict[int, list[int]] = {}
    for i, t in enumerate(trajecten):
        rows_of_bestuur.setdefault(t.bestuur_id, []).append(i)
        if t.school_id is not None:
            rows_of_school.setdefault(t.school_id, []).append(i)
    col = {a.id: j for j, a in enumerate(adviseurs)}
    cont = np.zeros((n, m))
    for j, a in enumerate(adviseurs):
        for b in a.conflict_besturen:
            ok[rows_of_bestuur.get(b, []), j] = False
        for s in a.conflict_scholen:
            ok[rows_of_school.get(s, []), j] = False
        for b in a.besturen:
            cont[rows_of_bestuur.get(b, []), j] = w.continuiteit
    for i, t in enumerate(trajecten):
        for adviseur_id in t.uitgesloten:
            if adviseur_id in col:
                ok[i, col[adviseur_id]] = False
    themes = sorted({x for t in trajecten for x in t.themas})
    if themes:
        index = {x: k for k, x in enumerate(themes)}
        tm = np.zeros((n, len(themes)))
        am = np.zeros((m, len(themes)))
        for i, t in enumerate(trajecten):
            tm[i, [index[x] for x in t.themas]] = 1
        for j, a in enumerate(adviseurs):
            am[j, [index[x] for x in a.expertise if x in index]] = 1
        counts = np.maximum(tm.sum(axis=1), 1)
        expertise = w.expertise * (tm @ am.T) / counts[:, None]
    else:
        expertise = np.zeros((n, m))
    regions = {r for r in [*(t.regio for t in trajecten), *(a.regio for a in adviseurs)] if r}
    code = {r: k for k, r in enumerate(sorted(regions))}
    t_reg = np.array([code.get(t.regio or "", -1) for t in trajecten], dtype=np.int64)
    a_reg = np.array([code.get(a.regio or "", -2) for a in adviseurs], dtype=np.int64)
    regio = w.regio * (t_reg[:, None] == a_reg[None, :]).astype(np.float64)
    limiet = np.array([a.limiet(ctx.dagdelen_per_traject) for a in adviseurs], dtype=np.float64)
    actief = np.array([a.actieve_trajecten for a in adviseurs], dtype=np.float64)
    mx = _Matrices(
        ok, expertise, regio, cont, vrij, np.zeros(m), expertise + regio + cont, limiet, actief
    )
    everyone = np.arange(m)
    mx.spread0 = mx.spread(ctx, everyone, np.zeros(m, dtype=np.int64))
    return mx


def _bits(sectoren: frozenset[str]) -> int:
    return sum(SECTOR_BITS.get(s, 0) for s in sectoren)


def match(
    trajecten: Sequence[TrajectInfo], adviseurs: Sequence[AdviseurInfo], ctx: Context
) -> MatchResult:
    """Propose an adviseur for every waiting traject, optimising all of them together."""
    n, m = len(trajecten), len(adviseurs)
    if n == 0:
        return MatchResult(())
    mx = _matrices(trajecten, adviseurs, ctx) if m else None
    chosen: dict[int, tuple[int, int]] = {}  # row -> (adviseur column, slot)
    if mx is not None:
        base = mx.base
        useful = np.minimum(mx.vrij, mx.admissible.sum(axis=0))
        col_adv = np.repeat(np.arange(m), useful)
        col_slot = np.concatenate([np.arange(k) for k in useful]) if useful.sum() else col_adv
        if len(col_adv):
            spread = mx.spread(ctx, col_adv, col_slot)
            # one more assignment must outweigh any score the others could gain by it
            bonus = (n + 1) * ctx.weights.maximum + 1.0
            value = np.where(mx.admissible[:, col_adv], bonus + base[:, col_adv] + spread, 0.0)
            width = max(len(col_adv), n)
            cost = np.zeros((n, width))
            cost[:, : len(col_adv)] = -value
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if c < len(col_adv) and mx.admissible[r, col_adv[c]]:
                    chosen[int(r)] = (int(col_adv[c]), int(col_slot[c]))
    # renumber slots per adviseur 0..k-1, so each proposal shows the spread it really gets
    by_adviseur: dict[int, list[tuple[int, int]]] = {}
    for r, (j, slot) in chosen.items():
        by_adviseur.setdefault(j, []).append((slot, r))
    for j, items in by_adviseur.items():
        for new_slot, (_, r) in enumerate(sorted(items)):
            chosen[r] = (j, new_slot)
    return MatchResult(tuple(_voorstel(i, trajecten, adviseurs, ctx, mx, chosen) for i in range(n)))


def _voorstel(
    i: int,
    trajecten: Sequence[TrajectInfo],
    adviseurs: Sequence[AdviseurInfo],
    ctx: Context,
    mx: _Matrices | None,
    chosen: dict[int, tuple[int, int]],
) -> Voorstel:
    traject = trajecten[i]
    pick = chosen.get(i)
    alternatives = _alternatives(i, trajecten, adviseurs, ctx, mx, skip=pick[0] if pick else None)
    if pick is None:
        return Voorstel(
            traject.id, None, None, 0.0, {}, alternatives, _why_none(traject, adviseurs, ctx, mx, i)
        )
    j, slot = pick
    parts = score_parts(traject, adviseurs[j], ctx, slot)
    return Voorstel(
        traject.id, adviseurs[j].id, adviseurs[j].naam, sum(parts.values()), parts, alternatives
    )


def _alternatives(
    i: int,
    trajecten: Sequence[TrajectInfo],
    adviseurs: Sequence[AdviseurInfo],
    ctx: Context,
    mx: _Matrices | None,
    skip: int | None,
) -> tuple[Alternatief, ...]:
    """The next two admissible adviseurs by score (as if they took it as their first new one)."""
    if mx is None:
        return ()
    candidates = np.flatnonzero(mx.admissible[i])
    if skip is not None:
        candidates = candidates[candidates != skip]
    if not len(candidates):
        return ()
    scores = mx.base[i, candidates] + mx.spread0[candidates]
    best = candidates[np.argsort(-scores, kind="stable")[:2]]
    result = []
    for j in best.tolist():
        parts = score_parts(trajecten[i], adviseurs[j], ctx, 0)
        result.append(Alternatief(adviseurs[j].id, adviseurs[j].naam, sum(parts.values()), parts))
    return tuple(result)


def _why_none(
    traject: TrajectInfo,
    adviseurs: Sequence[AdviseurInfo],
    ctx: Context,
    mx: _Matrices | None,
    i: int,
) -> str:
    """A Dutch summary of which hard rule excluded how many adviseurs."""
    if not adviseurs:
        return "Er zijn nog geen adviseurs vastgelegd."
    if mx is not None and mx.admissible[i].any():
        names = [adviseurs[j].naam for j in np.flatnonzero(mx.admissible[i])[:3]]
        return (
            f"Alle {int(mx.admissible[i].sum())} geschikte adviseurs ({', '.join(names)}"
            f"{', …' if mx.admissible[i].sum() > 3 else ''}) zijn in deze ronde al aan andere "
            "trajecten voorgesteld; bevestig die eerst of geef een adviseur meer capaciteit."
        )
    counts = dict.fromkeys(RULES, 0)
    for adviseur in adviseurs:
        rule = failed_rule(traject, adviseur, ctx)
        if rule is not None:
            counts[rule] += 1
    sectoren = "/".join(sorted(traject.sectoren)) or "onbekend"
    labels = {
        "inactief": "{n} niet actief",
        "uitgesloten": "{n} wees dit traject eerder af",
        "sector": f"{{n}} werkt niet in sector {sectoren}",
        "conflict": "{n} heeft een belangenconflict met dit bestuur of deze school",
        "afwezig": "{n} is afwezig",
        "vol": "{n} heeft geen capaciteit meer",
    }
    parts = [labels[rule].format(n=count) for rule, count in counts.items() if count]
    return f"Geen adviseur toegestaan: van de {len(adviseurs)} adviseurs {'; '.join(parts)}."


# -- the baseline --------------------------------------------------------------------------------


def greedy(
    trajecten: Sequence[TrajectInfo], adviseurs: Sequence[AdviseurInfo], ctx: Context
) -> MatchResult:
    """First come, first served: each traject in arrival order takes its best free adviseur.

    The baseline the benchmark compares the optimisation with.
    """
    if not trajecten or not adviseurs:
        return MatchResult(tuple(Voorstel(t.id, None, None, 0.0, {}, ()) for t in trajecten))
    mx = _matrices(trajecten, adviseurs, ctx)
    base = mx.base
    used = np.zeros(len(adviseurs), dtype=np.int64)
    everyone = np.arange(len(adviseurs))
    result = []
    for i, traject in enumerate(trajecten):
        free = mx.admissible[i] & (used < mx.vrij)
        if not free.any():
            result.append(Voorstel(traject.id, None, None, 0.0, {}, ()))
            continue
        scores = np.where(free, base[i] + mx.spread(ctx, everyone, used), -np.inf)
        j = int(np.argmax(scores))
        parts = score_parts(traject, adviseurs[j], ctx, int(used[j]))
        used[j] += 1
        result.append(
            Voorstel(traject.id, adviseurs[j].id, adviseurs[j].naam, sum(parts.values()), parts, ())
        )
    return MatchResult(tuple(result))
