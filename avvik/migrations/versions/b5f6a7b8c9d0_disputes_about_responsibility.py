"""disputes about responsibility

Revision ID: b5f6a7b8c9d0
Revises: a4e5f6a7b8c9
Create Date: 2026-12-08 12:00:00.000000

A receiving side may decline a case with a proposal (avvik/reports/services/disputes.py):
how often a case was declined (a second decline goes to the joint committee), and the
second party asked for a joint answer. The one foreign key is added in place on SQLite
(ALTER TABLE ... REFERENCES), not by copying the reports table in batch mode.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5f6a7b8c9d0'
down_revision = 'a4e5f6a7b8c9'
branch_labels = None
depends_on = None

FK = 'fk_reports_joint_organization_id_organizations'


def upgrade():
    op.add_column('reports', sa.Column('redirect_count', sa.SmallInteger(), nullable=False,
                                       server_default='0'))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE reports ADD COLUMN joint_organization_id INTEGER '
                   f'CONSTRAINT {FK} REFERENCES organizations (id)')
    else:
        op.add_column('reports', sa.Column('joint_organization_id', sa.Integer(),
                                           nullable=True))
        op.create_foreign_key(FK, 'reports', 'organizations', ['joint_organization_id'],
                              ['id'])
        op.create_check_constraint('ck_reports_redirect_count_not_negative', 'reports',
                                   'redirect_count >= 0')


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint('ck_reports_redirect_count_not_negative', type_='check')
            batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('joint_organization_id')
        batch_op.drop_column('redirect_count')
