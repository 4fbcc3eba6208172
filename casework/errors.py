"""Domain errors. Each carries one Dutch sentence a user can act on; CLI and web show it as is."""

from __future__ import annotations


class CaseworkError(Exception):
    """Base of every error a user may see. `str(error)` is the Dutch message."""

    #: the HTTP status the web app answers with
    status_code = 400


class InvalidInput(CaseworkError):
    """Input that does not pass validation (a malformed BRIN, an unknown programme, ...)."""

    status_code = 422


class NotFound(CaseworkError):
    status_code = 404


class AlreadyExists(CaseworkError):
    status_code = 409


class StepNotAllowed(CaseworkError):
    """A step the programme's rules refuse."""

    status_code = 409


class ConcurrentChange(CaseworkError):
    """Somebody else changed the record between reading and writing it."""

    status_code = 409

    def __init__(self, what: str = "Dit traject") -> None:
        super().__init__(
            f"{what} is intussen door iemand anders gewijzigd. Laad het opnieuw en probeer het "
            "nog eens."
        )


class NotAllowed(CaseworkError):
    """The user's role does not allow this action."""

    status_code = 403
