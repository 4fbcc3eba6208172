"""Every deployment of casework, in one list: `casework up` serves these, and
`deploy/prefect.yaml` declares the same (a test keeps the two in step).

To add a flow: write it in flows/<feature>.py and append one `Deployment(...)` to DEPLOYMENTS.
Then `python -m flows.registry --write` updates deploy/prefect.yaml to match (a test checks).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: the process work pool of the production set-up (deploy/start.py creates it)
WORK_POOL = "casework"
TIMEZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class Deployment:
    #: the deployment's name; with the flow's name it makes "flow-name/deployment-name"
    name: str
    #: "module:function", importable from the project root
    entrypoint: str
    description: str
    cron: str | None = None
    interval_seconds: int | None = None
    work_pool: str = WORK_POOL
    parameters: dict[str, Any] = field(default_factory=dict)
    #: at most this many runs at once (None: no limit)
    concurrency_limit: int | None = None

    def load_flow(self) -> Any:
        module, function = self.entrypoint.split(":")
        return getattr(importlib.import_module(module), function)

    @property
    def full_name(self) -> str:
        """What `run_deployment` takes: "<flow name>/<deployment name>"."""
        return f"{self.load_flow().name}/{self.name}"


DEPLOYMENTS: list[Deployment] = [
    Deployment(
        name="deliver-outbox",
        entrypoint="flows.outbox:deliver_outbox",
        description="Delivers the outbox; steps ask for a run, this schedule catches the rest.",
        interval_seconds=60,
    ),
    Deployment(
        name="phase-reminders",
        entrypoint="flows.reminders:phase_reminders",
        description="Reminds the programme office of phases past their norm (werkdagen).",
        cron="0 7 * * 1-5",
    ),
    Deployment(
        name="yearly-moments",
        entrypoint="flows.reminders:yearly_moments",
        description="The programmes' yearly moments (voortgangsgesprek ...), once a year each.",
        cron="15 7 * * 1-5",
    ),
    Deployment(
        name="propose-matches",
        entrypoint="flows.matching:propose_matches",
        description="Proposes the best adviseur for every waiting traject; a medewerker confirms.",
        cron="30 7 * * 1-5",
    ),
    Deployment(
        name="invoice-run",
        entrypoint="flows.invoicing:invoice_run",
        description="Makes last month's concept invoices (one per school) for finance to review.",
        cron="0 6 1 * *",
    ),
    Deployment(
        name="weekly-report",
        entrypoint="flows.reports:weekly_report",
        description="Mails the doorstroom report (school year to date) to the management list.",
        cron="0 7 * * 1",
    ),
]

#: what casework.orchestration triggers after a step wrote outbox rows
DELIVERY_DEPLOYMENT = "deliver-outbox/deliver-outbox"


def by_name(name: str) -> Deployment:
    for deployment in DEPLOYMENTS:
        if name in (deployment.name, deployment.entrypoint.split(":")[1]):
            return deployment
    known = ", ".join(deployment.name for deployment in DEPLOYMENTS)
    raise KeyError(f"unknown deployment {name!r}; known: {known}")


def runner_deployments() -> list[Any]:
    """The deployments as `prefect.serve` takes them (for `casework up`)."""
    from prefect.schedules import Cron, Interval

    result = []
    for deployment in DEPLOYMENTS:
        kwargs: dict[str, Any] = {
            "name": deployment.name,
            "description": deployment.description,
            "parameters": deployment.parameters,
        }
        if deployment.cron:
            kwargs["schedule"] = Cron(deployment.cron, timezone=TIMEZONE)
        if deployment.interval_seconds:
            kwargs["schedule"] = Interval(deployment.interval_seconds)
        if deployment.concurrency_limit:
            kwargs["concurrency_limit"] = deployment.concurrency_limit
        result.append(deployment.load_flow().to_deployment(**kwargs))
    return result


def prefect_yaml_deployments() -> list[dict[str, Any]]:
    """The `deployments:` section of deploy/prefect.yaml."""
    result = []
    for deployment in DEPLOYMENTS:
        schedule: dict[str, Any] = (
            {"cron": deployment.cron, "timezone": TIMEZONE}
            if deployment.cron
            else {"interval": deployment.interval_seconds}
        )
        entry: dict[str, Any] = {
            "name": deployment.name,
            "entrypoint": deployment.entrypoint.replace(".", "/", 1).replace(":", ".py:", 1),
            "description": deployment.description,
            "parameters": deployment.parameters,
            "schedules": [schedule],
            "work_pool": {"name": deployment.work_pool},
        }
        if deployment.concurrency_limit:
            entry["concurrency_limit"] = deployment.concurrency_limit
        result.append(entry)
    return result


def write_prefect_yaml(path: Path) -> None:
    """Rewrite the deployments section of deploy/prefect.yaml (the lines above it stay)."""
    import yaml

    text = path.read_text()
    head = text[: text.index("deployments:")]
    body = yaml.safe_dump({"deployments": prefect_yaml_deployments()}, sort_keys=False)
    path.write_text(head + body)


if __name__ == "__main__":
    import sys

    import yaml

    if sys.argv[1:] == ["--write"]:
        write_prefect_yaml(Path(__file__).resolve().parent.parent / "deploy" / "prefect.yaml")
    else:
        print(yaml.safe_dump({"deployments": prefect_yaml_deployments()}, sort_keys=False))
