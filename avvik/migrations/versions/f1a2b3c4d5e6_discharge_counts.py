"""discharge counts per unit and month: the denominator of the measures' rates; indexes
for the evaluation's counts of one unit's cases of a few categories

Revision ID: f1a2b3c4d5e6
Revises: f2a3b4c5d6e7
Create Date: 2026-12-06 17:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'f2a3b4c5d6e7'
branch_labels = None
depends_on = None

INDEXES = {'ix_reports_responsible_kind_event_date': 'responsible_unit_id',
           'ix_reports_reporting_kind_event_date': 'reporting_unit_id'}


def upgrade():
    op.create_table(
        'discharge_counts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=False),
        sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('count >= 0', name=op.f('ck_discharge_counts_count_not_negative')),
        sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_discharge_counts_registered_by_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_discharge_counts_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discharge_counts')),
        sa.UniqueConstraint('unit_id', 'month', name=op.f('uq_discharge_counts_unit_id_month')),
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        for name, unit in INDEXES.items():
            batch_op.create_index(name, [unit, 'category_id', 'event_date'], unique=False,
                                  postgresql_include=['status'])


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
    op.drop_table('discharge_counts')
