"""reports: a partial covering index for the throughput report's window pass

Revision ID: 0007_reports
Revises: 0001

The report folds each traject's history in one pass ordered by (traject_id, seq) over the
events it needs: phase changes and match acceptances, about a third of all events. This index
holds exactly those rows with every column the pass reads, so neither database sorts or visits
the table. Its WHERE clause must stay word for word equal to
`casework.reports.queries.RAPPORT_PREDICAAT` (a partial index is used only then).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_reports"
down_revision = "0001"
branch_labels = None
depends_on = None

PREDICAAT = (
    'from_fase IS NULL OR from_fase <> to_fase OR "trigger" IN '
    "('adviseur_gekoppeld', 'adviseur_geaccepteerd', 'match_bevestigd')"
)


def upgrade() -> None:
    bind = op.get_bind()
    columns = ["traject_id", "seq", "at", "trigger", "from_fase", "to_fase"]
    if bind.dialect.name == "postgresql":
        # json has no btree operator class: carry it as a payload column
        op.create_index(
            "ix_traject_events_rapport",
            "traject_events",
            columns,
            postgresql_where=sa.text(PREDICAAT),
            postgresql_include=["data"],
        )
    else:
        op.create_index(
            "ix_traject_events_rapport",
            "traject_events",
            [*columns, "data"],
            sqlite_where=sa.text(PREDICAAT),
        )


def downgrade() -> None:
    op.drop_index("ix_traject_events_rapport", table_name="traject_events")
