"""Accounts: users with a role, password checks with lock-out, and API tokens.

Passwords are hashed with argon2 (argon2-cffi); API tokens are random and only their SHA-256
is stored, so a leaked database holds neither.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.accounts import ROLLEN, ApiToken, Gebruiker
from casework.db.base import utcnow
from casework.db.models import Adviseur
from casework.errors import AlreadyExists, CaseworkError, InvalidInput, NotFound
from casework.services import validation

#: failed logins within LOCK_WINDOW that lock an account for LOCK_DURATION
MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
MIN_WACHTWOORD = 10

_hasher = PasswordHasher()
# verifying against this keeps an unknown email as slow as a known one (no user enumeration)
_DUMMY_HASH = _hasher.hash("casework-dummy-password")


class LoginFailed(CaseworkError):
    status_code = 401


class AccountLocked(CaseworkError):
    status_code = 429


class GebruikerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    rol: str
    actief: bool
    adviseur_id: int | None
    #: the linked adviseur's email (role adviseur only)
    adviseur_email: str | None = None


def _read(session: Session, user: Gebruiker) -> GebruikerRead:
    result = GebruikerRead.model_validate(user)
    if user.adviseur_id is not None:
        adviseur = session.get(Adviseur, user.adviseur_id)
        result.adviseur_email = adviseur.email if adviseur else None
    return result


def _rol(rol: str) -> str:
    value = rol.strip().lower()
    if value not in ROLLEN:
        raise InvalidInput(f"Onbekende rol {rol!r}: kies uit {', '.join(ROLLEN)}.")
    return value


def _wachtwoord(wachtwoord: str) -> str:
    if len(wachtwoord) < MIN_WACHTWOORD:
        raise InvalidInput(
            f"Het wachtwoord is te kort: kies er een van minstens {MIN_WACHTWOORD} tekens."
        )
    if len(wachtwoord) > 1000:
        raise InvalidInput("Het wachtwoord is te lang: kies er een van hoogstens 1000 tekens.")
    return wachtwoord


def add_user(db: Database, *, email: str, rol: str, wachtwoord: str) -> GebruikerRead:
    """Create an account. An adviseur's account is linked to the adviseur with that email."""
    email = validation.email(email).lower()
    rol = _rol(rol)
    wachtwoord_hash = _hasher.hash(_wachtwoord(wachtwoord))
    with db.transaction() as session:
        if session.scalar(select(Gebruiker.id).where(Gebruiker.email == email)):
            raise AlreadyExists(f"Er is al een account voor {email}.")
        adviseur_id = None
        if rol == "adviseur":
            adviseur_id = session.scalar(
                select(Adviseur.id).where(func.lower(Adviseur.email) == email)
            )
            if adviseur_id is None:
                raise NotFound(
                    f"Er is geen adviseur met e-mailadres {email}: voeg die eerst toe met "
                    "'casework adviseur add'."
                )
        user = Gebruiker(
            email=email,
            rol=rol,
            wachtwoord_hash=wachtwoord_hash,
            adviseur_id=adviseur_id,
            actief=True,
            mislukte_pogingen=0,
        )
        session.add(user)
        session.flush()
        return _read(session, user)


def list_users(db: Database) -> list[GebruikerRead]:
    """Every account, by email."""
    with db.read() as session:
        users = session.scalars(select(Gebruiker).order_by(Gebruiker.email))
        return [_read(session, user) for user in users]


def get_user(db: Database, *, user_id: int) -> GebruikerRead | None:
    """An active account by id, or None (a session of a removed account ends)."""
    with db.read() as session:
        user = session.get(Gebruiker, user_id)
        if user is None or not user.actief:
            return None
        return _read(session, user)


def authenticate(
    db: Database, *, email: str, wachtwoord: str, now: datetime | None = None
) -> GebruikerRead:
    """Check a password. Repeated failures lock the account for a while, even for the right one."""
    now = now or utcnow()
    email = email.strip().lower()[:320]
    with db.transaction() as session:
        user = session.scalar(select(Gebruiker).where(Gebruiker.email == email))
        if user is None or not user.actief:
            _verify(_DUMMY_HASH, wachtwoord)
            raise LoginFailed("Onbekend e-mailadres of verkeerd wachtwoord. Probeer het opnieuw.")
        if user.geblokkeerd_tot is not None and user.geblokkeerd_tot > now:
            raise AccountLocked(
                "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen: probeer het "
                "over een kwartier opnieuw of vraag de beheerder."
            )
        if not _verify(user.wachtwoord_hash, wachtwoord):
            if user.eerste_mislukking is None or now - user.eerste_mislukking > LOCK_WINDOW:
                user.eerste_mislukking = now
                user.mislukte_pogingen = 0
            user.mislukte_pogingen += 1
            if user.mislukte_pogingen >= MAX_FAILURES:
                user.geblokkeerd_tot = now + LOCK_DURATION
                user.mislukte_pogingen = 0
                user.eerste_mislukking = None
            failed = True
        else:
            user.mislukte_pogingen = 0
            user.eerste_mislukking = None
            user.geblokkeerd_tot = None
            if _hasher.check_needs_rehash(user.wachtwoord_hash):
                user.wachtwoord_hash = _hasher.hash(wachtwoord)
            failed = False
        result = _read(session, user)
    # raised after the commit, so the failure count is kept
    if failed:
        raise LoginFailed("Onbekend e-mailadres of verkeerd wachtwoord. Probeer het opnieuw.")
    return result


def _verify(wachtwoord_hash: str, wachtwoord: str) -> bool:
    try:
        return _hasher.verify(wachtwoord_hash, wachtwoord)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, *, email: str) -> str:
    """A new API token for an account; shown once, only its hash is kept."""
    email = email.strip().lower()
    token = "cw_" + secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = session.scalar(select(Gebruiker).where(Gebruiker.email == email))
        if user is None:
            raise NotFound(f"Er is geen account voor {email}: maak het met 'casework user add'.")
        session.add(ApiToken(gebruiker_id=user.id, token_hash=_token_hash(token)))
    return token


def user_for_token(db: Database, *, token: str) -> GebruikerRead | None:
    """The active account a bearer token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    with db.read() as session:
        row = session.execute(
            select(Gebruiker)
            .join(ApiToken, ApiToken.gebruiker_id == Gebruiker.id)
            .where(ApiToken.token_hash == _token_hash(token), ApiToken.ingetrokken.is_(False))
        ).scalar_one_or_none()
        if row is None or not row.actief:
            return None
        return _read(session, row)
