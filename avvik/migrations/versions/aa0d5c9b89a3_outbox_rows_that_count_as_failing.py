"""outbox rows that count as failing

Revision ID: aa0d5c9b89a3
Revises: 078ac6d6291c
Create Date: 2026-12-06 08:00:00.000000

An outbox row whose tries fail is no longer given up after a fixed number of attempts:
it is retried for as long as the outage lasts. Once its failed tries reach
AVVIK_OUTBOX_ALARM_ATTEMPTS it counts as failing: /health says so, and the case's
timeline is told, once, when that began.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa0d5c9b89a3'
down_revision = '078ac6d6291c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alarmed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('alarmed_at')
