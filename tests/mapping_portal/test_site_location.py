"""An admin places a pilot site's centre on the map; bad coordinates get a clear message and change nothing."""

import pytest

from mapping_portal.models import PilotSite
from tests.helpers import url


def post_location(client, language="en", **data):
    payload = {"centre_lat": "", "centre_lon": "", "centre_precision": "exact", "centre_note": ""} | data
    return client.post(url("site-location", "kyshtut", language=language), payload)


def test_admin_sets_an_exact_centre(client_for, admin):
    response = post_location(client_for(admin), centre_lat="40.0412", centre_lon="70.6004", centre_note="ayil okmotu")
    assert response.status_code == 302
    assert response["Location"] == "/en/sites/kyshtut/"
    site = PilotSite.objects.get(slug="kyshtut")
    assert (site.centre_lat, site.centre_lon, site.centre_precision, site.centre_note) == (
        40.0412,
        70.6004,
        "exact",
        "ayil okmotu",
    )
    assert site.history.first().history_user == admin


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"centre_lat": "70.6004", "centre_lon": "40.0412"}, "is not in Kyrgyzstan"),
        ({"centre_lat": "51.5", "centre_lon": "-0.12"}, "is not in Kyrgyzstan"),
        ({"centre_lat": "forty", "centre_lon": "70.6"}, "Enter a number."),
        ({"centre_lat": "", "centre_lon": "70.6"}, "This field is required."),
        ({"centre_lat": "95", "centre_lon": "70.6"}, "less than or equal to 90"),
        ({"centre_lat": "40.04", "centre_lon": "70.6", "centre_precision": "somewhere"}, "Select a valid choice"),
    ],
)
def test_bad_coordinates_are_refused_with_a_message(client_for, admin, data, message):
    before = PilotSite.objects.values().get(slug="kyshtut")
    response = post_location(client_for(admin), **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PilotSite.objects.values().get(slug="kyshtut") == before


def test_staff_cannot_move_a_site(client_for, staff):
    response = post_location(client_for(staff), centre_lat="40.0", centre_lon="70.6")
    assert response.status_code == 403
    assert PilotSite.objects.get(slug="kyshtut").centre_precision == "district_seat"


def test_database_refuses_half_a_point(sites):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PilotSite.objects.filter(slug="kerben").update(centre_lat=None)


def test_the_message_is_in_the_page_language(client_for, admin):
    response = post_location(client_for(admin), language="ky", centre_lat="70.6004", centre_lon="40.0412")
    assert "Кыргызстандын аймагында эмес" in response.content.decode()
