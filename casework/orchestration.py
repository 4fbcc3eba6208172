"""The one adapter outside flows/ that talks to Prefect: a step that wrote outbox rows asks for
a delivery run, without a flow run per click.

Coalesced: at most one such run waits at a time. In this process a single background thread
does the asking and a flag drops requests while one is queued. Across processes the request is
skipped when a triggered run is still SCHEDULED or PENDING, and otherwise carries an
idempotency key made of the newest triggered run's id, so two processes that race both get the
same new run from the server. A failure to reach Prefect never breaks the user's step: the work
is committed, and the deployment's own schedule delivers what a missed trigger left.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from casework.db import Database
from casework.settings import get_settings

log = logging.getLogger(__name__)

DELIVERY_DEPLOYMENT = "deliver-outbox/deliver-outbox"
TRIGGER_TAG = "outbox-trigger"
#: a busy server gets a second and third chance (in the background); then the schedule does it
RETRY_PAUSES = (1.0, 3.0, 0.0)
#: a server that does not answer /health in this time counts as unreachable
HEALTH_TIMEOUT = 10.0
#: where `casework up` writes its Prefect API address, so CLI steps in another terminal find it
API_URL_FILE = "prefect-api-url"


def prefect_api_url() -> str | None:
    """The Prefect API to ask: PREFECT_API_URL, else the one a running `casework up` wrote."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    path = Path(get_settings().data_dir) / API_URL_FILE
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


class DeliveryTrigger:
    """An `outbox_hooks` callback that asks Prefect for one coalesced delivery run."""

    def __init__(self, deployment: str = DELIVERY_DEPLOYMENT, api_url: str | None = None):
        self.deployment = deployment
        self.api_url = api_url
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-trigger")
        self._lock = threading.Lock()
        self._queued = False
        #: counters for tests and the benchmark: asked, skipped (one waits), failed
        self.created = 0
        self.skipped = 0
        self.failed = 0

    def __call__(self, count: int) -> None:
        with self._lock:
            if self._queued:  # a request is already on its way: it will see these rows too
                return
            self._queued = True
        self._executor.submit(self._ask)

    def flush(self, timeout: float | None = None) -> None:
        """Wait until the queued request (if any) was handled."""
        self._executor.submit(lambda: None).result(timeout)

    def _ask(self) -> None:
        with self._lock:
            self._queued = False
        for attempt, pause in enumerate(RETRY_PAUSES):
            try:
                self.ask()
                return
            except Exception:
                if attempt == len(RETRY_PAUSES) - 1:
                    self.failed += 1
                    log.warning("could not ask Prefect for a delivery run", exc_info=True)
                    return
                time.sleep(pause)

    def ask(self) -> str | None:
        """Create a delivery run unless one is waiting; returns the new run's id or None."""
        from prefect.client.schemas.filters import (
            DeploymentFilter,
            DeploymentFilterName,
            FlowRunFilter,
            FlowRunFilterTags,
        )
        from prefect.client.schemas.objects import StateType
        from prefect.client.schemas.sorting import FlowRunSort
        from prefect.deployments import run_deployment
        from prefect.settings import PREFECT_API_URL, temporary_settings

        settings = {PREFECT_API_URL: self.api_url} if self.api_url else {}
        with temporary_settings(updates=settings):
            _check_reachable(PREFECT_API_URL.value())
            from prefect.client.orchestration import get_client

            with get_client(sync_client=True) as client:
                latest = client.read_flow_runs(
                    deployment_filter=DeploymentFilter(
                        name=DeploymentFilterName(any_=[self.deployment.split("/", 1)[1]])
                    ),
                    flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[TRIGGER_TAG])),
                    sort=FlowRunSort.EXPECTED_START_TIME_DESC,
                    limit=1,
                )
            if latest and latest[0].state_type in (StateType.SCHEDULED, StateType.PENDING):
                self.skipped += 1
                return None
            # the server keeps idempotency keys per flow, not per deployment; the very first
            # request has nothing to key on (at worst two runs wait, once)
            key = f"{self.deployment}:after-{latest[0].id}" if latest else None
            run = run_deployment(
                self.deployment, timeout=0, tags=[TRIGGER_TAG], idempotency_key=key
            )
            self.created += 1
            return str(run.id)  # type: ignore[union-attr]  # sync call returns a FlowRun


def _check_reachable(api_url: str | None) -> None:
    """Fail fast when no server answers (the client would retry for many seconds)."""
    if not api_url:
        return  # Prefect's ephemeral mode: nothing to reach
    with urllib.request.urlopen(
        f"{api_url.rstrip('/')}/health", timeout=HEALTH_TIMEOUT
    ) as response:
        response.read()


def install(db: Database, *, api_url: str | None = None) -> DeliveryTrigger | None:
    """Register the delivery trigger on `db` when a Prefect API is known (else do nothing)."""
    url = api_url or prefect_api_url()
    if os.environ.get("CASEWORK_DELIVERY_TRIGGER", "1") == "0" or not url:
        return None
    for hook in db.outbox_hooks:
        if isinstance(hook, DeliveryTrigger):
            return hook
    trigger = DeliveryTrigger(api_url=url)
    db.outbox_hooks.append(trigger)
    _INSTALLED.append(trigger)
    return trigger


#: every trigger installed in this process, so a short-lived one can wait for them at exit
_INSTALLED: list[DeliveryTrigger] = []


def flush_pending(timeout: float = 20.0) -> None:
    """Let queued delivery requests finish before a short-lived process (a CLI step) exits.

    The request runs in a background thread so a step never waits on Prefect; a process that
    ends at once would kill that thread half-way (Prefect cannot even be imported during
    interpreter shutdown), and the mail would wait for the next scheduled run instead.
    """
    for trigger in _INSTALLED:
        try:
            trigger.flush(timeout)
        except Exception:  # the schedule delivers what a missed request left
            log.warning("delivery request did not finish before exit", exc_info=True)
