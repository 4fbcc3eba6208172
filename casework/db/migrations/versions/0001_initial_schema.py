"""initial schema: organisations, verdicts, adviseurs, trajecten, history, notes, outbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 00:00:12.462003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('adviseurs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('actief', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adviseurs')),
    sa.UniqueConstraint('email', name=op.f('uq_adviseurs_email'))
    )
    op.create_table('besturen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bestuursnummer', sa.String(length=5), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('regio', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_besturen')),
    sa.UniqueConstraint('bestuursnummer', name=op.f('uq_besturen_bestuursnummer'))
    )
    op.create_table('scholen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brin', sa.String(length=6), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('bestuur_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=2), nullable=False),
    sa.Column('regio', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sector IN ('po', 'so', 'vo')", name=op.f('ck_scholen_sector')),
    sa.ForeignKeyConstraint(['bestuur_id'], ['besturen.id'], name=op.f('fk_scholen_bestuur_id_besturen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scholen')),
    sa.UniqueConstraint('brin', name=op.f('uq_scholen_brin'))
    )
    with op.batch_alter_table('scholen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scholen_bestuur_id'), ['bestuur_id'], unique=False)

    op.create_table('contactpersonen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('telefoon', sa.String(length=40), nullable=True),
    sa.Column('rol', sa.String(length=20), nullable=False),
    sa.Column('bestuur_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bestuur_id'], ['besturen.id'], name=op.f('fk_contactpersonen_bestuur_id_besturen')),
    sa.ForeignKeyConstraint(['school_id'], ['scholen.id'], name=op.f('fk_contactpersonen_school_id_scholen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contactpersonen'))
    )
    with op.batch_alter_table('contactpersonen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contactpersonen_bestuur_id'), ['bestuur_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contactpersonen_school_id'), ['school_id'], unique=False)

    op.create_table('oordelen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bestuur_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('standaard', sa.String(length=20), nullable=True),
    sa.Column('oordeel', sa.String(length=20), nullable=False),
    sa.Column('datum', sa.Date(), nullable=False),
    sa.Column('rapport', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("oordeel IN ('voldoende', 'onvoldoende', 'zeer zwak')", name=op.f('ck_oordelen_oordeel')),
    sa.CheckConstraint('(bestuur_id IS NULL) <> (school_id IS NULL)', name=op.f('ck_oordelen_one_organisation')),
    sa.ForeignKeyConstraint(['bestuur_id'], ['besturen.id'], name=op.f('fk_oordelen_bestuur_id_besturen')),
    sa.ForeignKeyConstraint(['school_id'], ['scholen.id'], name=op.f('fk_oordelen_school_id_scholen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oordelen'))
    )
    with op.batch_alter_table('oordelen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oordelen_bestuur_id'), ['bestuur_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oordelen_school_id'), ['school_id'], unique=False)

    op.create_table('trajecten',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programma', sa.String(length=20), nullable=False),
    sa.Column('definitie_versie', sa.Integer(), nullable=False),
    sa.Column('bestuur_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('fase', sa.String(length=30), nullable=False),
    sa.Column('paused_from', sa.String(length=30), nullable=True),
    sa.Column('fase_sinds', sa.DateTime(timezone=True), nullable=False),
    sa.Column('werkdagen_voor_pauze', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hulpvraag', sa.Text(), nullable=True),
    sa.Column('risico', sa.Text(), nullable=True),
    sa.Column('adviseur_id', sa.Integer(), nullable=True),
    sa.Column('adviseur_geaccepteerd', sa.Boolean(), nullable=False),
    sa.Column('resultaat', sa.String(length=40), nullable=True),
    sa.Column('herstelonderzoek_voor', sa.Date(), nullable=True),
    sa.Column('is_test', sa.Boolean(), nullable=False),
    sa.Column('aangemeld_op', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adviseur_id'], ['adviseurs.id'], name=op.f('fk_trajecten_adviseur_id_adviseurs')),
    sa.ForeignKeyConstraint(['bestuur_id'], ['besturen.id'], name=op.f('fk_trajecten_bestuur_id_besturen')),
    sa.ForeignKeyConstraint(['contact_id'], ['contactpersonen.id'], name=op.f('fk_trajecten_contact_id_contactpersonen')),
    sa.ForeignKeyConstraint(['school_id'], ['scholen.id'], name=op.f('fk_trajecten_school_id_scholen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trajecten'))
    )
    with op.batch_alter_table('trajecten', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trajecten_adviseur_id'), ['adviseur_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trajecten_bestuur_id'), ['bestuur_id'], unique=False)
        batch_op.create_index('ix_trajecten_fase_sinds', ['fase', 'fase_sinds'], unique=False)
        batch_op.create_index('ix_trajecten_programma_fase', ['programma', 'fase', 'fase_sinds'], unique=False)
        batch_op.create_index(batch_op.f('ix_trajecten_school_id'), ['school_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=True),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['traject_id'], ['trajecten.id'], name=op.f('fk_outbox_traject_id_trajecten')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_traject_id'), ['traject_id'], unique=False)

    op.create_table('traject_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('from_fase', sa.String(length=30), nullable=True),
    sa.Column('to_fase', sa.String(length=30), nullable=True),
    sa.Column('reden', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['traject_id'], ['trajecten.id'], name=op.f('fk_traject_events_traject_id_trajecten')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_traject_events')),
    sa.UniqueConstraint('traject_id', 'seq', name='traject_seq')
    )
    with op.batch_alter_table('traject_events', schema=None) as batch_op:
        batch_op.create_index('ix_traject_events_at', ['at'], unique=False)
        batch_op.create_index('ix_traject_events_to_fase_at', ['to_fase', 'at'], unique=False)

    op.create_table('traject_notities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('tekst', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['traject_id'], ['trajecten.id'], name=op.f('fk_traject_notities_traject_id_trajecten')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_traject_notities'))
    )
    with op.batch_alter_table('traject_notities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_traject_notities_traject_id'), ['traject_id'], unique=False)

    

    _append_only("traject_events")


def _append_only(table: str) -> None:
    """History is append-only: the database itself refuses UPDATE and DELETE on it."""
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    else:
        op.execute(
            f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END $$ LANGUAGE plpgsql"""
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS traject_events_append_only ON traject_events")
        op.execute("DROP FUNCTION IF EXISTS traject_events_append_only()")
    
    with op.batch_alter_table('traject_notities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_traject_notities_traject_id'))

    op.drop_table('traject_notities')
    with op.batch_alter_table('traject_events', schema=None) as batch_op:
        batch_op.drop_index('ix_traject_events_to_fase_at')
        batch_op.drop_index('ix_traject_events_at')

    op.drop_table('traject_events')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_traject_id'))
        batch_op.drop_index('ix_outbox_status_due')

    op.drop_table('outbox')
    with op.batch_alter_table('trajecten', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trajecten_school_id'))
        batch_op.drop_index('ix_trajecten_programma_fase')
        batch_op.drop_index('ix_trajecten_fase_sinds')
        batch_op.drop_index(batch_op.f('ix_trajecten_bestuur_id'))
        batch_op.drop_index(batch_op.f('ix_trajecten_adviseur_id'))

    op.drop_table('trajecten')
    with op.batch_alter_table('oordelen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oordelen_school_id'))
        batch_op.drop_index(batch_op.f('ix_oordelen_bestuur_id'))

    op.drop_table('oordelen')
    with op.batch_alter_table('contactpersonen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contactpersonen_school_id'))
        batch_op.drop_index(batch_op.f('ix_contactpersonen_bestuur_id'))

    op.drop_table('contactpersonen')
    with op.batch_alter_table('scholen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scholen_bestuur_id'))

    op.drop_table('scholen')
    op.drop_table('besturen')
    op.drop_table('adviseurs')
    
