"""Recording attendance: the grid (days per person, version-checked), adding people (existing matches
first, another site flagged), new people, anonymous tallies — bad input gets a clear message."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dialogues.models import Attendance, AttendanceTally, validate_days
from stakeholders.models import Person
from tests.helpers import count_queries, url

D = datetime.date


@pytest.fixture
def training(make_event):
    return make_event(title="Үч күндүк тренинг", days=3)  # 10–12 March 2026


def grid_post(client, event, rows, version=None, **extra):
    data = {"attendance_version": event.attendance_version if version is None else version}
    for attendance, days, role in rows:
        data[f"days-{attendance.pk}"] = [day.isoformat() for day in days]
        data[f"role-{attendance.pk}"] = role
    return client.post(url("dialogues:attendance-sheet", event.pk), data | extra)


def test_the_sheet_saves_the_days_ticked(client_for, staff, training, make_person, attend):
    first, second = attend(training, make_person()), attend(training, make_person(), days=[1])
    response = grid_post(
        client_for(staff),
        training,
        [(first, [D(2026, 3, 10), D(2026, 3, 12)], "participant"), (second, training.days, "facilitator")],
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.days == [D(2026, 3, 10), D(2026, 3, 12)] and not first.attended_all_days
    assert second.attended_all_days and second.role == "facilitator"
    assert first.history.first().history_user == staff
    training.refresh_from_db()
    assert training.attendance_version == 2


def test_a_day_outside_the_events_dates_is_refused_with_a_clear_message(
    client_for, staff, training, make_person, attend
):
    attendance = attend(training, make_person())
    with translation.override("en"):
        response = grid_post(
            client_for(staff), training, [(attendance, [D(2026, 3, 10), D(2026, 3, 14)], "participant")]
        )
        assert response.status_code == 200
        assert response.context["form"].errors[f"days-{attendance.pk}"] == [
            "14.03.2026 is outside the event's dates (10.03.2026–12.03.2026)."
        ]
        assert "14.03.2026 is outside the event" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.days == training.days


def test_a_day_that_is_not_a_date_is_refused(client_for, staff, training, make_person, attend):
    attendance = attend(training, make_person())
    response = client_for(staff).post(
        url("dialogues:attendance-sheet", training.pk),
        {"attendance_version": 1, f"days-{attendance.pk}": ["tomorrow"], f"role-{attendance.pk}": "participant"},
    )
    assert response.status_code == 200
    assert "is not a date" in str(response.context["form"].errors)


def test_more_days_than_the_event_has_are_refused(training):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_days(training, [D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 12), D(2026, 3, 12)])
    assert refused.value.messages == ["4 days were given, but the event has only 3."]


def test_a_row_without_days_must_be_removed_rather_than_left_empty(client_for, staff, training, make_person, attend):
    keep, remove = attend(training, make_person()), attend(training, make_person())
    client = client_for(staff)
    with translation.override("en"):
        response = grid_post(client, training, [(keep, [], "participant"), (remove, training.days, "participant")])
        assert "Tick at least one day, or remove the person from the list." in response.content.decode()
    response = grid_post(
        client,
        training,
        [(keep, training.days, "participant"), (remove, [], "participant")],
        **{f"remove-{remove.pk}": "on"},
    )
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("pk", flat=True)) == [keep.pk]


def test_two_people_saving_one_sheet_the_second_is_told(client_for, staff, admin, training, make_person, attend):
    attendance = attend(training, make_person())
    opened_version = training.attendance_version
    grid_post(client_for(admin), training, [(attendance, [D(2026, 3, 10)], "participant")])
    with translation.override("en"):
        response = grid_post(
            client_for(staff), training, [(attendance, training.days, "participant")], version=opened_version
        )
        assert "Someone else changed this attendance" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.days == [D(2026, 3, 10)]


def test_adding_a_person_offers_existing_matches_first_in_any_spelling(client_for, staff, training, make_person):
    make_person(full_name="Айгүл Токтосунова", full_name_latin="")
    make_person(full_name="Бакыт Асанов")
    response = client_for(staff).get(url("dialogues:attendance-search", training.pk) + "?q=Aigul Toktosunova")
    assert [p.full_name for p in response.context["matches"]] == ["Айгүл Токтосунова"]
    assert 'data-testid="people-matches"' in response.content.decode()


def test_people_already_on_the_event_are_not_offered_again(client_for, staff, training, make_person, attend):
    attend(training, make_person(full_name="Айгүл Токтосунова"))
    response = client_for(staff).get(url("dialogues:attendance-search", training.pk) + "?q=Айгүл")
    assert response.context["matches"] == []


def inputs(page, name):
    return re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)


def input_value(page, name):
    (tag,) = inputs(page, name)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def ticked_days(page, name):
    return {re.search(r'value="([^"]*)"', tag).group(1): " checked" in tag for tag in inputs(page, name)}


def add_post(client, event, person, days=(), role="participant", version=None, htmx=False, **extra):
    """Post the "add from the registry" form as the page sends it (htmx or a plain form)."""
    data = {
        "add-person": getattr(person, "pk", person),
        "add-role": role,
        "add-days": [day.isoformat() for day in days],
        "add-attendance_version": event.attendance_version if version is None else version,
    }
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url("dialogues:attendance-add", event.pk), data | extra, headers=headers)


def test_an_existing_person_is_added_with_exactly_the_days_ticked(client_for, staff, training, make_person):
    response = add_post(client_for(staff), training, make_person(), days=[D(2026, 3, 10), D(2026, 3, 12)])
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.days == [D(2026, 3, 10), D(2026, 3, 12)]
    assert not attendance.attended_all_days


def test_adding_a_person_with_no_day_ticked_is_refused_never_taken_as_every_day(
    client_for, staff, training, make_person
):
    # The old form saved every day of the event when none was chosen: the person counted as trained.
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:attendance-add", training.pk),
            {"add-person": make_person().pk, "add-role": "participant", "add-attendance_version": 1},
        )
        assert response.status_code == 200
        assert "Tick the days the person attended (at least one)." in response.content.decode()
    assert not Attendance.objects.exists()
    training.refresh_from_db()
    assert training.attendance_version == 1


def test_the_add_form_ticks_no_day_of_a_training_but_offers_a_one_day_events_day(
    client_for, staff, training, make_event, make_person
):
    make_person(full_name="Айгүл Токтосунова")
    meeting = make_event(kind="dialogue_meeting", days=1)
    client = client_for(staff)
    three_days = client.get(url("dialogues:attendance-search", training.pk) + "?q=Айгүл").content.decode()
    one_day = client.get(url("dialogues:attendance-search", meeting.pk) + "?q=Айгүл").content.decode()
    assert ticked_days(three_days, "add-days") == {"2026-03-10": False, "2026-03-11": False, "2026-03-12": False}
    assert ticked_days(one_day, "add-days") == {"2026-03-10": True}


def test_a_training_is_completed_only_when_every_day_was_ticked(client_for, staff, training, make_person):
    from dialogues.counting import count_people
    from dialogues.models import Event

    client = client_for(staff)
    add_post(client, training, make_person(), days=[D(2026, 3, 10), D(2026, 3, 11)])
    training.refresh_from_db()
    counts = count_people(Event.objects.filter(pk=training.pk))
    assert (counts.total("reached"), counts.total("trained")) == (1, 0)
    add_post(client, training, make_person(), days=training.days)
    counts = count_people(Event.objects.filter(pk=training.pk))
    assert (counts.total("reached"), counts.total("trained")) == (2, 1)


def test_an_htmx_add_answers_with_the_new_row_and_the_sheets_new_version_in_place(
    client_for, staff, training, make_person, attend
):
    attend(training, make_person(full_name="Бакыт Асанов"))
    person = make_person(full_name="Айгүл Токтосунова")
    with translation.override("en"):
        response = add_post(client_for(staff), training, person, days=[D(2026, 3, 11)], htmx=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<body" not in page  # a partial, not the page
    attendance = Attendance.objects.get(person=person)
    assert attendance.days == [D(2026, 3, 11)]
    # The row goes at the end of the grid, its first day box takes the focus; the three forms of the page
    # get the sheet's new version, so that the grid is still saved under its version check.
    assert 'hx-swap-oob="beforeend:#attendance-rows"' in page
    assert f'name="days-{attendance.pk}" value="2026-03-10" autofocus' in page
    assert f'name="days-{attendance.pk}" value="2026-03-11" checked' in page
    assert [
        input_value(page, name) for name in ("attendance_version", "add-attendance_version", "new-attendance_version")
    ] == ["2", "2", "2"]
    assert "Айгүл Токтосунова was added to the attendance." in page


def test_adding_the_same_person_twice_is_explained(client_for, staff, training, make_person, attend):
    person = make_person(full_name="Айгүл Токтосунова")
    attend(training, person)
    with translation.override("en"):
        response = add_post(client_for(staff), training, person, days=training.days)
        assert "Айгүл Токтосунова is already on this event&#x27;s attendance." in response.content.decode()
    assert Attendance.objects.count() == 1


def test_a_person_of_another_site_is_added_but_flagged(client_for, staff, training, make_person):
    person = make_person(site="kerben", full_name="Асел Бекмурзаева")
    client = client_for(staff)
    with translation.override("en"):
        add_post(client, training, person, days=training.days)
        page = client.get(url("dialogues:attendance-sheet", training.pk)).content.decode()
        assert "lives in another pilot site (Kerben town)" in page
        assert "from Kerben town" in page  # the badge on the sheet's row
    assert Attendance.objects.get().person == person


@pytest.fixture
def staff_of_kyshtut(registry):
    from mapping_portal.roles import Role
    from tests.conftest import make_user

    return make_user("staff_kyshtut", Role.STAFF, ["kyshtut"])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("day outside the event", "14.03.2026 is outside the event&#x27;s dates (10.03.2026–12.03.2026)."),
        ("a day that is not a date", "“soon” is not a date."),
        ("no person", "Choose the person to add from the names found."),
        ("a person of a site out of scope", "This person is not in the registry you work with"),
        ("a tampered version", "Someone else changed this attendance while you were entering it. Nothing was saved"),
        ("no version", "Someone else changed this attendance while you were entering it. Nothing was saved"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_input_when_adding_gets_a_clear_message_and_saves_nothing(
    client_for, staff_of_kyshtut, training, make_person, case, message, htmx
):
    person, days, version, extra = make_person(), [D(2026, 3, 10)], None, {}
    if case == "day outside the event":
        days = [D(2026, 3, 10), D(2026, 3, 14)]
    elif case == "a day that is not a date":
        extra = {"add-days": ["soon"]}
    elif case == "no person":
        person = ""
    elif case == "a person of a site out of scope":
        person = make_person(site="kerben")
    elif case == "a tampered version":
        version = 7
    elif case == "no version":
        version = ""
    with translation.override("en"):
        response = add_post(client_for(staff_of_kyshtut), training, person, days, version=version, htmx=htmx, **extra)
        page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'role="alert"' in page
    assert ("<html" in page) is not htmx  # in place: the add form's part only; without JavaScript: the page
    assert not Attendance.objects.exists()
    training.refresh_from_db()
    assert training.attendance_version == 1


def new_person_data(registry, **fields):
    return {
        "full_name": "Жылдыз Мамытова",
        "sex": "female",
        "birth_year": "1990",
        "site": registry["kyshtut"].pk,
        "consent_date": "10.03.2026",
        "consent_purpose": "Тренингге катышуу",
        "new-role": "participant",
        "new-days": ["2026-03-10", "2026-03-11"],
        "new-attendance_version": "1",
    } | fields


def test_a_new_person_is_added_with_exactly_the_days_ticked(client_for, staff, registry, training):
    response = client_for(staff).post(url("dialogues:attendance-new-person", training.pk), new_person_data(registry))
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.person.full_name == "Жылдыз Мамытова"
    assert attendance.days == [D(2026, 3, 10), D(2026, 3, 11)] and not attendance.attended_all_days


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new-days": []}, "Tick the days the person attended (at least one)."),
        ({"new-days": ["2026-03-09"]}, "09.03.2026 is outside the event"),
        ({"new-attendance_version": "0"}, "Someone else changed this attendance while you were entering it."),
    ],
)
def test_a_new_person_with_bad_days_or_an_old_version_is_not_saved_at_all(
    client_for, staff, registry, training, fields, message
):
    # The person's record and their attendance are saved together or not at all.
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:attendance-new-person", training.pk), new_person_data(registry, **fields)
        )
        assert message in response.content.decode()
    assert response.status_code == 200
    assert not Person.objects.exists() and not Attendance.objects.exists()


def test_a_new_person_entered_in_place_answers_with_the_row(client_for, staff, registry, training):
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:attendance-new-person", training.pk),
            new_person_data(registry),
            headers={"HX-Request": "true"},
        )
    page = response.content.decode()
    attendance = Attendance.objects.get()
    assert response.status_code == 200 and "<html" not in page
    assert f'name="days-{attendance.pk}" value="2026-03-10" checked autofocus' in page
    assert "Жылдыз Мамытова was added to the attendance." in page
    assert input_value(page, "attendance_version") == input_value(page, "add-attendance_version") == "2"
    assert 'id="new-person-form"' in page and input_value(page, "full_name") == ""  # a fresh form for the next


def test_a_new_person_with_a_similar_name_needs_a_confirmation(client_for, staff, registry, training, make_person):
    make_person(full_name="Айгүл Токтосунова")
    data = new_person_data(registry, full_name="Айгуль Токтосунова")
    client = client_for(staff)
    with translation.override("en"):
        response = client.post(url("dialogues:attendance-new-person", training.pk), data)
        assert "People with a similar name are already in the registry." in response.content.decode()
    assert response.status_code == 200
    assert [p.full_name for p in response.context["similar"]] == ["Айгүл Токтосунова"]
    assert Person.objects.count() == 1 and not Attendance.objects.exists()

    response = client.post(url("dialogues:attendance-new-person", training.pk), data | {"different_person": "1"})
    assert response.status_code == 302
    assert Attendance.objects.get().person.full_name == "Айгуль Токтосунова"


def test_a_new_person_needs_a_recorded_consent(client_for, staff, registry, training):
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:attendance-new-person", training.pk), new_person_data(registry, consent_date="")
        )
        assert "Record when the person gave consent" in response.content.decode()
    assert not Person.objects.exists()


def test_the_similar_person_hint_answers_for_a_name_typed_on_the_attendance_page(
    client_for, staff, registry, training, make_person
):
    make_person(full_name="Айгүл Токтосунова")
    client = client_for(staff)
    page = client.get(url("dialogues:attendance-sheet", training.pk)).content.decode()
    # The name box asks the hint's endpoint, sending fields that are on this page, into a box that is on it.
    (name_box,) = inputs(page, "full_name")
    hint_url = re.search(r'hx-get="([^"]+)"', name_box).group(1)
    assert hint_url == reverse("stakeholders:person-similar")
    target = re.search(r'hx-target="#([^"]+)"', name_box).group(1)
    assert f'id="{target}"' in page
    sent = re.findall(r"\[name=(\w+)\]", re.search(r'hx-include="([^"]+)"', name_box).group(1))
    assert {"full_name", "full_name_latin", "birth_year", "site"} <= set(sent)
    assert all(f'name="{name}"' in page for name in sent if name != "similar_exclude")  # nothing to exclude: new
    # What the page sends while "Aigul" is typed (in Latin letters) finds her.
    response = client.get(hint_url, {"full_name": "Aigul Toktosunova", "site": registry["kyshtut"].pk})
    assert [person.full_name for person in response.context["matches"]] == ["Айгүл Токтосунова"]
    assert 'data-testid="similar"' in response.content.decode()


@pytest.mark.parametrize("name", ["attendance-add", "attendance-new-person"])
def test_a_local_authority_cannot_record_attendance(client_for, la_kyshtut, registry, training, make_person, name):
    data = {"add-person": make_person().pk, "add-days": ["2026-03-10"], "add-attendance_version": 1}
    response = client_for(la_kyshtut).post(url(f"dialogues:{name}", training.pk), data | new_person_data(registry))
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    assert client_for(la_kyshtut).get(url("dialogues:attendance-search", training.pk) + "?q=Адам").status_code == 403


def test_staff_of_another_site_get_404_when_adding(client_for, registry, training, make_person):
    from mapping_portal.roles import Role
    from tests.conftest import make_user

    kerben_staff = make_user("staff_kerben", Role.STAFF, ["kerben"])
    person = make_person(site="kerben")
    assert add_post(client_for(kerben_staff), training, person, days=[D(2026, 3, 10)]).status_code == 404
    assert not Attendance.objects.exists()


def tally_data(event, **cells):
    data = {"attendance_version": event.attendance_version}
    for key, value in cells.items():
        data[key.replace("__", "-")] = value
    return data


def test_every_box_of_the_tallies_says_what_it_counts(client_for, staff, training):
    with translation.override("en"):
        page = client_for(staff).get(url("dialogues:attendance-tallies", training.pk)).content.decode()
    boxes = re.findall(r'<input type="number"[^>]*>', page)
    assert len(boxes) == 28 and all("aria-label=" in box for box in boxes)
    assert 'aria-label="women, 15–24: every day"' in page


def test_tallies_are_saved_per_sex_and_age_band(client_for, staff, training):
    client = client_for(staff)
    response = client.post(
        url("dialogues:attendance-tallies", training.pk),
        tally_data(training, **{"count-female-15_24": "12", "completed-female-15_24": "9", "count-male-65_plus": "3"}),
    )
    assert response.status_code == 302
    assert set(AttendanceTally.objects.values_list("sex", "age_band", "count", "completed")) == {
        ("female", "15_24", 12, 9),
        ("male", "65_plus", 3, 0),
    }
    training.refresh_from_db()
    client.post(url("dialogues:attendance-tallies", training.pk), tally_data(training, **{"count-female-15_24": "12"}))
    assert list(AttendanceTally.objects.values_list("sex", "count", "completed")) == [("female", 12, 0)]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"count-female-14": "2", "completed-female-14": "5"}, "women, 14: more people attended every day (5) than"),
        ({"count-male-15_24": "-3"}, "greater than or equal to 0"),
        ({"count-male-15_24": "many"}, "Enter a whole number."),
    ],
)
def test_bad_tallies_get_a_clear_message(client_for, staff, training, cells, message):
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:attendance-tallies", training.pk), tally_data(training, **cells)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not AttendanceTally.objects.exists()


def test_the_sheet_query_count_does_not_grow_with_the_people(client_for, staff, training, make_person, attend):
    client = client_for(staff)
    attend(training, make_person())
    make_person(full_name="Адам Жаңы")  # found by the search, not yet on the sheet

    sheet = url("dialogues:attendance-sheet", training.pk) + "?q=Адам"
    few = count_queries(client, sheet)
    for number in range(10):
        attend(training, make_person(site="kerben" if number % 2 else "kyshtut"))
    # session, user, the user's sites, the event, its rows with their people and sites, the people found,
    # the menu's sites, the new-person form's sites and settlements, the session saved (3: a savepoint)
    assert count_queries(client, sheet) == few == 12


def test_a_person_added_by_someone_else_meanwhile_is_explained_not_reported_as_missing_days(
    client_for, staff, training, make_person, attend
):
    mine = attend(training, make_person())
    opened_version = training.attendance_version
    add_post(client_for(staff), training, make_person(), days=training.days)
    with translation.override("en"):
        response = grid_post(
            client_for(staff), training, [(mine, [D(2026, 3, 10)], "participant")], version=opened_version
        )
        errors = response.context["form"].errors
    assert list(errors) == ["__all__"] and "Someone else changed this attendance" in errors["__all__"][0]
    mine.refresh_from_db()
    assert mine.days == training.days


def test_the_grid_is_saved_after_an_add_in_place_with_the_version_that_add_sent_back(
    client_for, staff, training, make_person, attend
):
    mine = attend(training, make_person())
    client = client_for(staff)
    page = add_post(client, training, make_person(), days=[D(2026, 3, 10)], htmx=True).content.decode()
    added = Attendance.objects.exclude(pk=mine.pk).get()
    rows = [(mine, [D(2026, 3, 12)], "participant"), (added, [D(2026, 3, 10), D(2026, 3, 11)], "observer")]
    response = grid_post(client, training, rows, version=input_value(page, "attendance_version"))
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.days == [D(2026, 3, 10), D(2026, 3, 11)] and added.role == "observer"


def test_every_control_of_the_grid_has_a_name_read_aloud(client_for, staff, training, make_person, attend):
    attendance = attend(training, make_person(full_name="Бакыт Асанов"))
    with translation.override("en"):
        page = client_for(staff).get(url("dialogues:attendance-sheet", training.pk)).content.decode()
    role = re.search(rf'<select[^>]*name="role-{attendance.pk}"[^>]*>', page).group(0)
    assert 'aria-label="Role of Бакыт Асанов"' in role
    assert 'aria-label="Бакыт Асанов, day 2"' in page and 'aria-label="Remove Бакыт Асанов"' in page
