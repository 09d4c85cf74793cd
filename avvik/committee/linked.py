"""The reports of the same event as an agenda item's case (avvik/reports/links.py), as
the committee sees them.

The committee reads the cases on its agenda, and no other: a linked case that is on the
agenda too (an item the viewer may read) is named, with a link to its item; any other
linked case is shown only as existing. A link never widens what the committee reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from avvik.committee import access
from avvik.committee.models import AgendaItem
from avvik.extensions import db
from avvik.reports.links import live_links
from avvik.users.models import User


@dataclass(frozen=True)
class LinkedItem:
    #: The linked case's number and its latest agenda item, or None for both when the
    #: viewer may not read it.
    case_number: str | None
    item_id: int | None


def linked_items(item: AgendaItem, viewer: User) -> list[LinkedItem]:
    """The cases linked to the item's case now, each as far as ``viewer`` may read it."""
    found = []
    for link in live_links(item.report):
        other = link.other(item.report)
        other_item = db.session.scalars(select(AgendaItem).where(
            AgendaItem.report_id == other.id).order_by(AgendaItem.id.desc())).first()
        readable = other_item is not None and access.may_read(viewer, other_item)
        found.append(LinkedItem(other.case_number if readable else None,
                                other_item.id if readable and other_item else None))
    return found
