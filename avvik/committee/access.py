"""Who sees the joint committee's agenda, and who acts on it.

The secretariat of a health community reads and works its agenda; a committee member
only reads it. Both see a case on the agenda through its item: the free text and the
timeline, never the patient identity (the vault stays with the two parties). Their
community is the one of the organisation their membership's unit belongs to.
"""

from __future__ import annotations

from avvik.committee.models import AgendaItem
from avvik.core.errors import PermissionDenied
from avvik.users.models import Role, User

READERS = (Role.SECRETARIAT, Role.COMMITTEE_MEMBER)


def communities_of(user: User, roles: tuple[Role, ...] = READERS) -> frozenset[int]:
    """The health communities in which ``user`` holds one of ``roles``."""
    return frozenset(m.unit.organization.health_community_id for m in user.memberships
                     if m.role in roles)


def may_read_agenda(user: User) -> bool:
    """Whether ``user`` sees an agenda at all (the menu entry, the agenda page)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_admin or bool(communities_of(user)))


def readable_communities(user: User) -> frozenset[int] | None:
    """The communities whose agenda ``user`` reads; None for every one (administrators)."""
    return None if user.is_admin else communities_of(user)


def may_read(user: User, item: AgendaItem) -> bool:
    return user.is_admin or item.health_community_id in communities_of(user)


def may_act(user: User, community_id: int) -> bool:
    """Only the community's secretariat works its agenda; members and others read."""
    return community_id in communities_of(user, (Role.SECRETARIAT,))


def require_act(user: User, community_id: int) -> None:
    if not may_act(user, community_id):
        raise PermissionDenied()
