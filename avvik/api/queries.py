"""Read side of API tokens."""

from __future__ import annotations

from collections.abc import Sequence

from avvik.api.models import ApiToken
from avvik.core.ids import MAX_ROW_ID
from avvik.extensions import db
from avvik.users.models import Role, User

#: The roles that set up integrations, and so are offered personal API tokens: the
#: coordinators (the organisation's quality system, its cases to and from the others), the
#: quality advisers and the secretariat (figures and exports for their reports).
#: Clinicians file and answer cases in the pages; administrators have them too.
TOKEN_ROLES = (Role.COORDINATOR, Role.QUALITY_ADVISER, Role.SECRETARIAT)

#: Larger ids in URLs or bodies are refused up front (see avvik.core.ids).
MAX_ID = MAX_ROW_ID


def offers_api_tokens(user: User) -> bool:
    """Whether the profile offers ``user`` API tokens and the token page is theirs. A token
    an operator makes with ``avvik create-token`` (an integration's own account) works
    whatever the roles."""
    return bool(user.is_admin or user.has_role(*TOKEN_ROLES))


def shows_api_tokens(user: User) -> bool:
    """Whether the user has a token page: offered tokens, or holding an unrevoked one (an
    operator's, made for someone without such a role), which they must see and can revoke.
    """
    return offers_api_tokens(user) or db.session.scalar(
        db.select(ApiToken.id).filter_by(user_id=user.id, revoked_at=None).limit(1)
    ) is not None


def tokens_of(user: User) -> Sequence[ApiToken]:
    """The user's tokens, active first, newest first."""
    return db.session.scalars(
        db.select(ApiToken).filter_by(user_id=user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                  ApiToken.id.desc())
    ).all()


def token_of(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens; someone else's is as good as missing."""
    if not 0 < token_id <= MAX_ID:
        return None
    return db.session.execute(
        db.select(ApiToken).filter_by(id=token_id, user_id=user.id)
    ).scalar_one_or_none()
