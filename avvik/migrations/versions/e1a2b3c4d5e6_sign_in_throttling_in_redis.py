"""one-time codes; sign-in throttling moves to Redis

Revision ID: e1a2b3c4d5e6
Revises: d7b8c9d0e1f2
Create Date: 2026-12-08 10:00:00.000000

Failed sign-ins are counted in the broker's Redis now (avvik/auth/throttle.py), so the
table that counted them, and locked names, goes; its counts are not carried over (they
only ever mattered for minutes). Users may enrol an authenticator app (``totp_enrolments``)
and get single-use recovery codes (``totp_recovery_codes``).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1a2b3c4d5e6'
down_revision = 'd7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('login_throttles')


def downgrade():
    op.create_table('login_throttles',
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.SmallInteger(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_throttles'))
    )
