"""committee agenda

Revision ID: a4e5f6a7b8c9
Revises: 9c3d1f2e4b55
Create Date: 2026-12-08 10:00:00.000000

The joint committee's agenda (avvik/committee/): its meetings per health community, the
cases on it (at most one open item per case: a partial unique index), and the name each
community gives its committee (LSU, SSU, OSU, ...).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4e5f6a7b8c9'
down_revision = '9c3d1f2e4b55'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    with op.batch_alter_table('health_communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('committee_name', sa.String(length=100), nullable=False,
                                      server_default='Samarbeidsutvalget'))

    op.create_table('committee_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('health_community_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['health_community_id'], ['health_communities.id'], name=op.f('fk_committee_meetings_health_community_id_health_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meetings'))
    )
    op.create_index('ix_committee_meetings_community_held', 'committee_meetings', ['health_community_id', 'held_on'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('health_community_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('escalation', 'second_disagreement', 'declined_redirect', 'flagged', name='agendasource', native_enum=False, length=30), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', 'returned', name='agendastatus', native_enum=False, length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('follow_up_organization_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_unit_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_note', sa.Text(), nullable=False),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('concluded_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status = 'open' OR resolved_at IS NOT NULL", name=op.f('ck_agenda_items_resolved_items_have_a_moment')),
    sa.ForeignKeyConstraint(['concluded_by_id'], ['users.id'], name=op.f('fk_agenda_items_concluded_by_id_users')),
    sa.ForeignKeyConstraint(['follow_up_organization_id'], ['organizations.id'], name=op.f('fk_agenda_items_follow_up_organization_id_organizations')),
    sa.ForeignKeyConstraint(['follow_up_unit_id'], ['units.id'], name=op.f('fk_agenda_items_follow_up_unit_id_units')),
    sa.ForeignKeyConstraint(['health_community_id'], ['health_communities.id'], name=op.f('fk_agenda_items_health_community_id_health_communities')),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meetings.id'], name=op.f('fk_agenda_items_meeting_id_committee_meetings')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_agenda_items_placed_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_agenda_items_report_id_reports')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_agenda_items_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_report_id'), ['report_id'], unique=False)
        batch_op.create_index('ix_agenda_items_community_status', ['health_community_id', 'status'], unique=False)
        batch_op.create_index('uq_agenda_items_open_report', ['report_id'], unique=True, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index('uq_agenda_items_open_report')
        batch_op.drop_index('ix_agenda_items_community_status')
        batch_op.drop_index(batch_op.f('ix_agenda_items_report_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    op.drop_index('ix_committee_meetings_community_held', table_name='committee_meetings')
    op.drop_table('committee_meetings')
    # Not in batch mode: SQLite (3.35 and later) drops a column in place, where a batch
    # would copy the table and the organisations' foreign keys refuse its DROP TABLE.
    op.drop_column('health_communities', 'committee_name')
