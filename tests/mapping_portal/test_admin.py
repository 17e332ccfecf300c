"""The Django admin: administrators manage users, roles and reference data; history is kept."""

import pytest
from django.utils import translation

from mapping_portal.models import PilotSite, Settlement, ThematicArea, User


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/mapping_portal/user/",
        "/admin/mapping_portal/user/add/",
        "/admin/mapping_portal/pilotsite/",
        "/admin/mapping_portal/thematicarea/",
    ],
)
def test_admin_pages_open_for_an_administrator(client_for, admin, url):
    assert client_for(admin).get(url).status_code == 200


def test_change_pages_and_history_open(client_for, admin, sites):
    client = client_for(admin)
    site = sites["kerben"]
    area = ThematicArea.objects.first()
    for url in [
        f"/admin/mapping_portal/pilotsite/{site.pk}/change/",
        f"/admin/mapping_portal/pilotsite/{site.pk}/history/",
        f"/admin/mapping_portal/thematicarea/{area.pk}/change/",
        f"/admin/mapping_portal/user/{admin.pk}/change/",
    ]:
        assert client.get(url).status_code == 200, url


def test_an_administrator_creates_a_local_authority_for_one_site(client_for, admin, sites):
    response = client_for(admin).post(
        "/admin/mapping_portal/user/add/",
        {
            "username": "la-kyshtut-2",
            "password1": "Ayil-okmotu-2026!",
            "password2": "Ayil-okmotu-2026!",
            "usable_password": "true",
            "role": "local_authority",
            "sites": [sites["kyshtut"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="la-kyshtut-2")
    assert (user.role, user.is_staff, list(user.sites.values_list("slug", flat=True))) == (
        "local_authority",
        False,
        ["kyshtut"],
    )


def test_role_decides_django_flags(sites):
    user = User.objects.create_user("promoted", role="staff")
    assert not user.is_staff and not user.is_superuser
    user.role = "admin"
    user.save()
    assert user.is_staff and user.is_superuser
    assert User.objects.create_superuser("root", password="x").role == "admin"


def test_an_invalid_settlement_point_is_refused_by_the_model(sites):
    from django.core.exceptions import ValidationError

    settlement = Settlement(site=sites["kerben"], name_ru="Тест", lat=55.75, lon=37.62)
    with translation.override("en"), pytest.raises(ValidationError, match="not in Kyrgyzstan"):
        settlement.full_clean()


def test_changes_to_reference_data_keep_a_history(sites):
    site = PilotSite.objects.get(slug="akturpak")
    site.name_ky = "Ак-Турпак айыл аймагы"
    site.save()
    assert [h.name_ky for h in site.history.all()[:2]] == ["Ак-Турпак айыл аймагы", "Актурпак айыл аймагы"]
