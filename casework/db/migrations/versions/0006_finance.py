"""finance: dagdelen, rates, budget blocks, billing details, invoices, lines, number counters

Revision ID: 0006_finance
Revises: 0001
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0006_finance"
down_revision = "0001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(12, 2)
FRACTION = sa.Numeric(5, 4)
PERCENTAGE = sa.Numeric(5, 2)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    tarieven = op.create_table(
        "tarieven",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programma", sa.String(20), nullable=False),
        sa.Column("jaar", sa.Integer(), nullable=False),
        sa.Column("per_dagdeel", MONEY, nullable=False),
        sa.Column("school_aandeel", FRACTION, nullable=False),
        sa.Column("btw_percentage", PERCENTAGE, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tarieven"),
        sa.UniqueConstraint("programma", "jaar", name="uq_tarieven_programma_jaar"),
    )
    op.create_table(
        "budget_blokken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("nummer", sa.Integer(), nullable=False),
        sa.Column("reden", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["traject_id"], ["trajecten.id"], name="fk_budget_blokken_traject_id_trajecten"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_budget_blokken"),
        sa.UniqueConstraint("traject_id", "nummer", name="uq_budget_blokken_traject_nummer"),
    )
    op.create_index("ix_budget_blokken_traject_id", "budget_blokken", ["traject_id"])
    op.create_table(
        "dagdelen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("deel", sa.String(7), nullable=False),
        sa.Column("activiteit", sa.String(60), nullable=False),
        sa.Column("notitie", sa.Text(), nullable=True),
        sa.Column("programma", sa.String(20), nullable=False),
        sa.Column("school_aandeel", FRACTION, nullable=False),
        sa.Column("programma_aandeel", FRACTION, nullable=False),
        sa.Column("vervallen", sa.Boolean(), nullable=False),
        sa.Column("vervangt_id", sa.Integer(), nullable=True),
        sa.Column("correctie_reden", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("deel IN ('ochtend', 'middag')", name="ck_dagdelen_deel"),
        sa.ForeignKeyConstraint(
            ["traject_id"], ["trajecten.id"], name="fk_dagdelen_traject_id_trajecten"
        ),
        sa.ForeignKeyConstraint(
            ["adviseur_id"], ["adviseurs.id"], name="fk_dagdelen_adviseur_id_adviseurs"
        ),
        sa.ForeignKeyConstraint(
            ["vervangt_id"], ["dagdelen.id"], name="fk_dagdelen_vervangt_id_dagdelen"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dagdelen"),
    )
    op.create_index(
        "uq_dagdelen_adviseur_slot",
        "dagdelen",
        ["adviseur_id", "datum", "deel"],
        unique=True,
        sqlite_where=sa.text("vervallen = 0"),
        postgresql_where=sa.text("NOT vervallen"),
    )
    op.create_index("ix_dagdelen_traject", "dagdelen", ["traject_id", "vervallen"])
    op.create_index("ix_dagdelen_datum", "dagdelen", ["datum"])
    op.create_table(
        "factuuradressen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bestuur_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("tenaamstelling", sa.String(200), nullable=False),
        sa.Column("straat", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("plaats", sa.String(100), nullable=False),
        sa.Column("land", sa.String(2), nullable=False),
        sa.Column("kvk", sa.String(8), nullable=True),
        sa.Column("oin", sa.String(20), nullable=True),
        sa.Column("btw_id", sa.String(20), nullable=True),
        sa.Column("referentie", sa.String(100), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "(bestuur_id IS NULL) <> (school_id IS NULL)",
            name="ck_factuuradressen_one_organisation",
        ),
        sa.ForeignKeyConstraint(
            ["bestuur_id"], ["besturen.id"], name="fk_factuuradressen_bestuur_id_besturen"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["scholen.id"], name="fk_factuuradressen_school_id_scholen"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_factuuradressen"),
        sa.UniqueConstraint("bestuur_id", name="uq_factuuradressen_bestuur_id"),
        sa.UniqueConstraint("school_id", name="uq_factuuradressen_school_id"),
    )
    op.create_table(
        "facturen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nummer", sa.String(20), nullable=True),
        sa.Column("soort", sa.String(10), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("programma", sa.String(20), nullable=False),
        sa.Column("periode", sa.String(7), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("bestuur_id", sa.Integer(), nullable=False),
        sa.Column("credit_voor_id", sa.Integer(), nullable=True),
        sa.Column("bedrag_excl", MONEY, nullable=False),
        sa.Column("btw_bedrag", MONEY, nullable=False),
        sa.Column("bedrag_incl", MONEY, nullable=False),
        sa.Column("factuurdatum", sa.Date(), nullable=True),
        sa.Column("vervaldatum", sa.Date(), nullable=True),
        sa.Column("klant", sa.JSON(), nullable=True),
        sa.Column("leverancier", sa.JSON(), nullable=True),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("goedgekeurd_door", sa.String(320), nullable=True),
        sa.Column("verzonden_op", TS, nullable=True),
        sa.Column("verzonden_aan", sa.String(320), nullable=True),
        sa.Column("betaald_op", sa.Date(), nullable=True),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint(
            "status IN ('concept', 'goedgekeurd', 'verzonden', 'betaald', 'gecrediteerd')",
            name="ck_facturen_status",
        ),
        sa.CheckConstraint("soort IN ('factuur', 'creditnota')", name="ck_facturen_soort"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["scholen.id"], name="fk_facturen_school_id_scholen"
        ),
        sa.ForeignKeyConstraint(
            ["bestuur_id"], ["besturen.id"], name="fk_facturen_bestuur_id_besturen"
        ),
        sa.ForeignKeyConstraint(
            ["credit_voor_id"], ["facturen.id"], name="fk_facturen_credit_voor_id_facturen"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_facturen"),
        sa.UniqueConstraint("nummer", name="uq_facturen_nummer"),
    )
    op.create_index("ix_facturen_status", "facturen", ["status"])
    op.create_index("ix_facturen_periode", "facturen", ["periode", "programma"])
    op.create_index("ix_facturen_school_id", "facturen", ["school_id"])
    op.create_table(
        "factuur_regels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("factuur_id", sa.Integer(), nullable=False),
        sa.Column("dagdeel_id", sa.Integer(), nullable=True),
        sa.Column("credit_dagdeel_id", sa.Integer(), nullable=True),
        sa.Column("traject_id", sa.Integer(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("omschrijving", sa.String(300), nullable=False),
        sa.Column("aantal", sa.Numeric(8, 2), nullable=False),
        sa.Column("tarief", MONEY, nullable=False),
        sa.Column("aandeel", FRACTION, nullable=False),
        sa.Column("prijs", MONEY, nullable=False),
        sa.Column("bedrag", MONEY, nullable=False),
        sa.Column("btw_percentage", PERCENTAGE, nullable=False),
        sa.ForeignKeyConstraint(
            ["factuur_id"], ["facturen.id"], name="fk_factuur_regels_factuur_id_facturen"
        ),
        sa.ForeignKeyConstraint(
            ["dagdeel_id"], ["dagdelen.id"], name="fk_factuur_regels_dagdeel_id_dagdelen"
        ),
        sa.ForeignKeyConstraint(
            ["credit_dagdeel_id"],
            ["dagdelen.id"],
            name="fk_factuur_regels_credit_dagdeel_id_dagdelen",
        ),
        sa.ForeignKeyConstraint(
            ["traject_id"], ["trajecten.id"], name="fk_factuur_regels_traject_id_trajecten"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_factuur_regels"),
        # a dagdeel is on at most one invoice: the database holds this, not only the query
        sa.UniqueConstraint("dagdeel_id", name="uq_factuur_regels_dagdeel_id"),
    )
    op.create_index("ix_factuur_regels_factuur_id", "factuur_regels", ["factuur_id"])
    op.create_index("ix_factuur_regels_credit_dagdeel_id", "factuur_regels", ["credit_dagdeel_id"])
    op.create_table(
        "factuur_tellers",
        sa.Column("programma", sa.String(20), nullable=False),
        sa.Column("jaar", sa.Integer(), nullable=False),
        sa.Column("laatste", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("programma", "jaar", name="pk_factuur_tellers"),
    )
    # the published 2026 rates (domain.md): LV € 571.50 per dagdeel, school pays half, btw 21%;
    # GWGB is recorded at the same full rate, all of it charged to the programme
    now = datetime.now(UTC)
    op.bulk_insert(
        tarieven,
        [
            {
                "programma": "lv",
                "jaar": 2026,
                "per_dagdeel": Decimal("571.50"),
                "school_aandeel": Decimal("0.50"),
                "btw_percentage": Decimal("21.00"),
                "actor": "migratie 0006_finance",
                "updated_at": now,
            },
            {
                "programma": "gwgb",
                "jaar": 2026,
                "per_dagdeel": Decimal("571.50"),
                "school_aandeel": Decimal("0.00"),
                "btw_percentage": Decimal("21.00"),
                "actor": "migratie 0006_finance",
                "updated_at": now,
            },
        ],
    )


def downgrade() -> None:
    op.drop_table("factuur_tellers")
    op.drop_index("ix_factuur_regels_credit_dagdeel_id", table_name="factuur_regels")
    op.drop_index("ix_factuur_regels_factuur_id", table_name="factuur_regels")
    op.drop_table("factuur_regels")
    op.drop_index("ix_facturen_school_id", table_name="facturen")
    op.drop_index("ix_facturen_periode", table_name="facturen")
    op.drop_index("ix_facturen_status", table_name="facturen")
    op.drop_table("facturen")
    op.drop_table("factuuradressen")
    op.drop_index("ix_dagdelen_datum", table_name="dagdelen")
    op.drop_index("ix_dagdelen_traject", table_name="dagdelen")
    op.drop_index("uq_dagdelen_adviseur_slot", table_name="dagdelen")
    op.drop_table("dagdelen")
    op.drop_index("ix_budget_blokken_traject_id", table_name="budget_blokken")
    op.drop_table("budget_blokken")
    op.drop_table("tarieven")
