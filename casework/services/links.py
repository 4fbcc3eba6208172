"""Signed links in emails: an adviseur accepts or declines an assignment without logging in.

The token names the traject and the adviseur and is signed with the session secret; it expires
after 30 days (default). The web page at /toewijzing/{token} reads it back.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from casework.bootstrap import session_secret
from casework.errors import InvalidInput
from casework.settings import get_settings

_SALT = "casework.toewijzing"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(session_secret(), salt=_SALT)


def assignment_token(*, traject_id: int, adviseur_id: int) -> str:
    """A signed token for this adviseur's assignment to this traject."""
    return str(_serializer().dumps({"t": traject_id, "a": adviseur_id}))


def read_assignment_token(token: str, max_age_days: int = 30) -> tuple[int, int]:
    """(traject_id, adviseur_id) from a token; a Dutch InvalidInput when bad or expired."""
    try:
        data = _serializer().loads(token, max_age=max_age_days * 24 * 3600)
    except SignatureExpired:
        raise InvalidInput(
            "Deze link is verlopen: vraag het programmabureau om een nieuwe toewijzing."
        ) from None
    except BadSignature:
        raise InvalidInput(
            "Deze link is ongeldig: gebruik de link uit de e-mail, of neem contact op met het "
            "programmabureau."
        ) from None
    try:
        return int(data["t"]), int(data["a"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(
            "Deze link is ongeldig: gebruik de link uit de e-mail, of neem contact op met het "
            "programmabureau."
        ) from None


def assignment_link(*, traject_id: int, adviseur_id: int) -> str:
    """The link in the toewijzing email where the adviseur accepts or declines."""
    token = assignment_token(traject_id=traject_id, adviseur_id=adviseur_id)
    return f"{get_settings().base_url.rstrip('/')}/toewijzing/{token}"
