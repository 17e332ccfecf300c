"""The searchable record picker (mapping_portal.widgets) and its search (stakeholders.views.pickers).

The pages render only the chosen records, whatever the size of the registry; the search answers a few
records of the user's scope in any script; validation still refuses what the user may not choose.
"""

from urllib.parse import urlencode

import pytest
from django.utils import translation

from dialogues.forms import EventForm
from dialogues.models import DialoguePlatform, Event
from stakeholders.models import Organization
from stakeholders.views.pickers import PICKER_LIMIT
from tests.conftest import make_user
from tests.dialogues import conftest as dialogue_fixtures
from tests.dialogues.test_events import event_data
from tests.grants import conftest as grant_fixtures
from tests.helpers import count_queries, url

make_event, make_platform = dialogue_fixtures.make_event, dialogue_fixtures.make_platform
make_call, make_application = grant_fixtures.make_call, grant_fixtures.make_application


def pick(kind, **query):
    address = url(f"stakeholders:pick-{kind}")
    return f"{address}?{urlencode(query)}" if query else address


@pytest.fixture
def kerben_officer(users):
    """Project staff bound to one site (Kerben): their scope is that site's registry."""
    return make_user("officer-kerben", "staff", ["kerben"])


@pytest.fixture
def many_organizations(make_organization):
    def make(count, site="kyshtut", prefix="Registry Org"):
        return [make_organization(site=site, name_ky=f"{prefix} {index:03d}") for index in range(count)]

    return make


# --- The pages stay small ---------------------------------------------------------------------------


def test_new_event_page_lists_none_of_the_registry(client_for, staff, many_organizations):
    many_organizations(30)
    html = client_for(staff).get(url("dialogues:event-create")).content.decode()
    assert "Registry Org" not in html
    assert 'data-record-picker data-multiple="true"' in html
    assert "js/record_picker.js" in html


def test_event_edit_page_lists_only_the_chosen_organizers(client_for, staff, make_event, many_organizations):
    organizations = many_organizations(30)
    event = make_event()
    event.organizers.set(organizations[:2])
    html = client_for(staff).get(url("dialogues:event-edit", event.pk)).content.decode()
    assert html.count("Registry Org") == 2
    for chosen in organizations[:2]:
        assert f'name="organizers" value="{chosen.pk}" checked' in html
    assert f'value="{organizations[2].pk}"' not in html


def test_centre_page_lists_only_the_chosen_host_and_coordinators(
    client_for, staff, make_platform, make_person, make_organization
):
    platform = make_platform(host_organization=make_organization(name_ky="Борбордун ээси"))
    coordinator = make_person(full_name="Айгүл Асанова")
    others = [make_person(full_name=f"Башка адам {index}") for index in range(10)]
    platform.coordinators.set([coordinator])
    html = client_for(staff).get(url("dialogues:platform-edit", platform.pk)).content.decode()
    assert f'name="coordinators" value="{coordinator.pk}" checked' in html
    assert others and "Башка адам" not in html
    assert f'name="host_organization" value="{platform.host_organization_id}" checked' in html


def test_person_page_membership_picker_lists_no_organizations(client_for, staff, make_person, many_organizations):
    many_organizations(30)
    address = url("stakeholders:person-detail", make_person().pk)
    html = client_for(staff).get(address).content.decode()
    assert "Registry Org" not in html
    assert 'data-record-picker data-multiple="false"' in html and "js/record_picker.js" in html


def test_organization_page_relationship_picker_lists_no_other_organization(client_for, staff, many_organizations):
    organization, *_others = many_organizations(30)
    address = url("stakeholders:organization-detail", organization.pk)
    html = client_for(staff).get(address).content.decode()
    assert "Registry Org 001" not in html
    assert 'data-record-picker data-multiple="false"' in html and "js/record_picker.js" in html


def test_application_page_lists_only_the_chosen_lead_and_searches_its_site(
    client_for, staff, registry, make_application, make_person
):
    application = make_application(lead_applicant=make_person(full_name="Айзада Сулайманова"))
    for index in range(10):
        make_person(full_name=f"Башка адам {index}")
    address = url("grants:application-edit", application.pk)
    html = client_for(staff).get(address).content.decode()
    assert "Айзада Сулайманова" in html and "Башка адам" not in html
    assert f"?site={registry['kyshtut'].pk}" in html


