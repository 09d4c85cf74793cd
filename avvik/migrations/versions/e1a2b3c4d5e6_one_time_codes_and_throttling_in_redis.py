"""one-time codes; sign-in throttling moves to Redis

Revision ID: e1a2b3c4d5e6
Revises: e2a3b4c5d6e7
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
down_revision = 'e2a3b4c5d6e7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('totp_enrolments',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_step', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_totp_enrolments_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_totp_enrolments'))
    )
    op.create_table('totp_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_totp_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_totp_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash',
                        name=op.f('uq_totp_recovery_codes_user_id_code_hash'))
    )
    with op.batch_alter_table('totp_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_totp_recovery_codes_user_id'), ['user_id'],
                              unique=False)
    op.drop_table('login_throttles')


def downgrade():
    op.create_table('login_throttles',
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.SmallInteger(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('totp_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_totp_recovery_codes_user_id'))
    op.drop_table('totp_recovery_codes')
    op.drop_table('totp_enrolments')
