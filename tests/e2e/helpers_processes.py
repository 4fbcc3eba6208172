"""Helpers for end-to-end tests that start casework's processes: wait for output, find and end
process trees (read from /proc, as `casework up` itself does)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from casework.cli.processes import alive, descendants


def wait_for(
    what: str,
    check: Callable[[], bool],
    timeout: float,
    proc: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.3)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n--- output ---\n{tail}")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def kill_tree(pid: int, sig: int = signal.SIGKILL) -> list[int]:
    """Send `sig` to a process and everything below it; returns the pids signalled."""
    pids = [pid, *descendants(pid)]
    for target in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, sig)
    return pids


def stop_and_check(proc: subprocess.Popen[bytes], timeout: float = 60) -> list[int]:
    """SIGINT the process (as Ctrl-C would), wait for it, return the pids still alive below it."""
    tree = descendants(proc.pid)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        proc.wait(10)
        raise
    time.sleep(0.5)
    return [pid for pid in tree if alive(pid)]


def processes_with(text: str) -> list[str]:
    """Command lines of living processes whose environment mentions `text` (our tmp dir)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if text.encode() in (entry / "environ").read_bytes() and alive(int(entry.name)):
                found.append(cmdline(int(entry.name)))
        except OSError:
            continue
    return found