def test_event_page_queries_do_not_grow_with_the_registry(client_for, staff, make_event, many_organizations):
    event = make_event()
    event.organizers.set(many_organizations(2, prefix="Chosen"))
    client = client_for(staff)
    client.get(url("dialogues:event-edit", event.pk))  # warm the caches (content types, reference data)

    many_organizations(5)
    with_five = count_queries(client, url("dialogues:event-edit", event.pk))
    many_organizations(45, prefix="More")
    assert count_queries(client, url("dialogues:event-edit", event.pk)) == with_five


def test_event_page_with_five_thousand_organizations_stays_small(client_for, staff, registry):
    """The measurement behind the picker: with a <select> this page grew by ~100 bytes per organization."""
    from stakeholders.models import OrganizationType

    cso = OrganizationType.objects.get(code="cso")
    Organization.objects.bulk_create(
        Organization(name_ky=f"Уюм {index}", type=cso, site=registry["kyshtut"], search_key=f"uyum {index}")
        for index in range(5000)
    )
    response = client_for(staff).get(url("dialogues:event-create"))
    assert response.status_code == 200
    assert len(response.content) < 150_000, len(response.content)


# --- Validation is unchanged ------------------------------------------------------------------------


def test_an_organizer_out_of_scope_is_refused_on_submit(client_for, kerben_officer, registry, make_organization):
    kyshtut = make_organization(site="kyshtut", name_ky="Кыштут уюму")
    kerben = make_organization(site="kerben", name_ky="Кербен уюму")
    data = event_data(registry, site=registry["kerben"].pk, organizers=[kerben.pk, kyshtut.pk])
    with translation.override("en"):
        response = client_for(kerben_officer).post(url("dialogues:event-create"), data)
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "Select a valid choice" in str(response.context["form"].errors["organizers"])


def test_an_inactive_host_is_refused_and_no_id_is_lost(client_for, staff, registry, make_organization):
    closed = make_organization(name_ky="Жабылган уюм", is_active=False)
    data = {"name": "Борбор", "site": registry["kyshtut"].pk, "status": "active", "host_organization": closed.pk}
    with translation.override("en"):
        response = client_for(staff).post(url("dialogues:platform-create"), data)
    assert not DialoguePlatform.objects.exists()
    assert "Select a valid choice" in str(response.context["form"].errors["host_organization"])


def test_chosen_organizers_are_saved_from_the_ticked_boxes(client_for, staff, registry, many_organizations):
    first, second, _third = many_organizations(3)
    response = client_for(staff).post(
        url("dialogues:event-create"), event_data(registry, organizers=[first.pk, second.pk])
    )
    assert response.status_code == 302
    assert set(Event.objects.get().organizers.all()) == {first, second}


def test_unticking_every_organizer_clears_them(staff, registry, make_event, many_organizations):
    event = make_event()
    event.organizers.set(many_organizations(2))
    day = event.start_date.strftime("%d.%m.%Y")
    data = event_data(registry, start_date=day, end_date=day, version=event.version)  # no "organizers" at all
    form = EventForm(data, instance=event, user=staff)
    assert form.is_valid(), form.errors
    form.save_checked(staff)
    assert not event.organizers.exists()


def test_a_bound_form_with_a_bad_id_renders_without_error(staff, registry, many_organizations):
    chosen = many_organizations(1)[0]
    form = EventForm(event_data(registry, organizers=["x1", str(chosen.pk), "99999999"]), user=staff)
    assert not form.is_valid()
    html = str(form["organizers"])
    assert f'value="{chosen.pk}" checked' in html
    assert "99999999" not in html


# --- The search ------------------------------------------------------------------------------------


def test_search_finds_a_cyrillic_name_by_its_latin_spelling(client_for, staff, make_organization):
    tayan = make_organization(name_ky="Таян жаштар борбору")
    make_organization(name_ky="Мээрим коомдук фонду")
    for query in ("Tayan", "таян", "zhashtar"):
        html = client_for(staff).get(pick("organizations", q=query)).content.decode()
        assert f'data-pick-value="{tayan.pk}"' in html, query
        assert "Мээрим" not in html


def test_search_answers_only_the_users_scope(client_for, kerben_officer, make_organization):
    make_organization(site="kyshtut", name_ky="Ынтымак Кыштут")
    kerben = make_organization(site="kerben", name_ky="Ынтымак Кербен")
    html = client_for(kerben_officer).get(pick("organizations", q="yntymak")).content.decode()
    assert f'data-pick-value="{kerben.pk}"' in html
    assert "Кыштут" not in html


