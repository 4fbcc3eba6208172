"""The propose-matches flow for real under Prefect's test harness: it runs the same service as
`casework match run`, names its run after what it did, and is registered as a deployment."""

from __future__ import annotations

from typing import Any

import pytest

from casework.db import Database
from casework.services import adviseurs, matching, trajecten
from tests.fixtures_trajecten import ACTOR, Organisaties, lv_traject

pytestmark = pytest.mark.usefixtures("prefect_harness")


def run_name(state: Any) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id).name


def test_propose_matches_stores_proposals(db: Database, organisaties: Organisaties) -> None:
    from flows.matching import propose_matches
    from flows.registry import by_name

    adviseurs.add_adviseur(
        db, naam="Eva", email="eva@adviseurs.nl", sectoren="po", capaciteit=8, max_trajecten=2
    )
    waiting = []
    for _ in range(3):
        t = lv_traject(db, organisaties)
        trajecten.advance(db, traject_id=t.id, fase="intake", actor=ACTOR)
        trajecten.advance(db, traject_id=t.id, fase="matching", actor=ACTOR)
        waiting.append(t.id)

    state = propose_matches(return_state=True)
    assert state.is_completed()
    assert state.result()["toegewezen"] == 2 and state.result()["wachtend"] == 3
    assert run_name(state) == "matching: 2 van 3 voorgesteld"
    open_proposals = matching.list_voorstellen(db)
    assert sorted(v.traject_id for v in open_proposals) == waiting
    assert sum(1 for v in open_proposals if v.adviseur_email == "eva@adviseurs.nl") == 2
    # a second (scheduled) run supersedes the first: still one open proposal per traject
    propose_matches()
    assert len(matching.list_voorstellen(db)) == 3
    assert by_name("propose-matches").entrypoint == "flows.matching:propose_matches"
