"""Registering discharges per unit and month: the form, pasted lines, and who may."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.timeutil import OSLO
from avvik.discharges.models import DischargeCount
from avvik.discharges.services import DischargeInput, import_discharges, register_discharges
from avvik.extensions import db
from avvik.users.models import Role
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD, make_user

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=OSLO)


def _figures() -> dict[tuple[int, str], int]:
    return {(r.unit_id, f"{r.month:%Y-%m}"): r.count
            for r in db.session.scalars(select(DischargeCount))}


def _browser(app, user):
    db.session.flush()
    client = new_browser(app)
    assert login(client, user.username, DEFAULT_PASSWORD).status_code == 302
    return client


def test_a_leader_registers_a_month_and_registering_again_replaces_it(world):
    register_discharges(world.ward_leader, DischargeInput(world.ward.id, date(2026, 3, 1), 120),
                        now=NOW)
    register_discharges(world.ward_leader, DischargeInput(world.ward.id, date(2026, 3, 1), 118),
                        now=NOW)
    assert _figures() == {(world.ward.id, "2026-03"): 118}


def test_only_the_units_leader_its_quality_advisers_and_administrators_may(world):
    entry = DischargeInput(world.ward.id, date(2026, 3, 1), 10)
    for user in (world.ward_handler, world.kommune_leader, world.reporter):
        with pytest.raises(PermissionDenied):
            register_discharges(user, entry, now=NOW)
    adviser = make_user("hkv", roles=[(Role.QUALITY_ADVISER, world.clinic.parent)])
    register_discharges(adviser, entry, now=NOW)  # the ward is of the adviser's trust
    register_discharges(world.admin, entry, now=NOW)


def test_a_future_month_and_a_negative_count_are_refused_with_their_fields(world):
    with pytest.raises(ValidationFailed) as refused:
        register_discharges(world.ward_leader,
                            DischargeInput(world.ward.id, date(2026, 12, 1), -1), now=NOW)
    assert {field for field, _ in refused.value.errors} == {"month", "count"}


def test_pasted_lines_are_all_registered_or_none(world):
    text = f"enhet;måned;utskrivninger\n{world.ward.id};2026-01;100\n{world.ward.id};2026-02;95\n"
    assert import_discharges(world.ward_leader, text, now=NOW) == 2
    bad = f"{world.ward.id},2026-03,90\n{world.ward.id},mars,80\n{world.home_care.id},2026-03,5\n"
    with pytest.raises(ValidationFailed) as refused:
        import_discharges(world.ward_leader, bad, now=NOW)
    reasons = [reason for _f, reason in refused.value.errors]
    assert reasons == ["Line 2: the month must be written YYYY-MM."]
    assert _figures() == {(world.ward.id, "2026-01"): 100, (world.ward.id, "2026-02"): 95}
    with pytest.raises(ValidationFailed) as refused:
        import_discharges(world.ward_leader, f"{world.home_care.id};2026-03;5", now=NOW)
    assert "may not register" in refused.value.errors[0][1]
    assert (world.home_care.id, "2026-03") not in _figures()


def test_the_page_registers_a_month_and_keeps_the_input_of_a_refused_one(app, world):
    browser = _browser(app, world.ward_leader)
    page = browser.get("/discharges/").get_data(as_text=True)
    assert "Medisinsk sengepost" in page and "Hjemmetjenesten" not in page
    done = post_form(browser, "/discharges/", {"unit_id": world.ward.id, "month": "2026-04",
                                                "count": "87"})
    assert done.status_code == 302
    assert _figures() == {(world.ward.id, "2026-04"): 87}
    refused = post_form(browser, "/discharges/", {"unit_id": world.ward.id,
                                                   "month": "april", "count": "87x"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Write the month as YYYY-MM." in html and 'value="april"' in html
    assert 'value="87x"' in html


def test_pasted_lines_that_are_refused_stay_in_the_box(app, world):
    browser = _browser(app, world.ward_leader)
    lines = f"{world.ward.id};2026-05;x"
    refused = post_form(browser, "/discharges/lines", {"lines": lines},
                        token_from="/discharges/")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Line 1:" in html and lines in html
    assert _figures() == {}


def test_a_handler_has_no_discharge_page(app, world):
    assert _browser(app, world.ward_handler).get("/discharges/").status_code == 403
