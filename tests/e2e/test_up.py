"""`casework up` on a fresh folder with nothing configured: every part comes up, a step's email
is delivered by the served deployment to the mail catcher, and Ctrl-C leaves no process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casework.db import Database
from casework.settings import get_settings
from tests.e2e.helpers_processes import (
    cmdline,
    kill_tree,
    processes_with,
    stop_and_check,
    wait_for,
)
from tests.fixtures_prefect import free_port
from tests.fixtures_trajecten import Organisaties, lv_traject


def listening(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _triggered_runs(prefect_port: int) -> int:
    """How many delivery runs steps have asked the Prefect server of `casework up` for."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from casework.orchestration import TRIGGER_TAG

    with (
        temporary_settings(updates={PREFECT_API_URL: f"http://127.0.0.1:{prefect_port}/api"}),
        get_client(sync_client=True) as client,
    ):
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[TRIGGER_TAG]))
        )
    return len(runs)


def test_casework_up_starts_everything_and_ctrl_c_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casework import orchestration
    from casework.services import organisaties as organisatie_service

    web, prefect, smtp = free_port(), free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "CASEWORK_"))
    }
    log = tmp_path / "up.log"
    with log.open("wb") as out:
        up = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "casework"),
                "up",
                "--port",
                str(web),
                "--prefect-port",
                str(prefect),
                "--smtp-port",
                str(smtp),
            ],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for("casework up", lambda: "casework draait" in log.read_text(), 240, up, log)
        assert all(listening(port) for port in (web, prefect, smtp))
        text = log.read_text()
        for address in (f"127.0.0.1:{prefect}", f"127.0.0.1:{web}", f"127.0.0.1:{smtp}"):
            assert address in text
        assert (tmp_path / "casework.db").exists()
        # an empty installation says what to do next
        wait_for("first steps", lambda: "casework user add" in log.read_text(), 30, up, log)
        assert "casework demo-data" in log.read_text()

        # a step in another process finds the running Prefect through the data directory
        monkeypatch.setenv("CASEWORK_DATA_DIR", str(tmp_path / ".casework"))
        get_settings.cache_clear()
        db = Database(f"sqlite:///{tmp_path / 'casework.db'}")
        trigger = orchestration.install(db)
        assert trigger is not None
        org = Organisaties()
        organisatie_service.add_bestuur(db, nummer=org.bestuur, naam="Stichting Voorbeeld")
        organisatie_service.add_school(
            db, brin=org.school_po, naam="De Regenboog", bestuur=org.bestuur, sector="po"
        )
        traject = lv_traject(db, org)
        db.dispose()
        mail_dir = tmp_path / ".casework" / "mail"
        wait_for("the email", lambda: any(mail_dir.glob("*.json")), 120, up, log)
        [mail] = [json.loads(path.read_text()) for path in mail_dir.glob("*.json")]
        assert mail["to"] == ["jan@regenboog.nl"]
        assert traject.referentie in mail["subject"] + mail["text"]

        # a CLI step is a short-lived process: it must still get its delivery request to
        # Prefect before it exits (not leave it to the next scheduled run)
        before = _triggered_runs(prefect)
        casework_bin = Path(sys.executable).with_name("casework")
        step = subprocess.run(
            [
                str(casework_bin), "traject", "aanmelden", "--programma", "lv",
                "--school", org.school_po, "--oordeel", "onvoldoende", "--vraag", "Hulp",
                "--contact-naam", "Piet", "--contact-email", "piet@regenboog.nl",
            ],
            cwd=tmp_path,
            env={**env, "CASEWORK_DATA_DIR": str(tmp_path / ".casework")},
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
        assert step.returncode == 0, step.stderr
        assert "Traceback" not in step.stderr and "could not ask" not in step.stderr
        assert _triggered_runs(prefect) == before + 1

        left = stop_and_check(up)
        assert left == [], [cmdline(pid) for pid in left]
        assert up.returncode == 0
        assert processes_with(str(tmp_path)) == []
        assert not any(listening(port) for port in (web, prefect, smtp))
    finally:
        if up.poll() is None:
            kill_tree(up.pid)
