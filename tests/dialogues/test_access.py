"""Who sees what of the dialogues (DESIGN.md §4 "events, attendance"): role × site → status, names hidden
from local authorities, aggregates only for viewers, nothing for reviewers and the public."""

import pytest

from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import url


@pytest.fixture
def records(make_event, make_platform, make_person, attend):
    """A centre and a three-day training in Kyshtut with one named participant."""
    platform = make_platform(name="Кыштут диалог борбору")
    event = make_event(title="Үч күндүк тренинг", platform=platform, days=3)
    attend(event, make_person(full_name="Айгүл Токтосунова"))
    return {"platform": platform, "event": event}


# role → status of reading a Kyshtut event or centre (and their lists)
READ = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 200,
    "la_kerben": 404,
    "reviewer": 403,
    "viewer": 403,
    "applicant": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
@pytest.mark.parametrize("page", ["event-detail", "platform-detail"])
def test_event_and_centre_pages_by_role(client_for, users, records, role, page):
    record = records["event" if page == "event-detail" else "platform"]
    status = client_for(users[role]).get(url(f"dialogues:{page}", record.pk)).status_code
    # A role without the right at all meets the object as missing too (the scope is empty): 404.
    assert status == {403: 404}.get(READ[role], READ[role])


# role → (status of the event list, whether the Kyshtut event is on it)
EVENT_LIST = {
    "admin": (200, True),
    "staff": (200, True),
    "la_kyshtut": (200, True),
    "la_kerben": (200, False),
    "reviewer": (403, False),
    "viewer": (302, False),  # to the results page: aggregates only
    "applicant": (403, False),
    "anonymous": (302, False),
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_event_list_by_role(client_for, users, records, role):
    response = client_for(users[role]).get(url("dialogues:event-list"))
    status, shown = EVENT_LIST[role]
    assert response.status_code == status
    assert ("Үч күндүк тренинг" in response.content.decode()) is shown
    if role == "viewer":
        assert response["Location"] == url("dialogues:results")


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_centre_list_by_role(client_for, users, records, role):
    response = client_for(users[role]).get(url("dialogues:platform-list"))
    # The list of another site's local authority is simply empty.
    assert response.status_code == {"la_kerben": 200}.get(role, READ[role])
    if response.status_code == 200:
        assert ("Кыштут диалог борбору" in response.content.decode()) is (role != "la_kerben")


# role → status of editing a Kyshtut event, creating one, and its attendance sheet
EDIT = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 403,
    "la_kerben": 404,
    "reviewer": 404,
    "viewer": 404,
    "applicant": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
@pytest.mark.parametrize("page", ["event-edit", "attendance-sheet", "attendance-tallies", "blank-sheet"])
def test_editing_pages_by_role(client_for, users, records, role, page):
    assert client_for(users[role]).get(url(f"dialogues:{page}", records["event"].pk)).status_code == EDIT[role]


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_creating_an_event_by_role(client_for, users, role):
    expected = {"admin": 200, "staff": 200, "anonymous": 302}.get(role, 403)
    assert client_for(users[role]).get(url("dialogues:event-create")).status_code == expected


def test_staff_bound_to_another_site_gets_404_for_this_sites_event(client_for, records):
    from tests.conftest import make_user

    kerben_officer = make_user("officer-kerben", "staff", ["kerben"])
    client = client_for(kerben_officer)
    assert client.get(url("dialogues:event-detail", records["event"].pk)).status_code == 404
    assert client.get(url("dialogues:event-edit", records["event"].pk)).status_code == 404
    assert client.get(url("dialogues:attendance-sheet", records["event"].pk)).status_code == 404


@pytest.mark.parametrize(("role", "sees_names"), [("admin", True), ("staff", True), ("la_kyshtut", False)])
def test_local_authority_reads_the_event_but_not_who_attended(client_for, users, records, role, sees_names):
    page = client_for(users[role]).get(url("dialogues:event-detail", records["event"].pk)).content.decode()
    assert "Үч күндүк тренинг" in page
    assert ("Айгүл Токтосунова" in page) is sees_names


def test_local_authority_sees_the_count_of_participants_suppressed_under_five(client_for, la_kyshtut, records):
    response = client_for(la_kyshtut).get(url("dialogues:event-detail", records["event"].pk))
    assert response.context["summary"]["reached"] == "<5"


def test_staff_see_small_counts_as_they_are(client_for, staff, records):
    response = client_for(staff).get(url("dialogues:event-detail", records["event"].pk))
    assert response.context["summary"]["reached"] == 1


# role → status of the results page (aggregates)
RESULTS = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 200,
    "la_kerben": 200,
    "reviewer": 403,
    "viewer": 200,
    "applicant": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_results_page_by_role(client_for, users, records, role):
    response = client_for(users[role]).get(url("dialogues:results"))
    assert response.status_code == RESULTS[role]
    if response.status_code == 200:
        assert "Айгүл Токтосунова" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_map_layer_follows_the_same_scope(client_for, users, records, role):
    features = client_for(users[role]).get("/api/dialogues.geojson").json()["features"]
    layers = {(f["properties"]["layer"], f["properties"]["id"]) for f in features}
    if role in ("admin", "staff", "la_kyshtut"):
        assert layers == {("event", records["event"].pk), ("platform", records["platform"].pk)}
    else:
        assert layers == set()


def test_the_map_layer_carries_no_names_of_people(client_for, staff, records):
    body = client_for(staff).get("/api/dialogues.geojson").content.decode()
    assert "Айгүл" not in body


@pytest.mark.parametrize("role", ["la_kyshtut", "viewer", "reviewer", "applicant", "anonymous", "staff"])
def test_attendance_export_is_for_admins_only(client_for, users, records, role):
    response = client_for(users[role]).get(url("dialogues:attendance-export", "csv"))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("staff", 200), ("la_kyshtut", 200), ("viewer", 403), ("applicant", 403)]
)
def test_event_export_by_role(client_for, users, records, role, status):
    assert client_for(users[role]).get(url("dialogues:event-export", "csv")).status_code == status


def test_navigation_shows_dialogues_to_roles_that_read_them(client_for, users):
    home = url("home")
    assert url("dialogues:event-list") in client_for(users["viewer"]).get(home).content.decode()
    assert url("dialogues:event-list") not in client_for(users["reviewer"]).get(home).content.decode()
    assert url("dialogues:event-list") not in client_for(None).get(home).content.decode()
