"""Serve every deployment of flows/registry.py from this process (`casework up` starts it).

Run as `python -m flows.serve`; PREFECT_API_URL says which Prefect server to register with.
"""

from __future__ import annotations

from prefect import serve

from flows.registry import runner_deployments


def main() -> None:
    serve(*runner_deployments(), print_starting_message=True)


if __name__ == "__main__":
    main()
