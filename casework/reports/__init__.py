"""Management reports computed from the traject history (throughput, lead times, aging)."""

from casework.reports.doorstroom import doorstroom
from casework.reports.model import DoorstroomRapport

__all__ = ["DoorstroomRapport", "doorstroom"]
