"""Permission checks shared by every feature: administrators, and small guards for services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user

from avvik.core.errors import PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])


def is_admin(user: Any) -> bool:
    """True when ``user`` is a signed-in, active administrator (anonymous users are not)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_admin", False)
    )


def require_admin(user: Any) -> None:
    """Raise PermissionDenied unless ``user`` is an administrator (for services)."""
    if not is_admin(user):
        raise PermissionDenied()


def admin_required(view: F) -> F:
    """View decorator: only administrators may pass; anyone else signed in gets 403.

    Login itself is enforced globally (avvik.auth.login.require_login), so an anonymous
    visitor is sent to the login page before this runs. The decorator keeps attributes
    set on the view (such as ``keeps_input_on_csrf_failure``) whichever order they are
    applied in, because ``functools.wraps`` copies the wrapped function's ``__dict__``.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_admin(current_user)
        return view(*args, **kwargs)

    wrapper.admin_required = True  # type: ignore[attr-defined]  # tests check every route
    return wrapper  # type: ignore[return-value]
