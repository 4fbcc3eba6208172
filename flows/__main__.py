"""`python -m flows list` and `python -m flows run NAME`: what `casework flows` runs.

The CLI starts this as its own process (as `casework up` starts `python -m flows.serve`), so
casework/ never imports the flows that call it.
"""

from __future__ import annotations

import sys

from flows.registry import DEPLOYMENTS, by_name


def main(argv: list[str]) -> int:
    if argv[:1] == ["list"]:
        for item in DEPLOYMENTS:
            schedule = item.cron or f"every {item.interval_seconds} s"
            print(f"{item.name}\t{item.entrypoint}\t{schedule}\t{item.work_pool}")
        return 0
    if len(argv) == 2 and argv[0] == "run":
        try:
            deployment = by_name(argv[1])
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
        print(deployment.load_flow()(**deployment.parameters))
        return 0
    print("usage: python -m flows list | run NAME", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