def test_search_narrows_to_a_site(client_for, staff, registry, make_organization):
    kyshtut = make_organization(site="kyshtut", name_ky="Ынтымак Кыштут")
    make_organization(site="kerben", name_ky="Ынтымак Кербен")
    html = client_for(staff).get(pick("organizations", q="yntymak", site=registry["kyshtut"].pk)).content.decode()
    assert f'data-pick-value="{kyshtut.pk}"' in html
    assert "Кербен" not in html


def test_search_leaves_out_inactive_organizations(client_for, staff, make_organization):
    make_organization(name_ky="Ынтымак эски", is_active=False)
    assert "Ынтымак" not in client_for(staff).get(pick("organizations", q="yntymak")).content.decode()


def test_search_answers_at_most_the_limit(client_for, staff, many_organizations):
    many_organizations(PICKER_LIMIT + 5)
    html = client_for(staff).get(pick("organizations", q="registry")).content.decode()
    assert html.count("data-pick-value=") == PICKER_LIMIT


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": ""},
        {"q": "T"},
        {"q": "ж"},
        {"q": "!!"},
        {"q": "Ынтымак", "site": "abc"},
        {"q": "Ынтымак", "site": "-1"},
    ],
    ids=["no-q", "empty-q", "one-latin-letter", "one-cyrillic-letter", "punctuation", "site-not-a-number", "bad-site"],
)
def test_search_with_bad_input_answers_empty_not_an_error(client_for, staff, make_organization, query):
    make_organization(name_ky="Ынтымак")
    response = client_for(staff).get(pick("organizations", **query))
    assert response.status_code == 200
    assert b"data-pick-value" not in response.content


def test_search_with_a_site_out_of_scope_answers_empty(client_for, kerben_officer, registry, make_organization):
    make_organization(site="kyshtut", name_ky="Ынтымак")
    response = client_for(kerben_officer).get(pick("organizations", q="yntymak", site=registry["kyshtut"].pk))
    assert response.status_code == 200
    assert b"data-pick-value" not in response.content


def test_people_search_finds_latin_and_cyrillic(client_for, staff, make_person):
    aizada = make_person(full_name="Айзада Сулайманова")
    for query in ("Sulaymanova", "сулайман"):
        html = client_for(staff).get(pick("people", q=query)).content.decode()
        assert f'data-pick-value="{aizada.pk}"' in html, query


ORGANIZATIONS = {"admin": 200, "staff": 200, "la_kyshtut": 200, "reviewer": 200, "viewer": 200, "anonymous": 302}
PEOPLE = {"admin": 200, "staff": 200, "la_kyshtut": 403, "reviewer": 403, "viewer": 403, "anonymous": 302}


@pytest.mark.parametrize("role", list(ORGANIZATIONS))
@pytest.mark.parametrize("kind", ["organizations", "people"])
def test_search_access_by_role(client_for, users, make_person, make_organization, role, kind):
    make_person(full_name="Ынтымак Адам")
    make_organization(name_ky="Ынтымак")
    expected = (ORGANIZATIONS if kind == "organizations" else PEOPLE)[role]
    response = client_for(users[role]).get(pick(kind, q="yntymak"))
    assert response.status_code == expected
    if role == "reviewer" and kind == "organizations":
        # Reviewers see only the organizations of the applications they review: none here.
        assert b"data-pick-value" not in response.content


def test_search_queries_are_constant(client_for, staff, many_organizations, django_assert_num_queries):
    client = client_for(staff)
    many_organizations(5)
    client.get(pick("organizations", q="registry"))
    # The session and the user; the user's sites (the scope); the one search, its pilot sites joined;
    # the session saved again (savepoint, update, release: the session is renewed on every request).
    with django_assert_num_queries(7):
        assert client.get(pick("organizations", q="registry")).content.count(b"data-pick-value=") == 5
    many_organizations(50, prefix="Registry More")
    with django_assert_num_queries(7):
        assert client.get(pick("organizations", q="registry")).content.count(b"data-pick-value=") == PICKER_LIMIT


@pytest.mark.django_db
@pytest.mark.parametrize("posted", ["9" * 10_000, "²", "١٢", "-1", "\x00"])
def test_a_picker_redrawn_with_a_number_it_cannot_read_shows_nothing_chosen(posted):
    # The form fuzz found it: a refused form redraws its picker, which looked the posted value up as it was.
    form = EventForm(data={"organizers": [posted]}, user=None)
    assert not form.is_valid()
    assert "organizers" in form.errors
    assert form.fields["organizers"].widget.chosen([posted]) == []
    assert 'name="organizers"' in str(form["organizers"])  # the redrawn page, not a 500
