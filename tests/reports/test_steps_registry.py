"""The case page offers a step exactly when its service would accept it: every step, in
every status, for everyone in the small world (tests/reports/world.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from avvik.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.presenting import viewer_for
from avvik.reports.services import (
    acknowledge_report,
    add_comment,
    answer_report,
    create_draft,
    mark_answer_delivered,
    reopen_report,
    submit_report,
    withdraw_report,
)
from avvik.reports.services.handling import close_report
from avvik.reports.steps import STEPS
from avvik.reports.workflow import ALLOWED_FROM, Step
from avvik.routing.services import route_report
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD
from tests.reports.world import World

ROLES = ("reporter", "kommune_leader", "kommune_coordinator", "ward_handler", "ward_leader",
         "clinic_leader", "hospital_coordinator", "other_ward_handler", "outsider", "admin")


def _routed(w: World, r: Report) -> None:
    submit_report(w.reporter, r)
    assert route_report(r)


def _answered(w: World, r: Report) -> None:
    _routed(w, r)
    answer_report(w.ward_handler, r, "Rutinesvikt.", "Ny sjekkliste.")


def _delivered(w: World, r: Report) -> None:
    _answered(w, r)
    assert mark_answer_delivered(r)


def _awaiting_approval(w: World, r: Report) -> None:
    w.kommune.is_approval_required = True
    submit_report(w.reporter, r)
    w.kommune.is_approval_required = False


def _reopened_and_answered_again(w: World, r: Report) -> None:
    _delivered(w, r)
    reopen_report(w.reporter, r, "Svaret forklarer ikke hva som skjedde.")
    assert route_report(r)
    _delivered_again(w, r)


def _delivered_again(w: World, r: Report) -> None:
    answer_report(w.ward_handler, r, "Ny gjennomgang.", "Opplæring.")
    assert mark_answer_delivered(r)


#: Every status a case can stand in, and the answered ones with and without the answer
#: delivered, and after the one reopening the reporting side has.
SITUATIONS: dict[str, Callable[[World, Report], None]] = {
    "draft": lambda w, r: None,
    "awaiting_approval": _awaiting_approval,
    "submitted": lambda w, r: submit_report(w.reporter, r),
    "routed": _routed,
    "acknowledged": lambda w, r: (_routed(w, r), acknowledge_report(w.ward_handler, r)),
    "answered": _answered,
    "delivered": _delivered,
    "closed": lambda w, r: (_delivered(w, r), close_report(w.reporter, r)),
    "reopened_once": _reopened_and_answered_again,
    "withdrawn": lambda w, r: (submit_report(w.reporter, r), withdraw_report(w.reporter, r)),
    "commented": lambda w, r: (_routed(w, r), add_comment(w.reporter, r, "Et spørsmål.")),
}


def case_in(world: World, situation: str) -> Report:
    report = create_draft(world.reporter, world.report_input())
    SITUATIONS[situation](world, report)
    db.session.flush()
    return report


def accepted(world: World, user_role: str, report: Report, name: str) -> bool:
    """Whether the step's service takes the step, tried in a savepoint rolled back."""
    values = {"cause": "Årsak.", "measures": "Tiltak.", "reason": "Begrunnelse.",
              "text": "Kommentar.", "unit_id": world.other_ward.id}
    savepoint = db.session.begin_nested()
    try:
        STEPS[name].run(getattr(world, user_role), report, values)
        db.session.flush()
        return True
    except (IllegalTransition, PermissionDenied):
        return False
    except ValidationFailed:
        # The guard let the step through and only the typed values were refused: linking
        # names another case, which the values here do not (tests/reports/test_links.py).
        return True
    finally:
        savepoint.rollback()
        db.session.expire_all()


def test_every_workflow_step_of_a_case_page_is_in_the_registry():
    assert {s.step for s in STEPS.values()} == set(ALLOWED_FROM) - {Step.SUBMIT, Step.ROUTE}


def test_the_situations_cover_every_status(world):
    assert {case_in(world, s).status for s in SITUATIONS} == set(ReportStatus)


@pytest.mark.parametrize("situation", SITUATIONS)
def test_a_step_is_offered_exactly_when_its_service_accepts_it(world, situation):
    report = case_in(world, situation)
    wrong = []
    for role in ROLES:
        offered = viewer_for(getattr(world, role), report).steps
        for name in STEPS:
            if (name in offered) != accepted(world, role, report, name):
                wrong.append(f"{role} {name}: {'offered' if name in offered else 'hidden'}, "
                             f"but the service {'refuses' if name in offered else 'accepts'}")
    assert not wrong, f"{situation}:\n" + "\n".join(wrong)


STEP_FORM = re.compile(r'action="/reports/\d+/([a-z_]+)"')


@pytest.mark.parametrize("situation", ["draft", "awaiting_approval", "routed", "delivered"])
def test_the_case_page_shows_the_buttons_of_the_offered_steps(app, world, situation):
    report = case_in(world, situation)
    for role in ("reporter", "kommune_leader", "ward_handler", "hospital_coordinator"):
        user = getattr(world, role)
        browser = new_browser(app)
        assert login(browser, user.username, DEFAULT_PASSWORD).status_code == 302
        html = browser.get(f"/reports/{report.id}").get_data(as_text=True)
        shown = set(STEP_FORM.findall(html)) - {"identity"}
        assert shown == set(viewer_for(user, report).steps), role


def test_a_draft_is_deleted_by_its_reporter_alone_and_never_withdrawn(world):
    # Withdrawing a draft broke ck_reports_submitted_reports_complete (no case number).
    report = case_in(world, "draft")
    assert [role for role in ROLES if STEPS["delete_draft"].may(getattr(world, role), report)
            ] == ["reporter"]
    assert not any(STEPS["withdraw"].may(getattr(world, role), report) for role in ROLES)
    assert not STEPS["delete_draft"].may(world.reporter, case_in(world, "submitted"))
