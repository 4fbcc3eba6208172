"""Adviseur matching: the pure optimisation (no database) that proposes an adviseur per traject."""

from casework.matching.engine import admissible, greedy, match, score_parts
from casework.matching.model import (
    AdviseurInfo,
    Alternatief,
    Context,
    MatchResult,
    TrajectInfo,
    Voorstel,
    Weights,
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
