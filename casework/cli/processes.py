"""Child processes of `casework up`: start, wait until healthy, and stop without leaving any.

Every child runs in our own process group (Ctrl-C in a terminal reaches them all at once); on
stop we snapshot the whole tree of descendants first, so grandchildren whose parent exits first
(a flow run's subprocess, uvicorn's server) are still found and ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path


def _children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces: the fields after it follow the last ')'
        fields = stat[stat.rindex(")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    """Every living process below `pid` (children, grandchildren, ...)."""
    tree = _children_map()
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie has ended; its parent only has to reap


def stop_all(children: list[subprocess.Popen[bytes]], timeout: float = 10.0) -> None:
    """SIGTERM every child, SIGKILL whatever of the whole tree is left after `timeout`."""
    tree = [pid for child in children for pid in descendants(child.pid)]
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)
    # grandchildren that outlived their parent: terminate, then kill
    left = [pid for pid in tree if alive(pid)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        end = time.monotonic() + 3
        while time.monotonic() < end and any(alive(pid) for pid in left):
            time.sleep(0.1)
        left = [pid for pid in left if alive(pid)]
        if not left:
            break


def port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_http(url: str, timeout: float, still_running: Callable[[], bool] = lambda: True) -> bool:
    """Poll `url` until it answers 200, the deadline passes, or the process behind it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not still_running():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def wait_port(
    host: str, port: int, timeout: float, still_running: Callable[[], bool] = lambda: True
) -> bool:
    """Wait until something accepts connections on host:port (or the process behind it died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not still_running():
            return False
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.2)
    return False
