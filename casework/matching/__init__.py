"""Adviseur matching: the pure optimisation (no database) that proposes an adviseur per traject."""

from casework.matching.engine import (
    AdviseurInfo,
    Alternatief,
    Context,
    MatchResult,
    TrajectInfo,
    Voorstel,
    Weights,
    admissible,
    greedy,
    match,
    score_parts,
)

__all__ = [
    "AdviseurInfo",
    "Alternatief",
    "Context",
    "MatchResult",
    "TrajectInfo",
    "Voorstel",
    "Weights",
    "admissible",
    "greedy",
    "match",
    "score_parts",
]
