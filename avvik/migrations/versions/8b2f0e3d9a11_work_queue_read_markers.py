"""work queue and read markers

Revision ID: 8b2f0e3d9a11
Revises: 7a1e5ea4c0de
Create Date: 2026-12-07 10:00:00.000000

The start page's work queue and the lists' unread markers: when each person last opened
each case (case_reads), and on each case the last change each side has to know of. Cases
written before stay unstamped: nothing on them is news, so no backfill is needed. The
indexes keep the queue's counts to ranges (a person's reports, a unit's inbox, the
organisation's unrouted cases, a unit's reports by status).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b2f0e3d9a11'
down_revision = '7a1e5ea4c0de'
branch_labels = None
depends_on = None

UNROUTED = sa.text('responsible_unit_id IS NULL')


def upgrade():
    op.create_table('case_reads',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_case_reads_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'report_id', name=op.f('pk_case_reads'))
    )
    # Nullable columns and indexes: SQLite adds them in place, without copying the table.
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporting_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('receiving_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_reports_reporter_reporting_changed', ['reporter_id', 'reporting_changed_at'], unique=False)
        batch_op.create_index('ix_reports_responsible_receiving_changed', ['responsible_unit_id', 'receiving_changed_at'], unique=False)
        batch_op.create_index('ix_reports_unrouted_receiving_changed', ['receiving_organization_id', 'receiving_changed_at'], unique=False, postgresql_where=UNROUTED, sqlite_where=UNROUTED)
        batch_op.create_index('ix_reports_reporting_unit_status', ['reporting_unit_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_reporting_unit_status')
        batch_op.drop_index('ix_reports_unrouted_receiving_changed')
        batch_op.drop_index('ix_reports_responsible_receiving_changed')
        batch_op.drop_index('ix_reports_reporter_reporting_changed')
        batch_op.drop_column('receiving_changed_at')
        batch_op.drop_column('reporting_changed_at')

    op.drop_table('case_reads')
