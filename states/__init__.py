"""Programme definitions and the state machine that enforces them.

Pure: no database, no Prefect, no web. Every rule about which phase may follow which lives here.
"""

from states.definition import (
    GEPAUZEERD,
    DefinitionError,
    Phase,
    ProgrammeDefinition,
    TransitionDef,
    load_definition,
    load_programmes,
)
from states.guards import GUARDS, GuardContext, guard
from states.machine import (
    HERVAT,
    PAUZEREN,
    STOPPEN,
    Step,
    StepRefused,
    TrajectMachine,
    mermaid_diagram,
)

__all__ = [
    "GEPAUZEERD",
    "GUARDS",
    "HERVAT",
    "PAUZEREN",
    "STOPPEN",
    "DefinitionError",
    "GuardContext",
    "Phase",
    "ProgrammeDefinition",
    "Step",
    "StepRefused",
    "TrajectMachine",
    "TransitionDef",
    "guard",
    "load_definition",
    "load_programmes",
    "mermaid_diagram",
]
