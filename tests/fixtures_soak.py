"""Fixtures for the soak and fault tests (issue 9).

- `--soak-full` (or CASEWORK_SOAK_FULL=1): the soak runs its full form; the short form otherwise.
- `own_postgres`: a throw-away PostgreSQL server of this test alone (initdb in a temp folder as
  the `postgres` OS user, trust auth, a free port), which the test may restart at will. The
  shared server at 127.0.0.1:5432 is never touched: other test runs depend on it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures_smtp import free_port


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak-full",
        action="store_true",
        default=False,
        help="run the soak test's full form (a longer simulated school year)",
    )


@pytest.fixture
def soak_full(request: pytest.FixtureRequest) -> bool:
    """Whether the full soak was asked for (option or CASEWORK_SOAK_FULL=1)."""
    return (
        bool(request.config.getoption("--soak-full")) or os.environ.get("CASEWORK_SOAK_FULL") == "1"
    )


@dataclass
class OwnPostgres:
    folder: Path
    port: int
    pg_ctl: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        done = subprocess.run(
            [
                "runuser", "-u", "postgres", "--", self.pg_ctl, "-D", str(self.folder / "data"),
                "-l", str(self.folder / "log"), "-w", "-t", "60", *args,
            ],
            check=False,
            capture_output=True,
        )  # fmt: skip
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise AssertionError(
                f"pg_ctl {' '.join(args)} failed: {done.stderr.decode()}{done.stdout.decode()}"
                f"\n--- server log ---\n{tail}"
            )

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def restart(self, down_seconds: float = 0.0) -> None:
        """Stop the server (dropping every connection), stay down a while, start it again."""
        self.stop()
        time.sleep(down_seconds)
        self.start()


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"{name} not found under /usr/lib/postgresql: install postgresql")
    return found[-1]


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    """A PostgreSQL server of this test alone, on a free port; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="casework-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        [
            "runuser", "-u", "postgres", "--", _pg_bin("initdb"), "-D", str(folder / "data"),
            "-A", "trust", "-U", "postgres", "--no-sync",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = OwnPostgres(folder=folder, port=free_port(), pg_ctl=_pg_bin("pg_ctl"))
    server.start()
    try:
        engine = sa.create_engine(server.url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        yield server
    finally:
        try:
            server.stop()
        except AssertionError:
            pass  # already down (a test that failed while it was stopped)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
