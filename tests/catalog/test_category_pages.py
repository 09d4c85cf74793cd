"""Categories, for one phase or for every phase, through the pages."""

from __future__ import annotations

from avvik.catalog.models import Category
from avvik.extensions import db
from tests.conftest import post_form
from tests.factories import make_category, make_health_community, make_phase


def _category(community_id: int, code: str) -> Category | None:
    return db.session.execute(
        db.select(Category).filter_by(health_community_id=community_id, code=code)
    ).scalar_one_or_none()


def test_admin_creates_a_category_for_one_phase(admin_client, community):
    phase = make_phase("C", health_community=community)
    response = post_form(admin_client, f"/catalog/categories/new?community={community.id}",
                         {"code": "legemiddelliste", "name": "Legemiddelliste mangler",
                          "phase_id": str(phase.id), "sort_order": "1"})
    assert response.status_code == 302
    assert _category(community.id, "legemiddelliste").phase_id == phase.id


def test_admin_creates_a_category_for_all_phases(admin_client, community):
    make_phase("C", health_community=community)
    post_form(admin_client, f"/catalog/categories/new?community={community.id}",
              {"code": "annet", "name": "Annet", "phase_id": "", "sort_order": "99"})
    category = _category(community.id, "annet")
    assert category.phase_id is None
    listing = admin_client.get(f"/catalog/?community={community.id}").get_data(as_text=True)
    assert "All phases" in listing


def test_admin_edits_a_category_into_all_phases(admin_client, community):
    category = make_category("epikrise", phase=make_phase(health_community=community))
    response = post_form(admin_client, f"/catalog/categories/{category.id}/edit",
                         {"code": "epikrise", "name": "Epikrise mangler", "phase_id": "",
                          "sort_order": "2"})
    assert response.status_code == 302
    db.session.refresh(category)
    assert (category.name, category.phase_id, category.sort_order) == (
        "Epikrise mangler", None, 2)


def test_admin_deactivates_and_reactivates_a_category(admin_client, community):
    category = make_category("hjelpemidler", health_community=community)
    url = f"/catalog/categories/{category.id}/active"
    index = f"/catalog/?community={community.id}"
    post_form(admin_client, url, {"active": "0"}, token_from=index)
    db.session.refresh(category)
    assert not category.is_active
    post_form(admin_client, url, {"active": "1"}, token_from=index)
    db.session.refresh(category)
    assert category.is_active


def test_duplicate_category_code_is_refused_and_input_kept(admin_client, community):
    make_category("annet", health_community=community)
    response = post_form(admin_client, f"/catalog/categories/new?community={community.id}",
                         {"code": "Annet", "name": "Annet igjen", "phase_id": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="code-error"' in html and 'value="Annet igjen"' in html
    assert _category(community.id, "Annet") is None


def test_category_with_a_phase_of_another_community_is_refused(admin_client, community):
    foreign = make_phase("C", health_community=make_health_community())
    response = post_form(admin_client, f"/catalog/categories/new?community={community.id}",
                         {"code": "x", "name": "Fremmed", "phase_id": str(foreign.id)})
    assert "belongs to another health community" in response.get_data(as_text=True)
    assert _category(community.id, "x") is None


def test_sort_order_out_of_range_is_refused(admin_client, community):
    response = post_form(admin_client, f"/catalog/categories/new?community={community.id}",
                         {"code": "y", "name": "Y", "phase_id": "", "sort_order": "-5"})
    html = response.get_data(as_text=True)
    assert 'id="sort_order-error"' in html and 'value="-5"' in html
    assert _category(community.id, "y") is None
