"""Fixtures for flow tests: Prefect's test harness, started once per test session.

Registered in tests/conftest.py (`pytest_plugins`). The harness starts a temporary Prefect
server on its own SQLite (10-15 s), so it is session-scoped and started only by tests that ask.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server for this test session; flows run against it for real."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
