"""serious events

Revision ID: 9c3d1f2e4b55
Revises: 8b2f0e3d9a11
Create Date: 2026-12-08 10:00:00.000000

Serious events (issue #14, item 3): each health community's shorter deadlines for them
(existing communities get the defaults, one and five working days), and what the parties
record of a serious case's notices (to Helsetilsynet, to the patient or next of kin).
Whether a case is serious is computed from its consequences, so nothing is backfilled.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c3d1f2e4b55'
down_revision = '8b2f0e3d9a11'
branch_labels = None
depends_on = None


def upgrade():
    # The server defaults fill the existing communities (the model's defaults are the
    # same). They stay: dropping them would make SQLite copy the table, which the
    # organisations' foreign keys forbid while it holds rows.
    with op.batch_alter_table('health_communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('serious_acknowledge_days', sa.SmallInteger(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('serious_answer_days', sa.SmallInteger(), nullable=False, server_default='5'))

    op.create_table('case_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('by_whom', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('authority', 'patient')", name=op.f('ck_case_notices_kind_known')),
    sa.CheckConstraint("answer IN ('yes', 'no', 'not_applicable')", name=op.f('ck_case_notices_answer_known')),
    sa.CheckConstraint("answer <> 'yes' OR on_date IS NOT NULL", name=op.f('ck_case_notices_yes_has_date')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_case_notices_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_case_notices_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notices')),
    sa.UniqueConstraint('report_id', 'kind', name=op.f('uq_case_notices_report_id_kind'))
    )


def downgrade():
    op.drop_table('case_notices')
    # Not in batch mode: SQLite (3.35 and later) drops a column in place, where a batch
    # would copy the table and the organisations' foreign keys refuse its DROP TABLE.
    op.drop_column('health_communities', 'serious_answer_days')
    op.drop_column('health_communities', 'serious_acknowledge_days')
