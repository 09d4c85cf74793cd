"""linked reports: one event, two reports

Revision ID: c6a7b8c9d0e1
Revises: b5f6a7b8c9d0
Create Date: 2026-12-08 10:00:00.000000

Two reports of one event (usually one from each side) linked with a reason; an unlinked
pair keeps its row with who, when and why. One live link per pair (a partial unique
index); the other end of a link has an index of its own.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c6a7b8c9d0e1'
down_revision = 'b5f6a7b8c9d0'
branch_labels = None
depends_on = None

LIVE = sa.text('unlinked_at IS NULL')


def upgrade():
    op.create_table('report_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_a_id', sa.Integer(), nullable=False),
    sa.Column('report_b_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unlinked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unlinked_by_id', sa.Integer(), nullable=True),
    sa.Column('unlink_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('report_a_id < report_b_id', name=op.f('ck_report_links_ordered_pair')),
    sa.CheckConstraint('(unlinked_at IS NULL) = (unlinked_by_id IS NULL)', name=op.f('ck_report_links_unlinked_with_actor')),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_report_links_linked_by_id_users')),
    sa.ForeignKeyConstraint(['report_a_id'], ['reports.id'], name=op.f('fk_report_links_report_a_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_b_id'], ['reports.id'], name=op.f('fk_report_links_report_b_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unlinked_by_id'], ['users.id'], name=op.f('fk_report_links_unlinked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_links'))
    )
    with op.batch_alter_table('report_links', schema=None) as batch_op:
        batch_op.create_index('ix_report_links_b', ['report_b_id'], unique=False)
        batch_op.create_index('uq_report_links_live_pair', ['report_a_id', 'report_b_id'], unique=True, postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    with op.batch_alter_table('report_links', schema=None) as batch_op:
        batch_op.drop_index('uq_report_links_live_pair', postgresql_where=LIVE, sqlite_where=LIVE)
        batch_op.drop_index('ix_report_links_b')

    op.drop_table('report_links')
