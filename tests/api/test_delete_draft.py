"""``DELETE /api/v1/reports/<id>``: the reporter's own draft, and nothing else."""

from __future__ import annotations

from avvik.extensions import db
from avvik.reports.models import Report
from tests.api.conftest import bearer, case_in


def test_the_reporter_deletes_a_draft(client, world, reporter_auth):
    report_id = case_in(world, "draft").id
    response = client.delete(f"/api/v1/reports/{report_id}", headers=reporter_auth)
    assert response.status_code == 204 and response.get_data() == b""
    db.session.expire_all()
    assert db.session.get(Report, report_id) is None
    again = client.delete(f"/api/v1/reports/{report_id}", headers=reporter_auth)
    assert again.status_code == 404


def test_a_sent_report_is_withdrawn_not_deleted(client, world, reporter_auth):
    report = case_in(world, "submitted")
    response = client.delete(f"/api/v1/reports/{report.id}", headers=reporter_auth)
    assert response.status_code == 409
    assert "Only a draft can be deleted." in response.get_json()["detail"]
    db.session.expire_all()
    assert db.session.get(Report, report.id) is not None


def test_someone_elses_draft_is_not_found(client, world):
    report = case_in(world, "draft")
    response = client.delete(f"/api/v1/reports/{report.id}",
                             headers=bearer(world.kommune_leader))
    assert response.status_code == 404
    assert db.session.get(Report, report.id) is not None


def test_a_draft_is_not_withdrawn_through_the_api(client, world, reporter_auth):
    report = case_in(world, "draft")
    response = client.post(f"/api/v1/reports/{report.id}/withdraw", headers=reporter_auth)
    assert response.status_code == 409
