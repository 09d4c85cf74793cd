"""index of a kind of case by event date

Revision ID: 078ac6d6291c
Revises: 28be431dfb41
Create Date: 2026-11-23 01:39:48.743612

A measure's evaluation counts the cases of its kind (category and receiving
organisation) month by month around its start. The category index of the case lists
becomes the leading column of one that reads each kind's months as a range (on
PostgreSQL with the status, so that the count needs no visit to the table).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '078ac6d6291c'
down_revision = '28be431dfb41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_category_id')
        batch_op.create_index(
            'ix_reports_kind_event_date',
            ['category_id', 'receiving_organization_id', 'event_date'], unique=False,
            postgresql_include=['status'])


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_kind_event_date')
        batch_op.create_index('ix_reports_category_id', ['category_id'], unique=False)
