"""audit trail: who, from where, in which request; entries that cannot be changed

Revision ID: e0a1b2c3d4e5
Revises: e1a2b3c4d5e6
Create Date: 2026-12-09 09:00:00.000000

Each audit entry gets the actor's user name and full name as they were, a structured
detail, the client address and the request id; the object id may be empty (a sign-in
with a user name nobody has). Indexes for the administrator's searches. Entries written
before keep their reason text; their names are the users' names at the upgrade.

Triggers refuse UPDATE and DELETE of audit entries (and TRUNCATE on PostgreSQL), as
avvik/audit/guard.py makes them for tables made from the models. The statements are
copied, as they were at this revision, so that a later change comes with a migration.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e0a1b2c3d4e5'
down_revision = 'e1a2b3c4d5e6'
branch_labels = None
depends_on = None

REFUSAL = 'audit entries are append-only'

POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION USING MESSAGE = '{REFUSAL}: ' || TG_OP || ' refused', "
    "ERRCODE = 'restrict_violation'; "
    "END $$",
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
    "DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries",
    "DROP FUNCTION IF EXISTS audit_entries_refuse_change()",
]
SQLITE = [
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_entries_no_delete",
    "DROP TRIGGER IF EXISTS audit_entries_no_update",
]

INDEXES = {
    'ix_audit_entries_actor_at': ['actor_id', 'at'],
    'ix_audit_entries_action_at': ['action', 'at'],
    'ix_audit_entries_client_at': ['client_address', 'at'],
    'ix_audit_entries_at': ['at'],
}


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_username', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('actor_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('client_address', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.String(length=128), nullable=True))
        batch_op.alter_column('object_id', existing_type=sa.Integer(), nullable=True)

    op.execute(
        "UPDATE audit_entries SET "
        "actor_username = (SELECT username FROM users WHERE users.id = audit_entries.actor_id), "
        "actor_name = (SELECT full_name FROM users WHERE users.id = audit_entries.actor_id) "
        "WHERE actor_id IS NOT NULL")
    entries = sa.table('audit_entries', sa.column('detail', sa.JSON()))
    op.get_bind().execute(entries.update().values(detail={}))

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('detail', existing_type=sa.JSON(), nullable=False)
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)

    # After the batch operations: on SQLite they copy the table, triggers and all.
    _run(POSTGRESQL if op.get_bind().dialect.name == 'postgresql' else SQLITE)


def downgrade():
    # The triggers go first: the rest changes rows (SQLite copies the table).
    _run(POSTGRESQL_DROP if op.get_bind().dialect.name == 'postgresql' else SQLITE_DROP)
    op.execute("UPDATE audit_entries SET object_id = 0 WHERE object_id IS NULL")
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.alter_column('object_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('request_id')
        batch_op.drop_column('client_address')
        batch_op.drop_column('detail')
        batch_op.drop_column('actor_name')
        batch_op.drop_column('actor_username')
