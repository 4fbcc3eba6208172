"""The themes of support questions and adviseur expertise, and how a user may write them."""

from __future__ import annotations

from casework.errors import InvalidInput

#: code -> label (domain.md: kwaliteitszorg, onderwijsproces, financieel beheer, bestuur en
#: governance, toetsing en resultaten, ...)
THEMAS = {
    "kwaliteitszorg": "Kwaliteitszorg",
    "onderwijsproces": "Onderwijsproces",
    "financieel": "Financieel beheer",
    "bestuur": "Bestuur en governance",
    "resultaten": "Toetsing en resultaten",
    "kwaliteitscultuur": "Kwaliteitscultuur",
    "zicht-op-ontwikkeling": "Zicht op ontwikkeling",
    "passend-onderwijs": "Passend onderwijs",
}
#: other ways people write the same theme
ALIASSEN = {
    "financieel-beheer": "financieel",
    "governance": "bestuur",
    "bestuur-en-governance": "bestuur",
    "toetsing": "resultaten",
    "toetsing-en-resultaten": "resultaten",
    "cultuur": "kwaliteitscultuur",
    "didactiek": "onderwijsproces",
}


def parse_themas(value: str | list[str] | None) -> list[str]:
    """Comma-separated or listed themes, normalised to their codes (unknown → a Dutch error)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    result: list[str] = []
    for item in items:
        code = "-".join(item.strip().lower().split())
        if not code:
            continue
        code = ALIASSEN.get(code, code)
        if code not in THEMAS:
            raise InvalidInput(f"Onbekend thema {item.strip()!r}: kies uit {', '.join(THEMAS)}.")
        if code not in result:
            result.append(code)
    return result
