"""working days on cases

Revision ID: e9654b2f389d
Revises: 37be0f0d8837
Create Date: 2026-11-22 17:28:48.432483

Each case stores the Norwegian working days from its latest routing to its
acknowledgement and to its answer, so that the dashboards aggregate them in SQL. The
dashboard index carries them, and the other columns the performance page reads (answer,
its deadline and delivery, escalation level), so that its figures are index-only scans
on PostgreSQL.

The backfill never loads cases one by one. Working days between two dates are
R(end) - R(start), where R(day) is the number of working days from a fixed first day up to
``day`` (avvik.core.workdays.working_days_between counts the working dates d with
start < d <= end). So Python computes R once per day of the span the cases cover, into a
temporary table, and one UPDATE joins it to every case. PostgreSQL keys the days by their
Oslo date; SQLite has no time zones, so there the key is the UTC hour, which fixes the
Oslo date too (Oslo's offset is a whole number of hours).
"""
from datetime import UTC, date, datetime, time, timedelta

from alembic import op
import sqlalchemy as sa

# The same count the services store; holidays live in Python, not in the database.
from avvik.core.timeutil import OSLO
from avvik.core.workdays import working_days_between


# revision identifiers, used by Alembic.
revision = 'e9654b2f389d'
down_revision = '37be0f0d8837'
branch_labels = None
depends_on = None

DASHBOARD_INCLUDE = ['status', 'direction', 'reporting_organization_id',
                     'receiving_organization_id', 'reporting_unit_id', 'responsible_unit_id',
                     'agreement_id', 'transition_id', 'category_id', 'consequence']
NEW_INCLUDE = ['acknowledge_working_days', 'answer_working_days', 'answered_at',
               'answer_due_at', 'answer_delivered_at', 'escalation_level']


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        # Dropped first: the backfill's UPDATE then has one index less to maintain.
        batch_op.drop_index('ix_reports_dashboard', postgresql_include=DASHBOARD_INCLUDE)
        batch_op.add_column(sa.Column('acknowledge_working_days', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('answer_working_days', sa.SmallInteger(), nullable=True))

    backfill_working_days(op.get_bind())

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_dashboard', ['event_date'], unique=False,
                              postgresql_include=DASHBOARD_INCLUDE + NEW_INCLUDE)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_dashboard',
                            postgresql_include=DASHBOARD_INCLUDE + NEW_INCLUDE)
        batch_op.drop_column('answer_working_days')
        batch_op.drop_column('acknowledge_working_days')
        batch_op.create_index('ix_reports_dashboard', ['event_date'], unique=False,
                              postgresql_include=DASHBOARD_INCLUDE)


def backfill_working_days(connection: sa.engine.Connection) -> int:
    """Fill both columns for every routed case acknowledged or answered; the cases set."""
    postgres = connection.dialect.name == 'postgresql'
    bounds = connection.execute(sa.text(
        'SELECT min(routed_at), max(routed_at), min(acknowledged_at), max(acknowledged_at),'
        ' min(answered_at), max(answered_at) FROM reports WHERE routed_at IS NOT NULL'
        ' AND (acknowledged_at IS NOT NULL OR answered_at IS NOT NULL)')).one()
    moments = [_as_utc(value) for value in bounds if value is not None]
    if not moments:
        return 0
    first, last = min(moments), max(moments)
    connection.execute(sa.text('CREATE TEMPORARY TABLE working_day_numbers'
                               ' (day_key VARCHAR(13) PRIMARY KEY, number INTEGER NOT NULL)'))
    connection.execute(sa.text('INSERT INTO working_day_numbers VALUES (:key, :number)'),
                       list(_day_numbers(first, last, postgres)))
    if postgres:
        connection.execute(sa.text('ANALYZE working_day_numbers'))
        updated = connection.execute(sa.text(_POSTGRES_UPDATE)).rowcount
    else:
        updated = connection.execute(sa.text(_SQLITE_UPDATE)).rowcount
    connection.execute(sa.text('DROP TABLE working_day_numbers'))
    return updated


def _as_utc(moment: datetime | str) -> datetime:
    if isinstance(moment, str):  # SQLite, without the column's type to convert it
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day_numbers(first: datetime, last: datetime, postgres: bool):
    """(key, R) for every Oslo date (PostgreSQL) or UTC hour (SQLite) from first to last."""
    origin = datetime.combine(first.astimezone(OSLO).date() - timedelta(days=1), time(12),
                              tzinfo=OSLO)
    if postgres:
        day, end = first.astimezone(OSLO).date(), last.astimezone(OSLO).date()
        while day <= end:
            moment = datetime.combine(day, time(12), tzinfo=OSLO)
            yield {'key': day.isoformat(), 'number': working_days_between(origin, moment)}
            day += timedelta(days=1)
        return
    hour = first.replace(minute=0, second=0, microsecond=0)
    numbers: dict[date, int] = {}
    while hour <= last:
        day = hour.astimezone(OSLO).date()
        if day not in numbers:
            numbers[day] = working_days_between(origin, hour)
        yield {'key': hour.strftime('%Y-%m-%d %H'), 'number': numbers[day]}
        hour += timedelta(hours=1)


_OSLO_DAY = "to_char(timezone('Europe/Oslo', r.{}), 'YYYY-MM-DD')"
_POSTGRES_UPDATE = f"""
UPDATE reports SET acknowledge_working_days = d.acknowledge,
                   answer_working_days = d.answer
FROM (SELECT r.id, a.number - s.number AS acknowledge, e.number - s.number AS answer
      FROM reports r
      JOIN working_day_numbers s ON s.day_key = {_OSLO_DAY.format('routed_at')}
      LEFT JOIN working_day_numbers a ON a.day_key = {_OSLO_DAY.format('acknowledged_at')}
      LEFT JOIN working_day_numbers e ON e.day_key = {_OSLO_DAY.format('answered_at')}
      WHERE r.acknowledged_at IS NOT NULL OR r.answered_at IS NOT NULL) d
WHERE reports.id = d.id
"""
# Correlated lookups rather than UPDATE ... FROM, which needs SQLite 3.33 or newer.
_SQLITE_HOUR = "(SELECT number FROM working_day_numbers WHERE day_key = strftime('%Y-%m-%d %H', reports.{}))"
_SQLITE_UPDATE = f"""
UPDATE reports SET
    acknowledge_working_days = {_SQLITE_HOUR.format('acknowledged_at')} - {_SQLITE_HOUR.format('routed_at')},
    answer_working_days = {_SQLITE_HOUR.format('answered_at')} - {_SQLITE_HOUR.format('routed_at')}
WHERE routed_at IS NOT NULL AND (acknowledged_at IS NOT NULL OR answered_at IS NOT NULL)
"""
