"""report summary: the throughput report's per-traject fold and daily phase changes, kept

Revision ID: 0009_report_summary
Revises: 0008_merge_features

The throughput report folded every traject's history on every run (two passes over the
events: linear in the history, 12-14 s at 2,000,000 events). These tables keep that work:
- `rapport_samenvatting`: one row per traject, the fold of `casework.reports.queries.vouw`
  with the traject's version, programme and test flag at the time of the fold, and the last
  event folded; the phases' durations sit in numbered slots (`duur_0`, `klaar_0`, ...) whose
  phase names `rapport_stand.sleutel` records;
- `rapport_fase_dag`: net phase changes per programme, phase and UTC day (test trajecten left
  out), the source of the work in progress per period;
- `rapport_stand`: one row, locked by every update (two reports never fold at once).
`casework.reports.bijhouden` re-folds the trajecten whose version changed before each report.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from casework.db.base import UTCDateTime

revision = "0009_report_summary"
down_revision = "0008_merge_features"
branch_labels = None
depends_on = None

#: phase slots: more than any programme's active phases (the report folds live beyond that)
SLOTS = 12


def upgrade() -> None:
    kolommen: list[sa.Column] = [
        sa.Column("traject_id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("laatste_event", sa.Integer(), nullable=False),
        sa.Column("programma", sa.String(20), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("aangemeld_op", UTCDateTime()),
        sa.Column("matching_op", UTCDateTime()),
        sa.Column("match_op", UTCDateTime()),
        sa.Column("kennismaking_op", UTCDateTime()),
        sa.Column("eind_op", UTCDateTime()),
        sa.Column("eindfase", sa.String(30)),
        sa.Column("fase", sa.String(30)),
        sa.Column("fase_sinds", UTCDateTime()),
        sa.Column("hervat_op", UTCDateTime()),
    ]
    for i in range(SLOTS):
        kolommen += [sa.Column(f"duur_{i}", sa.Float()), sa.Column(f"klaar_{i}", UTCDateTime())]
    op.create_table("rapport_samenvatting", *kolommen)
    op.create_table(
        "rapport_fase_dag",
        sa.Column("programma", sa.String(20), primary_key=True),
        sa.Column("fase", sa.String(30), primary_key=True),
        sa.Column("dag", sa.String(10), primary_key=True),
        sa.Column("netto", sa.Integer(), nullable=False),
    )
    stand = op.create_table(
        "rapport_stand",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sleutel", sa.Text(), nullable=False),
        sa.Column("bijgewerkt_op", UTCDateTime()),
    )
    op.bulk_insert(stand, [{"id": 1, "sleutel": ""}])


def downgrade() -> None:
    op.drop_table("rapport_stand")
    op.drop_table("rapport_fase_dag")
    op.drop_table("rapport_samenvatting")
