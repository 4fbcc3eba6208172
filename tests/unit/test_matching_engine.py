"""The matching optimisation, without a database: hard rules, capacity, optimality, explanations."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.matching import AdviseurInfo, Context, TrajectInfo, greedy, match, score_parts
from casework.matching.engine import failed_rule

PEILDATUM = date(2026, 11, 24)
CTX = Context(peildatum=PEILDATUM)
THEMAS = ["kwaliteitszorg", "onderwijsproces", "bestuur", "resultaten"]
SECTOREN = ["po", "so", "vo"]
REGIOS = ["noord", "midden", "zuid"]


@st.composite
def adviseurs(draw: st.DrawFn, max_size: int = 6) -> list[AdviseurInfo]:
    count = draw(st.integers(0, max_size))
    result = []
    for i in range(count):
        max_trajecten = draw(st.integers(0, 4))
        dagdelen = draw(st.integers(0, 10))
        start = PEILDATUM + timedelta(days=draw(st.integers(-20, 40)))
        result.append(
            AdviseurInfo(
                id=i + 1,
                naam=f"A{i + 1}",
                sectoren=frozenset(draw(st.sets(st.sampled_from(SECTOREN), max_size=3))),
                expertise=frozenset(draw(st.sets(st.sampled_from(THEMAS), max_size=4))),
                regio=draw(st.none() | st.sampled_from(REGIOS)),
                dagdelen_per_maand=dagdelen,
                max_trajecten=max_trajecten,
                actief=draw(st.booleans()) or draw(st.booleans()),
                afwezigheid=((start, start + timedelta(days=draw(st.integers(0, 10)))),)
                if draw(st.booleans())
                else (),
                conflict_besturen=frozenset(draw(st.sets(st.integers(1, 4), max_size=2))),
                conflict_scholen=frozenset(draw(st.sets(st.integers(1, 8), max_size=2))),
                actieve_trajecten=draw(st.integers(0, 3)),
                besturen=frozenset(draw(st.sets(st.integers(1, 4), max_size=2))),
            )
        )
    return result


@st.composite
def trajecten(draw: st.DrawFn, max_size: int = 8) -> list[TrajectInfo]:
    count = draw(st.integers(0, max_size))
    return [
        TrajectInfo(
            id=100 + i,
            sectoren=frozenset(draw(st.sets(st.sampled_from(SECTOREN), min_size=1, max_size=2))),
            bestuur_id=draw(st.integers(1, 4)),
            school_id=draw(st.none() | st.integers(1, 8)),
            regio=draw(st.none() | st.sampled_from(REGIOS)),
            themas=frozenset(draw(st.sets(st.sampled_from(THEMAS), max_size=3))),
            uitgesloten=frozenset(draw(st.sets(st.integers(1, 6), max_size=2))),
        )
        for i in range(count)
    ]


def _independent_rule_check(t: TrajectInfo, a: AdviseurInfo) -> bool:
    """The hard rules written out again, apart from the engine's code."""
    horizon = PEILDATUM + timedelta(days=CTX.afwezig_horizon_dagen)
    absent = any(van <= horizon and tot >= PEILDATUM for van, tot in a.afwezigheid)
    limit = min(a.max_trajecten, a.dagdelen_per_maand // CTX.dagdelen_per_traject)
    return (
        a.actief
        and a.id not in t.uitgesloten
        and bool(t.sectoren & a.sectoren)
        and t.bestuur_id not in a.conflict_besturen
        and (t.school_id is None or t.school_id not in a.conflict_scholen)
        and not absent
        and a.actieve_trajecten < limit
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trajecten(), adviseurs())
def test_no_proposal_breaks_a_hard_rule_or_overfills(
    ts: list[TrajectInfo], ads: list[AdviseurInfo]
) -> None:
    result = match(ts, ads, CTX)
    by_id = {a.id: a for a in ads}
    assert [v.traject_id for v in result.voorstellen] == [t.id for t in ts]
    per_adviseur: Counter[int] = Counter()
    for t, v in zip(ts, result.voorstellen, strict=True):
        if v.adviseur_id is None:
            assert v.reden
            continue
        adviseur = by_id[v.adviseur_id]
        assert _independent_rule_check(t, adviseur)
        per_adviseur[v.adviseur_id] += 1
        # the explanation: parts add up, alternatives are other admissible adviseurs
        assert abs(sum(v.onderdelen.values()) - v.score) < 1e-9
        assert len(v.alternatieven) <= 2
        for alt in v.alternatieven:
            assert alt.adviseur_id != v.adviseur_id
            assert _independent_rule_check(t, by_id[alt.adviseur_id])
    # confirming every proposal leaves nobody over capacity
    for adviseur_id, extra in per_adviseur.items():
        a = by_id[adviseur_id]
        total = a.actieve_trajecten + extra
        assert total <= a.max_trajecten
        assert total * CTX.dagdelen_per_traject <= a.dagdelen_per_maand


def _brute_force(ts: list[TrajectInfo], ads: list[AdviseurInfo]) -> tuple[int, float]:
    """The best (assigned, total score) over every way to assign, found by enumeration."""
    options = [[None] + [j for j, a in enumerate(ads) if _independent_rule_check(t, a)] for t in ts]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        used: Counter[int] = Counter(j for j in choice if j is not None)
        if any(ads[j].vrij(CTX.dagdelen_per_traject) < n for j, n in used.items()):
            continue
        slot: Counter[int] = Counter()
        total = 0.0
        for t, j in zip(ts, choice, strict=True):
            if j is None:
                continue
            total += sum(score_parts(t, ads[j], CTX, slot[j]).values())
            slot[j] += 1
        key = (sum(used.values()), total)
        if key[0] > best[0] or (key[0] == best[0] and key[1] > best[1] + 1e-9):
            best = key
    return best


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trajecten(max_size=5), adviseurs(max_size=3))
def test_small_instances_reach_the_brute_force_optimum(
    ts: list[TrajectInfo], ads: list[AdviseurInfo]
) -> None:
    result = match(ts, ads, CTX)
    assigned, total = _brute_force(ts, ads)
    assert result.toegewezen == assigned
    assert abs(result.totaal_score - total) < 1e-6


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trajecten(), adviseurs())
def test_never_worse_than_greedy(ts: list[TrajectInfo], ads: list[AdviseurInfo]) -> None:
    optimal, baseline = match(ts, ads, CTX), greedy(ts, ads, CTX)
    assert optimal.toegewezen >= baseline.toegewezen
    if optimal.toegewezen == baseline.toegewezen:
        assert optimal.totaal_score >= baseline.totaal_score - 1e-6


