"""feed of changes, service tokens, webhooks

Revision ID: f2a3b4c5d6e7
Revises: e0a1b2c3d4e5
Create Date: 2026-12-06 17:00:00.000000

For the organisations' own quality systems (issue #18, item 4): ``reports.changed_at``
(the feed's order with the id, indexed so), filled for existing cases from their last
update; an organisation's service account (``users.service_organization_id``) and the
scope and issuer of its tokens; webhooks and their delivery log.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2a3b4c5d6e7'
down_revision = 'e0a1b2c3d4e5'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    # Not in batch mode: on SQLite that copies the table, and the copy loses the search
    # index's triggers on it. A constant default lets SQLite add a NOT NULL column; every
    # row then gets its own value, and PostgreSQL drops the default again.
    op.add_column('reports', sa.Column('changed_at', TZ, nullable=False,
                                       server_default='1970-01-01 00:00:00+00:00'))
    op.execute('UPDATE reports SET changed_at = updated_at')
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('reports', 'changed_at', server_default=None)
    op.create_index('ix_reports_changed_at_id', 'reports', ['changed_at', 'id'], unique=False)

    # In place, not a batch: a batch would copy the users table, which many tables
    # point at (as in e2a3b4c5d6e7).
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('users', sa.Column('service_organization_id', sa.Integer(),
                                         nullable=True))
        op.create_foreign_key('fk_users_service_organization_id_organizations', 'users',
                              'organizations', ['service_organization_id'], ['id'])
    else:  # SQLite adds a column with its reference in place, not a constraint later
        op.execute('ALTER TABLE users ADD COLUMN service_organization_id INTEGER '
                   'CONSTRAINT fk_users_service_organization_id_organizations '
                   'REFERENCES organizations (id)')
    op.create_index('ix_users_service_organization_id', 'users',
                    ['service_organization_id'], unique=True)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('issued_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_api_tokens_issued_by_id_users', 'users',
                                    ['issued_by_id'], ['id'])

    op.create_table(
        'webhooks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret_ciphertext', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('disabled_at', TZ, nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_webhooks_created_by_id_users')),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_webhooks_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhooks')),
    )
    op.create_index('ix_webhooks_organization_id', 'webhooks', ['organization_id'])
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=30), nullable=False),
        sa.Column('occurred_at', TZ, nullable=False),
        sa.Column('state', sa.Enum('pending', 'delivered', 'failed', name='deliverystate',
                                   native_enum=False, length=20), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), nullable=False),
        sa.Column('last_status', sa.SmallInteger(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('last_attempt_at', TZ, nullable=True),
        sa.Column('delivered_at', TZ, nullable=True),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'], ondelete='CASCADE',
                                name=op.f('fk_webhook_deliveries_report_id_reports')),
        sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id'],
                                name=op.f('fk_webhook_deliveries_webhook_id_webhooks')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    )
    op.create_index('ix_webhook_deliveries_webhook_id', 'webhook_deliveries',
                    ['webhook_id', 'id'])


def downgrade():
    op.drop_index('ix_webhook_deliveries_webhook_id', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index('ix_webhooks_organization_id', table_name='webhooks')
    op.drop_table('webhooks')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint('fk_api_tokens_issued_by_id_users', type_='foreignkey')
        batch_op.drop_column('issued_by_id')
        batch_op.drop_column('scope')
    op.drop_index('ix_users_service_organization_id', table_name='users')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('fk_users_service_organization_id_organizations', 'users',
                           type_='foreignkey')
    # SQLite drops a column in place (3.35 on), its reference with it.
    op.execute('ALTER TABLE users DROP COLUMN service_organization_id')
    op.drop_index('ix_reports_changed_at_id', table_name='reports')
    # SQLite drops a column in place (3.35 on), keeping the table's triggers.
    op.execute('ALTER TABLE reports DROP COLUMN changed_at')
