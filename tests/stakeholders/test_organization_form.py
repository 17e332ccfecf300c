"""Entering an organization: its place, its logo, consent, a second editor, and every kind of bad input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stakeholders.models import Organization, OrganizationType
from tests.helpers import url


def form_data(registry, **changes):
    kyshtut = registry["kyshtut"]
    data = {
        "name_ky": "Таян аялдар кеңеши",
        "name_ru": "Женсовет села Таян",
        "acronym": "",
        "type": OrganizationType.objects.get(code="womens-organization").pk,
        "site": kyshtut.pk,
        "settlement": kyshtut.settlements.get(soate_code="41705214835010").pk,
        "address": "",
        "lat": "40.0412",
        "lon": "70.6004",
        "registration_status": "informal",
        "registration_number": "",
        "year_founded": "2019",
        "women_led": "on",
        "board_women": "5",
        "board_men": "2",
        "board_youth": "3",
        "public_listing_consent": "on",
        "consent_given_by": "Айгүл Токтосунова, төрага",
        "needs_validation": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def image_upload(name="logo.jpg", size=(300, 200), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_staff_adds_an_organization_with_its_point_and_consent(client_for, staff, registry):
    response = client_for(staff).post(url("stakeholders:organization-create"), form_data(registry))
    organization = Organization.objects.get(name_ky="Таян аялдар кеңеши")
    assert response.status_code == 302
    assert response["Location"] == url("stakeholders:organization-detail", organization.pk)
    assert (organization.lat, organization.lon, organization.site.slug) == (40.0412, 70.6004, "kyshtut")
    assert organization.created_by == staff
    assert organization.consent_recorded_by == staff and organization.consent_recorded_at is not None
    assert organization.history.first().history_user == staff


def test_withdrawing_consent_clears_who_and_when(client_for, staff, registry):
    client = client_for(staff)
    client.post(url("stakeholders:organization-create"), form_data(registry))
    organization = Organization.objects.get()
    client.post(
        url("stakeholders:organization-edit", organization.pk),
        form_data(registry, public_listing_consent=None, version="1"),
    )
    organization.refresh_from_db()
    assert not organization.public_listing_consent
    assert organization.consent_recorded_at is None and organization.consent_recorded_by is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name_ky": "", "name_ru": ""}, "name_ky", "Give the name in Kyrgyz, in Russian, or both."),
        ({"lat": "70.6004", "lon": "40.0412"}, "lat", "is not in Kyrgyzstan"),
        ({"lat": "40.04", "lon": ""}, "lat", "Give both latitude and longitude, or neither."),
        ({"lat": "north", "lon": "70.6"}, "lat", "Enter a number."),
        ({"board_youth": "9"}, "board_youth", "more young members than members of the governing body"),
        ({"year_founded": "2999"}, "year_founded", "less than or equal to 2100"),
        ({"year_founded": "2090"}, "year_founded", "cannot be in the future"),
        ({"type": "999999"}, "type", "Select a valid choice"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client_for, staff, registry, changes, field, message):
    response = client_for(staff).post(url("stakeholders:organization-create"), form_data(registry, **changes))
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Organization.objects.exists()


def test_a_settlement_of_another_site_is_refused_even_within_scope(client_for, staff, registry):
    data = form_data(registry, settlement=registry["kerben"].settlements.first().pk)
    response = client_for(staff).post(url("stakeholders:organization-create"), data)
    assert "This settlement is not in the chosen pilot site." in response.context["form"].errors["settlement"]


def test_a_local_authority_cannot_post_an_organization(client_for, la_kyshtut, registry):
    assert client_for(la_kyshtut).post(url("stakeholders:organization-create"), form_data(registry)).status_code == 403
    assert not Organization.objects.exists()


def test_staff_of_one_site_cannot_create_in_another(client_for, registry):
    from tests.conftest import make_user

    officer = make_user("officer-kerben", "staff", ["kerben"])
    response = client_for(officer).post(url("stakeholders:organization-create"), form_data(registry))
    assert "site" in response.context["form"].errors
    assert not Organization.objects.exists()


def test_a_logo_is_re_encoded_with_a_thumbnail_and_served_through_the_access_check(
    client_for, client, staff, registry, media_root
):
    response = client_for(staff).post(
        url("stakeholders:organization-create"), form_data(registry) | {"logo": image_upload()}
    )
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.logo.name.startswith("logos/") and organization.logo_thumbnail.name.startswith("logos/")
    assert client.get(f"/media/{organization.logo_thumbnail.name}").status_code == 200  # staff, consented anyway
    client.logout()
    organization.public_listing_consent = False
    organization.save()
    assert client.get(f"/media/{organization.logo.name}").status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"just some text, not a picture", content_type="image/png"), "not an image"),
        (SimpleUploadedFile("logo.jpg", image_upload().read()[:400], content_type="image/jpeg"), "damaged"),
        (
            SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"),
            "not an image",
        ),
    ],
)
def test_a_bad_logo_is_a_form_error(client_for, staff, registry, media_root, upload, message):
    response = client_for(staff).post(url("stakeholders:organization-create"), form_data(registry) | {"logo": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["logo"])
    assert not Organization.objects.exists()


def test_an_oversized_image_is_a_form_error(client_for, staff, registry, media_root):
    huge = image_upload("huge.png", size=(6000, 5000), fmt="PNG")
    response = client_for(staff).post(url("stakeholders:organization-create"), form_data(registry) | {"logo": huge})
    assert "too many pixels" in " ".join(response.context["form"].errors["logo"])


def test_the_second_of_two_editors_is_told_and_loses_nothing(client_for, staff, admin, registry):
    client_for(staff).post(url("stakeholders:organization-create"), form_data(registry))
    organization = Organization.objects.get()
    # Both open the form on version 1; the admin saves first.
    client_for(admin).post(
        url("stakeholders:organization-edit", organization.pk),
        form_data(registry, address="Борбор көчө, 1", version="1"),
    )
    response = client_for(staff).post(
        url("stakeholders:organization-edit", organization.pk),
        form_data(registry, description="Жаңы сүрөттөмө", version="1"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Someone else saved this record" in " ".join(form.non_field_errors())
    assert "address" in " ".join(form.non_field_errors()).lower()
    assert 'value="2"' in response.content.decode().split('name="version"')[1][:30]
    assert "Жаңы сүрөттөмө" in response.content.decode()  # the staff member's input is still there
    organization.refresh_from_db()
    assert (organization.address, organization.description, organization.version) == ("Борбор көчө, 1", "", 2)
    # Saving again, now knowingly on version 2, goes through.
    client_for(staff).post(
        url("stakeholders:organization-edit", organization.pk),
        form_data(registry, address="Борбор көчө, 1", description="Жаңы сүрөттөмө", version="2"),
    )
    organization.refresh_from_db()
    assert (organization.description, organization.version) == ("Жаңы сүрөттөмө", 3)


def test_deactivating_keeps_the_record_and_hides_it_from_the_public(client_for, client, staff, make_organization):
    organization = make_organization(public_listing_consent=True)
    client_for(staff).post(url("stakeholders:organization-set-active", organization.pk), {"active": "false"})
    organization.refresh_from_db()
    assert not organization.is_active
    client.logout()
    assert client.get(url("stakeholders:organization-detail", organization.pk)).status_code == 404
    assert Organization.objects.filter(pk=organization.pk).exists()
