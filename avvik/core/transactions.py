"""The transaction boundary of the HTML views, as ``answered_once`` is the API's.

Services change rows and flush; they never commit. A view marked ``@transactional``
commits once, after it has answered, and rolls back when it (or the commit) raises.
A refusal (``REFUSALS``: a domain error, or the database's ``StaleDataError`` when someone
else changed the row, ``IntegrityError`` when a unique index stopped a twin) is rolled
back first and then, if the view names a ``refused`` handler, answered by it: typically
the page again, its form built anew from the post so that what was typed is kept, with
the reasons. Without a handler, or when the handler raises, the app's handlers answer.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from avvik.core.errors import DomainError
from avvik.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
Refused = Callable[[Exception], ResponseReturnValue]

#: What a request may be refused with after it has started to change rows.
REFUSALS = (DomainError, StaleDataError, IntegrityError)


@overload
def transactional(view: F) -> F: ...
@overload
def transactional(*, refused: Refused | None = None,
                  kept_when_refused: tuple[type[DomainError], ...] = ()) -> Callable[[F], F]: ...


def transactional(view: F | None = None, *, refused: Refused | None = None,
                  kept_when_refused: tuple[type[DomainError], ...] = ()) -> Any:
    """Commit what ``view`` did when it returns; roll back when it raises.

    ``refused(error)`` answers a refusal (``REFUSALS``) after the rollback; without it
    the refusal goes on to the app's error handlers. A refusal of a type in
    ``kept_when_refused`` is committed instead of rolled back, before the handler: only
    for a service that must record in the database an attempt it refuses, and whose
    every write before it raises is that record. (Failed sign-ins are counted in Redis,
    which no rollback touches: avvik/auth/throttle.py.)
    """
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                response = view(*args, **kwargs)
                db.session.commit()
            except REFUSALS as error:
                if isinstance(error, kept_when_refused):
                    commit_despite_the_request()
                else:
                    db.session.rollback()
                if refused is None:
                    raise
                return refused(error)
            except BaseException:
                # The database may be gone: the error that got us here is the one to tell.
                with contextlib.suppress(SQLAlchemyError):
                    db.session.rollback()
                raise
            return response
        return wrapper  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate


def commit_despite_the_request() -> None:
    """Commit now what the request has written, whatever it goes on to do.

    The boundary's one exception, for the sign-in's own records: the login session's
    last-seen time or its end, and a refusal ``kept_when_refused``. Rolls back and
    raises when the commit fails.
    """
    try:
        db.session.commit()
    except BaseException:
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        raise
