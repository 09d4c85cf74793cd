"""Helse- og omsorgstjenesteloven § 6-2 lists points 1 to 11: no agreement may claim a
point beyond them; an agreement outside the list is a local delavtale with no point."""

from __future__ import annotations

import re

import pytest

from avvik.catalog import services
from avvik.catalog.forms import LEGAL_POINTS
from avvik.core.errors import ValidationFailed
from tests.factories import make_health_community, make_user


def test_the_choice_of_legal_point_stops_at_11(admin_client, community):
    assert sorted(LEGAL_POINTS) == list(range(1, 12))
    html = admin_client.get(f"/catalog/agreements/new?community={community.id}"
                            ).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="legal_point"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    values = re.findall(r'<option[^>]*value="([^"]*)"', select.group(1))
    assert values == ["", *map(str, range(1, 12))]


@pytest.mark.parametrize("point", [12, 13])
def test_a_point_beyond_11_is_refused_and_the_message_says_where_the_list_ends(
        db_session, point):
    admin = make_user(is_admin=True)
    with pytest.raises(ValidationFailed) as caught:
        services.create_agreement(admin, make_health_community(), number=str(point),
                                  title="Felles planlegging", legal_point=point)
    [(field, message)] = caught.value.errors
    assert field == "legal_point" and "1 to 11" in message


def test_a_local_delavtale_has_no_point(db_session):
    admin = make_user(is_admin=True)
    agreement = services.create_agreement(
        admin, make_health_community(), number="L1",
        title="Lokal delavtale: Felles planlegging og utvikling av tjenestene",
        legal_point=None)
    assert agreement.legal_point is None
