"""external sign-in identifier

Revision ID: e2a3b4c5d6e7
Revises: d7b8c9d0e1f2
Create Date: 2026-12-08 10:00:00.000000

Single sign-on over OpenID Connect finds the user by a claim. For ``email`` that is the
user's e-mail; for any other claim (HelseID's HPR number, ID-porten's ``pid``, Entra ID's
``oid``) it is ``users.external_id``, which an administrator records. Unique: one person
at the provider is one user here.

Plain operations, not a batch: SQLite (3.35 and later) adds and drops a column and an
index in place, where a batch would copy the users table, which many tables point at.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2a3b4c5d6e7'
down_revision = 'd7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('external_id', sa.String(length=200), nullable=True))
    op.create_index(op.f('ix_users_external_id'), 'users', ['external_id'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_users_external_id'), table_name='users')
    op.drop_column('users', 'external_id')
