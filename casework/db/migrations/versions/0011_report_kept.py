"""report kept: lead times and daily flow counts kept next to the report summary

Revision ID: 0011_report_kept
Revises: 0010_report_dagdelen

The throughput report still sorted every completed lead time (about six per traject) to find
its percentiles, and scanned the whole summary for the flow and the outcomes. These tables are
kept by `casework.reports.bijhouden` together with the summary, for the trajecten it folds:
- `rapport_duur`: one row per counted traject and completed lead time (a phase, aanmelding to
  kennismaking, to a confirmed match) with its whole days (`bak`); the index on (programma,
  soort, bak, dagen, klaar_op) lets a percentile be found by counting per day and walking one
  day's lead times;
- `rapport_stroom_dag`: sign-ups and ends (with the recorded herstelonderzoek result) per
  programme and UTC day;
- `rapport_samenvatting.klasse`: that result at the time of the fold, so an update can take a
  traject's old contribution out exactly;
- `rapport_duur_maand`: those lead times counted per month of completion and whole day, so a
  report reads whole months from there and only the days at its range's edges from
  `rapport_duur`;
- an index on `traject_events` (at, traject_id) instead of (at): a report that ends in the
  past folds again only the trajecten with later events, found from the index alone;
- `rapport_fase_dag` again with the day first in its key (and `rapport_stroom_dag` likewise),
  so the balance per period is one range read per period.
The summary's shape changes: the next report folds every traject once (cold).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from casework.db.base import UTCDateTime

revision = "0011_report_kept"
down_revision = "0010_report_dagdelen"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rapport_samenvatting", sa.Column("klasse", sa.String(12)))
    op.create_table(
        "rapport_duur",
        sa.Column("traject_id", sa.Integer(), primary_key=True),
        sa.Column("soort", sa.String(40), primary_key=True),
        sa.Column("programma", sa.String(20), nullable=False),
        sa.Column("klaar_op", UTCDateTime(), nullable=False),
        sa.Column("dagen", sa.Float(), nullable=False),
        sa.Column("bak", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_rapport_duur_rang", "rapport_duur", ["programma", "soort", "bak", "dagen", "klaar_op"]
    )
    # the days at a range's edges (the whole months come from rapport_duur_maand)
    op.create_index(
        "ix_rapport_duur_klaar", "rapport_duur", ["klaar_op", "programma", "soort", "bak"]
    )
    op.create_table(
        "rapport_duur_maand",
        sa.Column("maand", sa.String(7), primary_key=True),
        sa.Column("programma", sa.String(20), primary_key=True),
        sa.Column("soort", sa.String(40), primary_key=True),
        sa.Column("bak", sa.Integer(), primary_key=True),
        sa.Column("aantal", sa.Integer(), nullable=False),
    )
    # the day leads the key: a period's days are one range of it
    op.create_table(
        "rapport_stroom_dag",
        sa.Column("dag", sa.String(10), primary_key=True),
        sa.Column("programma", sa.String(20), primary_key=True),
        sa.Column("soort", sa.String(30), primary_key=True),
        sa.Column("klasse", sa.String(12), primary_key=True),
        sa.Column("aantal", sa.Integer(), nullable=False),
    )
    # the same for the daily phase changes (refilled by the cold fold this shape causes)
    op.drop_table("rapport_fase_dag")
    _fase_dag(["dag", "programma", "fase"])
    # a report ending in the past folds again only the trajecten with later events: which
    # those are is read from this index alone (it replaces the index on `at`)
    op.create_index("ix_traject_events_at_traject", "traject_events", ["at", "traject_id"])
    op.drop_index("ix_traject_events_at", table_name="traject_events")
    # the next report folds again in the new shape
    op.execute("UPDATE rapport_stand SET sleutel = '' WHERE id = 1")


def _fase_dag(sleutel: list[str]) -> None:
    kolommen = {
        "dag": sa.Column("dag", sa.String(10)),
        "programma": sa.Column("programma", sa.String(20)),
        "fase": sa.Column("fase", sa.String(30)),
    }
    op.create_table(
        "rapport_fase_dag",
        *[kolommen[k] for k in sleutel],
        sa.Column("netto", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*sleutel),
    )


def downgrade() -> None:
    op.create_index("ix_traject_events_at", "traject_events", ["at"])
    op.drop_index("ix_traject_events_at_traject", table_name="traject_events")
    op.drop_table("rapport_fase_dag")
    _fase_dag(["programma", "fase", "dag"])
    op.drop_table("rapport_stroom_dag")
    op.drop_table("rapport_duur_maand")
    op.drop_table("rapport_duur")
    with op.batch_alter_table("rapport_samenvatting") as batch:
        batch.drop_column("klasse")
    op.execute("UPDATE rapport_stand SET sleutel = '' WHERE id = 1")
