"""the parties of a case beside its id: index-only probes for the measures' visibility

Revision ID: f4a5b6c7d8e9
Revises: f1a2b3c4d5e6
Create Date: 2026-12-06 18:20:00.000000
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4a5b6c7d8e9'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None

INCLUDE = ['reporting_organization_id', 'receiving_organization_id', 'joint_organization_id',
           'reporting_unit_id', 'responsible_unit_id', 'reporter_id', 'status']


def upgrade():
    op.create_index('ix_reports_parties', 'reports', ['id'], unique=False,
                    postgresql_include=INCLUDE)


def downgrade():
    op.drop_index('ix_reports_parties', table_name='reports')