def _adviseur(i: int, **changes: object) -> AdviseurInfo:
    facts: dict[str, object] = {
        "id": i,
        "naam": f"A{i}",
        "sectoren": frozenset({"po"}),
        "dagdelen_per_maand": 8,
        "max_trajecten": 4,
    }
    facts.update(changes)
    return AdviseurInfo(**facts)  # type: ignore[arg-type]


def _traject(i: int, **changes: object) -> TrajectInfo:
    facts: dict[str, object] = {"id": i, "sectoren": frozenset({"po"}), "bestuur_id": 1}
    facts.update(changes)
    return TrajectInfo(**facts)  # type: ignore[arg-type]


def test_all_together_beats_first_come() -> None:
    """The first traject fits both adviseurs, the second only one: together, both get one."""
    generalist = _adviseur(1, sectoren=frozenset({"po", "vo"}), max_trajecten=1)
    specialist = _adviseur(2, sectoren=frozenset({"vo"}), max_trajecten=1)
    first = _traject(10, sectoren=frozenset({"vo"}), themas=frozenset({"bestuur"}))
    second = _traject(11, sectoren=frozenset({"po"}))
    ads = [generalist, specialist]
    assert greedy([first, second], ads, CTX).toegewezen == 1
    result = match([first, second], ads, CTX)
    assert [v.adviseur_id for v in result.voorstellen] == [2, 1]


def test_continuity_and_expertise_decide_and_explain() -> None:
    known = _adviseur(1, besturen=frozenset({7}), naam="Bekend")
    expert = _adviseur(2, expertise=frozenset({"bestuur"}), naam="Expert")
    other = _adviseur(3, naam="Ander")
    t = _traject(10, bestuur_id=7, themas=frozenset({"bestuur", "kwaliteitszorg"}))
    [v] = match([t], [other, expert, known], CTX).voorstellen
    assert v.adviseur_id == 1
    assert v.onderdelen["continuiteit"] == CTX.weights.continuiteit
    assert [a.naam for a in v.alternatieven] == ["Expert", "Ander"]
    assert v.alternatieven[0].onderdelen["expertise"] == CTX.weights.expertise / 2
    assert "Bekend: score" in v.uitleg and "Alternatieven: Expert" in v.uitleg


def test_workload_spreads_over_equal_adviseurs() -> None:
    ads = [_adviseur(1), _adviseur(2)]
    result = match([_traject(10 + i) for i in range(4)], ads, CTX)
    assert Counter(v.adviseur_id for v in result.voorstellen) == {1: 2, 2: 2}


def test_no_admissible_adviseur_says_which_rule_excluded_whom() -> None:
    ads = [
        _adviseur(1, sectoren=frozenset({"vo"})),
        _adviseur(2, conflict_besturen=frozenset({1})),
        _adviseur(3, afwezigheid=((PEILDATUM, PEILDATUM + timedelta(days=3)),)),
        _adviseur(4, actieve_trajecten=4),
        _adviseur(5, actief=False),
        _adviseur(6),
    ]
    t = _traject(10, uitgesloten=frozenset({6}))
    [v] = match([t], ads, CTX).voorstellen
    assert v.adviseur_id is None
    assert v.reden == (
        "Geen adviseur toegestaan: van de 6 adviseurs 1 niet actief; 1 wees dit traject eerder "
        "af; 1 werkt niet in sector po; 1 heeft een belangenconflict met dit bestuur of deze "
        "school; 1 is afwezig; 1 heeft geen capaciteit meer."
    )
    assert [failed_rule(t, a, CTX) for a in ads] == [
        "sector",
        "conflict",
        "afwezig",
        "vol",
        "inactief",
        "uitgesloten",
    ]


def test_capacity_in_dagdelen_limits_below_the_maximum() -> None:
    # 5 dagdelen per month at 2 per traject: room for 2, although the maximum says 4
    a = _adviseur(1, dagdelen_per_maand=5)
    result = match([_traject(10 + i) for i in range(3)], [a], CTX)
    assert result.toegewezen == 2
    assert "al aan andere trajecten voorgesteld" in (result.voorstellen[2].reden or "")


def test_absence_far_ahead_does_not_exclude() -> None:
    later = PEILDATUM + timedelta(days=CTX.afwezig_horizon_dagen + 1)
    a = _adviseur(1, afwezigheid=((later, later + timedelta(days=5)),))
    assert match([_traject(10)], [a], CTX).toegewezen == 1
