"""notifications: rendered text and claims on outbox rows; the kennismaking date on trajecten

Revision ID: 0002_notifications
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_notifications"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("subject", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("body_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("template_version", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_outbox_claim_token", ["claim_token"], unique=False)
    with op.batch_alter_table("trajecten", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kennismaking_op", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("kennismaking_locatie", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trajecten", schema=None) as batch_op:
        batch_op.drop_column("kennismaking_locatie")
        batch_op.drop_column("kennismaking_op")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_claim_token")
        batch_op.drop_column("template_version")
        batch_op.drop_column("body_text")
        batch_op.drop_column("subject")
        batch_op.drop_column("claim_token")
