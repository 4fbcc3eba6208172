"""`casework up`: the whole product on one machine, and `casework flows` to run one flow.

On a fresh machine with nothing configured it creates (or upgrades) the SQLite database, starts a
local Prefect server on its own SQLite under the data directory, serves every deployment of
flows/registry.py, starts the mail catcher and the web app, and prints where each listens.
Ctrl-C (or SIGTERM) stops them all and leaves no process behind.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import typer
from rich.table import Table

from casework.cli.common import console
from casework.cli.processes import port_free, stop_all, wait_http, wait_port
from casework.errors import CaseworkError
from casework.settings import get_settings

HOST = "127.0.0.1"

flows_app = typer.Typer(help="Prefect flows: de lijst, of er één hier uitvoeren.")


class UpFailed(CaseworkError):
    pass


def _sqlite_absolute(url: str) -> str:
    """A relative SQLite path made absolute, so every child opens the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str(Path(url[len(prefix) :]).resolve())
    return url


def prefect_env(data_dir: Path, port: int) -> dict[str, str]:
    """The environment of a local Prefect server and its clients: own home, own SQLite."""
    home = (data_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_API_URL": f"http://{HOST}:{port}/api",
        "PREFECT_SERVER_API_HOST": HOST,
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # a requested delivery starts within a second, not the default ten
        "PREFECT_RUNNER_POLL_FREQUENCY": os.environ.get("PREFECT_RUNNER_POLL_FREQUENCY", "1"),
        "PREFECT_UI_API_URL": f"http://{HOST}:{port}/api",
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }


def _check_ports(ports: dict[str, int]) -> None:
    for what, port in ports.items():
        if not port_free(HOST, port):
            raise UpFailed(
                f"Poort {port} ({what}) is al in gebruik: stop wat daar luistert of kies een "
                "andere poort met de opties van 'casework up'."
            )


def _migrate(url: str) -> None:
    from casework.db import Database, migrate
    from casework.reports import bijhouden

    db = Database(url)
    try:
        migrate.upgrade(db.engine)
        # after a migration that changes what the report keeps, fold it now, not in the
        # first report (a web request); otherwise this finds nothing to do
        bijhouden.bijwerken(db)
    finally:
        db.dispose()


def _start_catcher(data_dir: Path, port: int) -> Any | None:
    """The embedded mail catcher (notifications.catcher), or None when it is not installed."""
    if importlib.util.find_spec("notifications.catcher") is None:
        return None
    from notifications.catcher import MailStore, start_catcher

    return start_catcher(HOST, port, MailStore(data_dir / "mail"))


def _flows(*args: str) -> list[str]:
    """`python -m flows ...` in its own process: casework/ does not import the flows."""
    settings = get_settings()
    env = {
        "PREFECT_HOME": str((settings.data_dir / "prefect").resolve()),
        # without a server Prefect starts a temporary one; a busy machine needs longer than 20 s
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flows", *args], env=env, capture_output=True, text=True
    )
    if result.returncode == 2:
        raise UpFailed(f"Onbekende flow: {result.stderr.strip()}. Zie 'casework flows list'.")
    if result.returncode != 0:
        raise UpFailed(f"De flow faalde: {result.stderr.strip()[-500:]}")
    return result.stdout.splitlines()


@flows_app.command("list")
def list_command() -> None:
    """Toon elke deployment met zijn schema."""
    table = Table("deployment", "flow", "schema", "work pool")
    for line in _flows("list"):
        table.add_row(*line.split("\t"))
    console.print(table)


@flows_app.command("run")
def run_command(name: str = typer.Argument(..., help="de deployment, bv. deliver-outbox")) -> None:
    """Voer één flow hier uit, zonder server (Prefect start een tijdelijke)."""
    for line in _flows("run", name)[-1:]:
        console.print(line)


