"""reminders: the reminders already sent (once per traject, kind and phase entry or year)

Revision ID: 0003_reminders
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_reminders"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verstuurde_herinneringen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(length=60), nullable=False),
        sa.Column("sleutel", sa.String(length=60), nullable=False),
        sa.Column("fase", sa.String(length=30), nullable=False),
        sa.Column("outbox_message_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["traject_id"],
            ["trajecten.id"],
            name=op.f("fk_verstuurde_herinneringen_traject_id_trajecten"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verstuurde_herinneringen")),
        sa.UniqueConstraint("traject_id", "soort", "sleutel", name="herinnering_eenmalig"),
    )
    op.create_index(
        op.f("ix_verstuurde_herinneringen_traject_id"),
        "verstuurde_herinneringen",
        ["traject_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_verstuurde_herinneringen_traject_id"), table_name="verstuurde_herinneringen"
    )
    op.drop_table("verstuurde_herinneringen")
