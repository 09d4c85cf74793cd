"""The catalog's start page: four lists for one health community at a time."""

from __future__ import annotations

from tests.factories import (
    make_agreement,
    make_category,
    make_health_community,
    make_phase,
    make_transition,
)


def test_index_shows_the_four_lists_of_the_only_community(admin_client, community):
    phase = make_phase("C", name="Utskrivning", health_community=community)
    make_agreement("5a", title="Utskrivningsklare pasienter", health_community=community)
    make_transition("C1", name="Epikrise", phase=phase)
    make_category("annet", name="Annet", health_community=community)
    html = admin_client.get("/catalog/").get_data(as_text=True)
    for text in ("Utskrivningsklare pasienter", "Utskrivning", "Epikrise", "Annet",
                 'id="agreements"', 'id="phases"', 'id="transitions"', 'id="categories"'):
        assert text in html
    assert 'name="community"' not in html  # one community: nothing to filter


def test_index_filters_by_health_community(admin_client, community):
    other = make_health_community("Helsefellesskap Nordvik")
    make_agreement("1", title="Fjordbys avtale", health_community=community)
    make_agreement("1", title="Nordviks avtale", health_community=other)
    html = admin_client.get(f"/catalog/?community={other.id}").get_data(as_text=True)
    assert 'name="community"' in html
    assert "Nordviks avtale" in html and "Fjordbys avtale" not in html
    assert f"/catalog/agreements/new?community={other.id}" in html


def test_inactive_entries_are_greyed_and_tagged(admin_client, community):
    make_agreement("9", title="Gammel IKT-avtale", health_community=community,
                   is_active=False)
    html = admin_client.get("/catalog/").get_data(as_text=True)
    row = html[html.index("Gammel IKT-avtale") - 200:html.index("Gammel IKT-avtale") + 200]
    assert 'class="muted"' in row and 'class="ds-tag"' in row and "Inactive" in row


def test_index_without_communities_points_to_organisations(admin_client):
    html = admin_client.get("/catalog/").get_data(as_text=True)
    assert "There is no health community yet" in html
