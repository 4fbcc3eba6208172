"""matching: adviseur profiles, sectors, expertise, absences, conflicts; traject themes;
proposals, exclusions after a decline, and the dated history of adviseur assignments

Revision ID: 0005_matching
Revises: 0001
Create Date: 2026-11-24 00:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_matching"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "adviseur_profielen",
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("regio", sa.String(length=40), nullable=True),
        sa.Column("dagdelen_per_maand", sa.Integer(), nullable=False),
        sa.Column("max_trajecten", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_adviseur_profielen_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("adviseur_id", name=op.f("pk_adviseur_profielen")),
    )
    op.create_table(
        "adviseur_sectoren",
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=2), nullable=False),
        sa.CheckConstraint("sector IN ('po', 'so', 'vo')", name=op.f("ck_adviseur_sectoren_sector")),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_adviseur_sectoren_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("adviseur_id", "sector", name=op.f("pk_adviseur_sectoren")),
    )
    op.create_table(
        "adviseur_expertise",
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("thema", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_adviseur_expertise_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("adviseur_id", "thema", name=op.f("pk_adviseur_expertise")),
    )
    op.create_table(
        "adviseur_afwezigheid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("van", sa.Date(), nullable=False),
        sa.Column("tot", sa.Date(), nullable=False),
        sa.Column("reden", sa.String(length=200), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("tot >= van", name=op.f("ck_adviseur_afwezigheid_periode")),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_adviseur_afwezigheid_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adviseur_afwezigheid")),
    )
    op.create_index(
        op.f("ix_adviseur_afwezigheid_adviseur_id"), "adviseur_afwezigheid", ["adviseur_id"]
    )
    op.create_table(
        "adviseur_conflicten",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("bestuur_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("reden", sa.String(length=200), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint(
            "(bestuur_id IS NULL) <> (school_id IS NULL)",
            name=op.f("ck_adviseur_conflicten_one_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_adviseur_conflicten_adviseur_id_adviseurs")
        ),
        sa.ForeignKeyConstraint(
            ["bestuur_id"], ["besturen.id"], name=op.f("fk_adviseur_conflicten_bestuur_id_besturen")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["scholen.id"], name=op.f("fk_adviseur_conflicten_school_id_scholen")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adviseur_conflicten")),
        sa.UniqueConstraint(
            "adviseur_id", "bestuur_id", "school_id", name=op.f("uq_adviseur_conflicten_adviseur_id")
        ),
    )
    op.create_index(
        op.f("ix_adviseur_conflicten_adviseur_id"), "adviseur_conflicten", ["adviseur_id"]
    )
    op.create_table(
        "traject_themas",
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("thema", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["traject_id"], ["trajecten.id"], name=op.f("fk_traject_themas_traject_id_trajecten")
        ),
        sa.PrimaryKeyConstraint("traject_id", "thema", name=op.f("pk_traject_themas")),
    )
    op.create_table(
        "match_voorstellen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ronde", sa.String(length=40), nullable=False),
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("onderdelen", sa.JSON(), nullable=False),
        sa.Column("alternatieven", sa.JSON(), nullable=False),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("bevestigd_door", sa.String(length=320), nullable=True),
        sa.Column("bevestigd_op", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["traject_id"], ["trajecten.id"], name=op.f("fk_match_voorstellen_traject_id_trajecten")
        ),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_match_voorstellen_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_voorstellen")),
    )
    op.create_index(op.f("ix_match_voorstellen_ronde"), "match_voorstellen", ["ronde"])
    op.create_index(
        "ix_match_voorstellen_traject_status", "match_voorstellen", ["traject_id", "status"]
    )
    op.create_table(
        "match_uitsluitingen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["traject_id"], ["trajecten.id"], name=op.f("fk_match_uitsluitingen_traject_id_trajecten")
        ),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_match_uitsluitingen_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_uitsluitingen")),
        sa.UniqueConstraint("traject_id", "adviseur_id", name=op.f("uq_match_uitsluitingen_traject_id")),
    )
    op.create_index(
        op.f("ix_match_uitsluitingen_traject_id"), "match_uitsluitingen", ["traject_id"]
    )
    op.create_table(
        "adviseur_toewijzingen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("van", TZ, nullable=False),
        sa.Column("geaccepteerd_op", TZ, nullable=True),
        sa.Column("tot", TZ, nullable=True),
        sa.Column("door", sa.String(length=320), nullable=False),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["traject_id"], ["trajecten.id"], name=op.f("fk_adviseur_toewijzingen_traject_id_trajecten")
        ),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name=op.f("fk_adviseur_toewijzingen_adviseur_id_adviseurs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adviseur_toewijzingen")),
    )
    op.create_index(
        op.f("ix_adviseur_toewijzingen_adviseur_id"), "adviseur_toewijzingen", ["adviseur_id"]
    )
    op.create_index(
        "ix_adviseur_toewijzingen_traject_tot", "adviseur_toewijzingen", ["traject_id", "tot"]
    )


def downgrade() -> None:
    for index, table in [
        ("ix_adviseur_toewijzingen_traject_tot", "adviseur_toewijzingen"),
        ("ix_adviseur_toewijzingen_adviseur_id", "adviseur_toewijzingen"),
        ("ix_match_uitsluitingen_traject_id", "match_uitsluitingen"),
        ("ix_match_voorstellen_traject_status", "match_voorstellen"),
        ("ix_match_voorstellen_ronde", "match_voorstellen"),
        ("ix_adviseur_conflicten_adviseur_id", "adviseur_conflicten"),
        ("ix_adviseur_afwezigheid_adviseur_id", "adviseur_afwezigheid"),
    ]:
        op.drop_index(index, table_name=table)
    for table in [
        "adviseur_toewijzingen",
        "match_uitsluitingen",
        "match_voorstellen",
        "traject_themas",
        "adviseur_conflicten",
        "adviseur_afwezigheid",
        "adviseur_expertise",
        "adviseur_sectoren",
        "adviseur_profielen",
    ]:
        op.drop_table(table)
