"""indexes for case lists

Revision ID: 28be431dfb41
Revises: e9654b2f389d
Create Date: 2026-11-22 18:25:55.789006

Indexes that let a page of a broad case list be read from the sort order instead of
sorting every match: newest first (all cases, a unit's inbox), by answer deadline, and
a category filter (bench/lists.py measures them over a million cases).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '28be431dfb41'
down_revision = 'e9654b2f389d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_answer_due_at', ['answer_due_at'], unique=False)
        batch_op.create_index('ix_reports_category_id', ['category_id'], unique=False)
        batch_op.create_index('ix_reports_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_reports_responsible_created', ['responsible_unit_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_responsible_created')
        batch_op.drop_index('ix_reports_created_at')
        batch_op.drop_index('ix_reports_category_id')
        batch_op.drop_index('ix_reports_answer_due_at')
