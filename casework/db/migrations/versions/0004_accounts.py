"""accounts: web users with a role, their lock-out state, and hashed API tokens

Revision ID: 0004_accounts
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gebruikers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("rol", sa.String(length=20), nullable=False),
        sa.Column("wachtwoord_hash", sa.String(length=255), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=True),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("mislukte_pogingen", sa.Integer(), nullable=False),
        sa.Column("eerste_mislukking", sa.DateTime(timezone=True), nullable=True),
        sa.Column("geblokkeerd_tot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rol IN ('medewerker', 'adviseur', 'finance', 'management', 'beheerder')",
            name=op.f("ck_gebruikers_rol"),
        ),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_gebruikers_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gebruikers")),
        sa.UniqueConstraint("email", name=op.f("uq_gebruikers_email")),
    )
    op.create_index(op.f("ix_gebruikers_adviseur_id"), "gebruikers", ["adviseur_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("laatst_gebruikt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ingetrokken", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gebruiker_id"], ["gebruikers.id"], name=op.f("fk_api_tokens_gebruiker_id_gebruikers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_gebruiker_id"), "api_tokens", ["gebruiker_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_api_tokens_gebruiker_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_gebruikers_adviseur_id"), table_name="gebruikers")
    op.drop_table("gebruikers")
