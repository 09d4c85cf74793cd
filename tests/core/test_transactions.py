"""The HTML views' transaction boundary: one commit when the view answers, a rollback
when it raises, and a refusal answered by the view's handler after the rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.transactions import transactional
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity
from tests.factories import make_health_community


def communities() -> int:
    return db.session.scalar(select(func.count()).select_from(HealthCommunity))


def test_what_the_view_did_is_committed_when_it_answers(db_session):
    @transactional
    def view() -> str:
        make_health_community("Helsefellesskap Nord")
        return "ok"

    assert view() == "ok"
    db.session.rollback()  # nothing is left to undo: it was committed
    assert communities() == 1


def test_what_the_view_did_is_rolled_back_when_it_raises(db_session):
    @transactional
    def view() -> str:
        make_health_community("Helsefellesskap Nord")
        raise RuntimeError("fault")

    with pytest.raises(RuntimeError):
        view()
    assert communities() == 0


def test_a_refusal_is_rolled_back_then_answered_by_the_handler(db_session):
    seen: list[int] = []

    def refused(error: Exception) -> tuple[str, int]:
        seen.append(communities())  # the handler already finds the rollback done
        return str(error), 422

    @transactional(refused=refused)
    def view() -> str:
        make_health_community("Helsefellesskap Nord")
        raise ValidationFailed([("name", "Taken.")])

    assert view() == ("name: Taken.", 422)
    assert seen == [0]


def test_a_refusal_without_a_handler_goes_on_to_the_app(db_session):
    @transactional
    def view() -> str:
        make_health_community("Helsefellesskap Nord")
        raise PermissionDenied()

    with pytest.raises(PermissionDenied):
        view()
    assert communities() == 0


def test_a_refusal_kept_when_refused_is_committed_before_the_handler(db_session):
    seen: list[int] = []

    def refused(error: Exception) -> tuple[str, int]:
        seen.append(communities())
        return "again", 200

    @transactional(refused=refused, kept_when_refused=(ValidationFailed,))
    def view() -> str:
        make_health_community("Helsefellesskap Nord")  # the attempt, recorded
        raise ValidationFailed([("form", "Wrong.")])

    assert view() == ("again", 200)
    db.session.rollback()  # nothing is left to undo: it was committed
    assert seen == [1] and communities() == 1


def test_only_the_refusals_named_are_kept(db_session):
    @transactional(kept_when_refused=(ValidationFailed,))
    def view() -> str:
        make_health_community("Helsefellesskap Nord")
        raise PermissionDenied()

    with pytest.raises(PermissionDenied):
        view()
    assert communities() == 0
