"""Matching proposals on a schedule: the same service `casework match run` calls.

A run supersedes the open proposals of the previous one, so a missed or doubled schedule does no
harm; a person still confirms every proposal.
"""

from __future__ import annotations

from prefect import flow, task

from flows.common import database, name_run


@task(retries=2, retry_delay_seconds=10, task_run_name="matchvoorstellen")
def make_proposals() -> dict[str, object]:
    from casework.services.matching import run

    result = run(database())
    return {
        "ronde": result.ronde,
        "wachtend": result.wachtend,
        "toegewezen": result.toegewezen,
        "totaal_score": result.totaal_score,
    }


@flow(name="propose-matches", log_prints=True)
def propose_matches() -> dict[str, object]:
    """Propose the best adviseur for every waiting traject (all optimised together)."""
    result = make_proposals()
    name_run(f"matching: {result['toegewezen']} van {result['wachtend']} voorgesteld")
    print(
        f"Ronde {result['ronde']}: {result['toegewezen']} van {result['wachtend']} wachtende "
        "trajecten hebben een voorstel."
    )
    return result
