"""report form submission tokens

Revision ID: 5c1d0f3b7a21
Revises: aa0d5c9b89a3
Create Date: 2026-12-06 08:06:43.530945

A report is filed once from the form: each page of the report form carries a one-time
token, stored on the report it saved, unique per reporter. Only form-filed reports have
one, so the index is partial.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d0f3b7a21'
down_revision = 'aa0d5c9b89a3'
branch_labels = None
depends_on = None

TOKEN_GIVEN = sa.text('submission_token IS NOT NULL')


def upgrade():
    # A column and an index: SQLite adds both in place, without copying the table.
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_token', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_reports_reporter_submission_token', ['reporter_id', 'submission_token'], unique=True, postgresql_where=TOKEN_GIVEN, sqlite_where=TOKEN_GIVEN)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('uq_reports_reporter_submission_token')
        batch_op.drop_column('submission_token')
