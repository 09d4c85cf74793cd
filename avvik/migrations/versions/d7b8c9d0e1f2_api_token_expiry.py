"""api token expiry

Revision ID: d7b8c9d0e1f2
Revises: c6a7b8c9d0e1
Create Date: 2026-12-06 11:40:00.000000

Personal API tokens expire (``expires_at``, AVVIK_API_TOKEN_DAYS after creation). Tokens
made before had none: they get the default lifetime from the moment of the upgrade, so an
integration keeps working and its owner has the full period to make a new token.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op
from flask import current_app

from avvik.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'd7b8c9d0e1f2'
down_revision = 'c6a7b8c9d0e1'
branch_labels = None
depends_on = None

#: AVVIK_API_TOKEN_DAYS's default, for a configuration that predates the setting.
DEFAULT_DAYS = 90


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))

    days = current_app.config.get('API_TOKEN_DAYS', DEFAULT_DAYS)  # env.py runs in the app
    tokens = sa.table('api_tokens', sa.column('expires_at', UTCDateTime()))
    op.get_bind().execute(tokens.update().values(
        expires_at=datetime.now(UTC) + timedelta(days=days)))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