def up_command(
    port: int = typer.Option(8000, "--port", help="poort van de web-app"),
    prefect_port: int = typer.Option(4200, "--prefect-port", help="poort van de Prefect-server"),
    smtp_port: int = typer.Option(
        None, "--smtp-port", help="poort van de mail-catcher (standaard CASEWORK_SMTP_PORT)"
    ),
) -> None:
    """Start alles op deze machine: database, Prefect, flows, mail-catcher en web-app."""
    settings = get_settings()
    smtp_port = smtp_port or settings.smtp_port
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    has_web = importlib.util.find_spec("casework.web.app") is not None
    ports = {"Prefect": prefect_port, "SMTP": smtp_port}
    if has_web:
        ports["web"] = port
    _check_ports(ports)
    database_url = _sqlite_absolute(settings.database_url)
    _migrate(database_url)

    env = {
        **os.environ,
        **prefect_env(data_dir, prefect_port),
        "CASEWORK_DATABASE_URL": database_url,
        "CASEWORK_DATA_DIR": str(data_dir),
        "CASEWORK_SMTP_HOST": HOST if settings.smtp_host == "127.0.0.1" else settings.smtp_host,
        "CASEWORK_SMTP_PORT": str(smtp_port),
    }
    if has_web and settings.base_url == "http://127.0.0.1:8000":
        env["CASEWORK_BASE_URL"] = f"http://{HOST}:{port}"
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: list[subprocess.Popen[bytes]] = []
    catcher = None
    api_file = data_dir / "prefect-api-url"
    try:
        children.append(_spawn([sys.executable, "-m", "prefect", "server", "start"], env))
        console.print("Prefect-server start (dat duurt even) ...")
        server = children[0]
        if (
            not wait_http(
                f"http://{HOST}:{prefect_port}/api/health", 180, lambda: server.poll() is None
            )
            and not stop.is_set()
        ):
            raise UpFailed("De Prefect-server kwam niet op: kijk in de uitvoer hierboven waarom.")
        if stop.is_set():
            return
        children.append(_spawn([sys.executable, "-m", "flows.serve"], env))
        catcher = _start_catcher(data_dir, smtp_port)
        if has_web:
            web = _spawn(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "casework.web.app:create_app",
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                env,
            )
            children.append(web)
            if not wait_port(HOST, port, 60, lambda: web.poll() is None):
                raise UpFailed("De web-app kwam niet op: kijk in de uitvoer hierboven waarom.")
        api_file.write_text(env["PREFECT_API_URL"])
        _print_where(prefect_port, port if has_web else None, smtp_port, catcher, data_dir)
        _first_steps(database_url, has_web)
        while not stop.wait(0.5):
            for child in children:
                if child.poll() is not None:
                    raise UpFailed(
                        f"Een onderdeel stopte onverwacht ({_describe(child)}, "
                        f"code {child.returncode}): alles wordt gestopt."
                    )
    finally:
        console.print("Stoppen ...")
        api_file.unlink(missing_ok=True)
        if catcher is not None:
            catcher.stop()
        stop_all(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        console.print("Alles gestopt.")


def _first_steps(database_url: str, has_web: bool) -> None:
    """On an empty installation, say what a new user does next (in a second terminal)."""
    from sqlalchemy import func, select

    from casework.db import Database
    from casework.db.models import Traject

    db = Database(database_url)
    try:
        with db.read() as session:
            trajecten = session.scalar(select(func.count(Traject.id))) or 0
        if not trajecten:
            console.print("Nog geen trajecten: 'casework demo-data' vult een voorbeeldset.")
        if has_web:
            from casework.services import accounts

            if not accounts.list_users(db):
                console.print(
                    "Nog geen gebruikers voor de web-app: maak er een met "
                    "'casework user add --email E --rol medewerker'."
                )
    finally:
        db.dispose()


def _describe(child: subprocess.Popen[bytes]) -> str:
    args = child.args if isinstance(child.args, list) else [str(child.args)]
    return " ".join(str(arg) for arg in args[1:4])


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # same process group as `casework up`: a terminal's Ctrl-C reaches every part at once
    return subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL)


def _print_where(
    prefect_port: int, web_port: int | None, smtp_port: int, catcher: Any, data_dir: Path
) -> None:
    table = Table("onderdeel", "adres", title="casework draait")
    table.add_row("Prefect UI", f"http://{HOST}:{prefect_port}")
    if web_port is not None:
        table.add_row("web-app", f"http://{HOST}:{web_port}")
    else:
        table.add_row("web-app", "(niet geïnstalleerd)")
    if catcher is not None:
        table.add_row(
            "SMTP mail-catcher", f"smtp://{HOST}:{smtp_port}  (mail in {data_dir / 'mail'})"
        )
    else:
        table.add_row("SMTP mail-catcher", "(niet geïnstalleerd)")
    table.add_row("database", get_settings().database_url)
    console.print(table)
    console.print("Stoppen: Ctrl-C.")
