"""Writing a new row with one INSERT and keeping its object as if it had been loaded.

The unit of work of an ORM flush (sorting mappers, cascades, history of every
attribute) cost more than the INSERT it issues: on the hot path of a new report it was
a third of the request's CPU. ``insert_loaded`` writes a transient object's row with a
plain INSERT ... RETURNING id and makes the object persistent in the session without
any further SQL, attributes and relationships as they were set.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from sqlalchemy import Insert, Table, insert, inspect
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.interfaces import MANYTOONE

from avvik.extensions import db

T = TypeVar("T")


def insert_row(instance: object) -> int:
    """INSERT the row of a transient object (not yet in any session); returns its id.

    Every column gets what the object holds, else the column's default, which is set on
    the object too (so reading it needs no query). A many-to-one relationship set to an
    object gives its foreign key, as a flush would.
    """
    state = inspect(instance)
    if state.session_id or state.key:
        raise ValueError(f"{instance!r} is not transient")
    mapper = state.mapper
    values = dict(_foreign_keys_of_related(mapper, state.dict))
    for attribute, column in _columns(mapper):
        if attribute in state.dict:
            values[column] = state.dict[attribute]
        elif column in values:
            setattr(instance, attribute, values[column])
        elif column != _primary_key(mapper):
            value = _default(mapper.local_table, column)
            setattr(instance, attribute, value)
            values[column] = value
    values.pop(_primary_key(mapper), None)
    # A Core statement on the session's connection: nothing for the ORM's layer to do.
    new_id = db.session.connection().execute(_insert(mapper.local_table), values).scalar_one()
    setattr(instance, _primary_key_attribute(mapper), new_id)
    return new_id


def keep_as_loaded(*instances: object) -> None:
    """Make objects whose rows ``insert_row`` wrote persistent in the session, as if
    loaded: their attributes count as the committed state, so no flush writes them.
    Give the objects that others refer to last (a report after its timeline)."""
    for instance in instances:
        make_transient_to_detached(instance)
    for instance in instances:
        db.session.add(instance)


@functools.cache
def _columns(mapper: Mapper[Any]) -> tuple[tuple[str, str], ...]:
    # (attribute name, column name) of every column the mapper maps.
    return tuple((prop.key, prop.columns[0].key) for prop in mapper.column_attrs
                 if prop.columns[0].table is mapper.local_table)


@functools.cache
def _many_to_one(mapper: Mapper[Any]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    # (relationship, ((local column, remote attribute), ...)) for each many-to-one.
    return tuple(
        (rel.key, tuple((local.key, rel.mapper.get_property_by_column(remote).key)
                        for local, remote in rel.local_remote_pairs))
        for rel in mapper.relationships if rel.direction is MANYTOONE)


def _foreign_keys_of_related(mapper: Mapper[Any], loaded: dict[str, Any]
                             ) -> list[tuple[str, Any]]:
    pairs = []
    for key, columns in _many_to_one(mapper):
        related = loaded.get(key)
        if related is None:
            continue
        for local, remote in columns:
            value = getattr(related, remote)
            if value is None:  # a flush would write it first; here, say so
                raise ValueError(f"{key}: {related!r} is not written yet")
            pairs.append((local, value))
    return pairs


def _default(table: Table, column: str) -> Any:
    default = table.c[column].default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps a plain callable to take a context
    if default.is_scalar:
        return default.arg
    raise ValueError(f"{table.name}.{column}: no Python-side default to write")


@functools.cache
def _primary_key(mapper: Mapper[Any]) -> str:
    (column,) = mapper.local_table.primary_key.columns
    return column.key


@functools.cache
def _primary_key_attribute(mapper: Mapper[Any]) -> str:
    return mapper.get_property_by_column(mapper.local_table.c[_primary_key(mapper)]).key


@functools.cache
def _insert(table: Table) -> Insert:
    # Built once per table: building it costs about as much as running it.
    return insert(table).returning(table.c[next(iter(table.primary_key.columns)).key])
