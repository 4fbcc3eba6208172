"""What every flow shares: the database of this process and a run name that says what happened."""

from __future__ import annotations

import logging
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.runtime import flow_run

from casework import bootstrap
from casework.db import Database

log = logging.getLogger(__name__)


def database() -> Database:
    """The application database of this worker (from CASEWORK_DATABASE_URL)."""
    return bootstrap.database()


def name_run(name: str) -> None:
    """Rename the current flow run, so the Prefect UI says what it did ("outbox: 3 verzonden").

    A run outside Prefect (a plain call) has no id and keeps no name; a failure to rename never
    fails the work that was done.
    """
    run_id = flow_run.get_id()
    if not run_id:
        return
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(UUID(run_id), name=name[:250])
    except Exception:  # the work is done; a name is only a label
        log.warning("could not rename flow run %s to %r", run_id, name, exc_info=True)
