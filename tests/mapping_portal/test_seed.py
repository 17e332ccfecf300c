"""manage.py seed_demo: reference data always, demo users only in development, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from mapping_portal.models import PilotSite, Settlement, ThematicArea, User


def counts():
    from stakeholders.models import Organization, OrganizationType, Person

    return (
        PilotSite.objects.count(),
        Settlement.objects.count(),
        ThematicArea.objects.count(),
        User.objects.count(),
        OrganizationType.objects.count(),
        Organization.objects.count(),
        Person.objects.count(),
    )


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seeding_twice_gives_the_same_counts(settings):
    settings.DEBUG = True
    seed()
    first = counts()
    seed()
    assert counts() == first == (3, 27, 5, 8, 15, 83, 96)


@pytest.mark.django_db
def test_demo_users_have_their_roles_and_sites(settings):
    settings.DEBUG = True
    output = seed()
    la = User.objects.get(username="la-kyshtut")
    assert la.role == "local_authority"
    assert list(la.sites.values_list("slug", flat=True)) == ["kyshtut"]
    assert User.objects.get(username="admin").is_superuser
    assert la.check_password("demo")
    assert "la-kerben" in output and "'demo'" in output


@pytest.mark.django_db
def test_demo_password_comes_from_the_environment(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "field-visit-2026")
    output = seed()
    assert User.objects.get(username="staff").check_password("field-visit-2026")
    assert "field-visit-2026" not in output


@pytest.mark.django_db
def test_no_demo_users_in_production_unless_asked(settings):
    settings.DEBUG = False
    output = seed()
    assert User.objects.count() == 0
    assert PilotSite.objects.count() == 3
    assert counts()[4:] == (15, 0, 0)  # reference lists yes, demo records no
    assert "--demo-users" in output
    seed("--demo-users")
    assert User.objects.count() == 8  # one per role, and a local authority per site


@pytest.mark.django_db
def test_reseeding_keeps_an_administrators_corrections(settings):
    seed()
    kyshtut = PilotSite.objects.get(slug="kyshtut")
    kyshtut.set_centre(40.0412, 70.6004, "exact", "ayil okmotu building")
    kyshtut.name_ky = "Кыштут айыл аймагы (оңдолгон)"
    kyshtut.save()
    seed()
    kyshtut.refresh_from_db()
    assert (kyshtut.centre_lat, kyshtut.centre_lon, kyshtut.centre_precision) == (40.0412, 70.6004, "exact")
    assert kyshtut.name_ky.endswith("(оңдолгон)")


@pytest.mark.django_db
def test_the_real_geography_is_loaded(settings):
    seed()
    kerben = PilotSite.objects.get(slug="kerben")
    assert (kerben.soate_code, kerben.kind, kerben.district_en) == ("41703211610010", "town", "Aksy District")
    assert PilotSite.objects.get(slug="akturpak").settlements.count() == 15
    assert ThematicArea.objects.get(code="gbv-prevention").sensitive
    assert not ThematicArea.objects.filter(sensitive=True).exclude(code="gbv-prevention").exists()


@pytest.mark.django_db
def test_demo_organizations_cover_every_site_and_the_sensitive_case(settings):
    from stakeholders.models import Organization

    settings.DEBUG = True
    seed()
    assert set(Organization.objects.values_list("site__slug", flat=True)) == {"akturpak", "kyshtut", "kerben"}
    public = Organization.objects.public()
    assert public.exists() and Organization.objects.exclude(pk__in=public).exists()
    hidden_sensitive = Organization.objects.filter(
        public_listing_consent=True, thematic_areas__sensitive=True, consent_covers_sensitive=False
    )
    assert hidden_sensitive.exists() and not public.filter(pk__in=hidden_sensitive).exists()
