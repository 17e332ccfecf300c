"""Recording attendance: the grid (days per person, version-checked), adding people (existing matches
first, another site flagged), new people, anonymous tallies — bad input gets a clear message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dialogues.models import Attendance, AttendanceTally, validate_days
from stakeholders.models import Person

D = datetime.date


def url(name, *args):
    with translation.override("en"):
        return reverse(f"dialogues:{name}", args=args)


@pytest.fixture
def training(make_event):
    return make_event(title="Үч күндүк тренинг", days=3)  # 10–12 March 2026


def grid_post(client, event, rows, version=None, **extra):
    data = {"attendance_version": event.attendance_version if version is None else version}
    for attendance, days, role in rows:
        data[f"days-{attendance.pk}"] = [day.isoformat() for day in days]
        data[f"role-{attendance.pk}"] = role
    return client.post(url("attendance-sheet", event.pk), data | extra)


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
        url("attendance-sheet", training.pk),
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
    response = client_for(staff).get(url("attendance-search", training.pk) + "?q=Aigul Toktosunova")
    assert [p.full_name for p in response.context["matches"]] == ["Айгүл Токтосунова"]
    assert 'data-testid="people-matches"' in response.content.decode()


def test_people_already_on_the_event_are_not_offered_again(client_for, staff, training, make_person, attend):
    attend(training, make_person(full_name="Айгүл Токтосунова"))
    response = client_for(staff).get(url("attendance-search", training.pk) + "?q=Айгүл")
    assert response.context["matches"] == []


def test_an_existing_person_is_added_with_every_day(client_for, staff, training, make_person):
    person = make_person()
    response = client_for(staff).post(url("attendance-add", training.pk), {"person": person.pk, "role": "participant"})
    assert response.status_code == 302
    assert Attendance.objects.get().days == training.days


def test_adding_the_same_person_twice_is_explained(client_for, staff, training, make_person, attend):
    person = make_person(full_name="Айгүл Токтосунова")
    attend(training, person)
    client = client_for(staff)
    with translation.override("en"):
        response = client.post(
            url("attendance-add", training.pk), {"person": person.pk, "role": "participant"}, follow=True
        )
        assert "Айгүл Токтосунова is already on this event&#x27;s attendance." in response.content.decode()
    assert Attendance.objects.count() == 1


def test_a_person_of_another_site_is_added_but_flagged(client_for, staff, training, make_person):
    person = make_person(site="kerben", full_name="Асел Бекмурзаева")
    with translation.override("en"):
        response = client_for(staff).post(
            url("attendance-add", training.pk), {"person": person.pk, "role": "participant"}, follow=True
        )
        page = response.content.decode()
        assert "lives in another pilot site (Kerben town)" in page
        assert "from Kerben town" in page  # the badge on the sheet's row
    assert Attendance.objects.get().person == person


def test_a_new_person_with_a_similar_name_needs_a_confirmation(client_for, staff, registry, training, make_person):
    make_person(full_name="Айгүл Токтосунова")
    data = {
        "new-full_name": "Айгуль Токтосунова",
        "new-sex": "female",
        "new-birth_year": "1990",
        "new-site": registry["kyshtut"].pk,
        "new-consent_date": "10.03.2026",
        "new-consent_purpose": "Тренингге катышуу",
        "role": "participant",
    }
    client = client_for(staff)
    response = client.post(url("attendance-new-person", training.pk), data)
    assert response.status_code == 200
    assert [p.full_name for p in response.context["matches"]] == ["Айгүл Токтосунова"]
    assert Person.objects.count() == 1 and not Attendance.objects.exists()

    response = client.post(url("attendance-new-person", training.pk), data | {"different_person": "1"})
    assert response.status_code == 302
    assert Attendance.objects.get().person.full_name == "Айгуль Токтосунова"


def test_a_new_person_needs_a_recorded_consent(client_for, staff, registry, training):
    with translation.override("en"):
        response = client_for(staff).post(
            url("attendance-new-person", training.pk),
            {"new-full_name": "Жаңы адам", "new-sex": "female", "new-site": registry["kyshtut"].pk},
        )
        assert "Record when the person gave consent" in response.content.decode()
    assert not Person.objects.exists()


def test_a_local_authority_cannot_record_attendance(client_for, la_kyshtut, training, make_person):
    person = make_person()
    response = client_for(la_kyshtut).post(url("attendance-add", training.pk), {"person": person.pk})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def tally_data(event, **cells):
    data = {"attendance_version": event.attendance_version}
    for key, value in cells.items():
        data[key.replace("__", "-")] = value
    return data


def test_tallies_are_saved_per_sex_and_age_band(client_for, staff, training):
    client = client_for(staff)
    response = client.post(
        url("attendance-tallies", training.pk),
        tally_data(training, **{"count-female-15_24": "12", "completed-female-15_24": "9", "count-male-65_plus": "3"}),
    )
    assert response.status_code == 302
    assert set(AttendanceTally.objects.values_list("sex", "age_band", "count", "completed")) == {
        ("female", "15_24", 12, 9),
        ("male", "65_plus", 3, 0),
    }
    training.refresh_from_db()
    client.post(url("attendance-tallies", training.pk), tally_data(training, **{"count-female-15_24": "12"}))
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
        response = client_for(staff).post(url("attendance-tallies", training.pk), tally_data(training, **cells))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not AttendanceTally.objects.exists()


def test_the_sheet_query_count_does_not_grow_with_the_people(client_for, staff, training, make_person, attend):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff)
    attend(training, make_person())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("attendance-sheet", training.pk)).status_code == 200
        return len(captured)

    few = queries()
    for number in range(10):
        attend(training, make_person(site="kerben" if number % 2 else "kyshtut"))
    assert queries() == few


def test_a_person_added_by_someone_else_meanwhile_is_explained_not_reported_as_missing_days(
    client_for, staff, training, make_person, attend
):
    mine = attend(training, make_person())
    opened_version = training.attendance_version
    client_for(staff).post(url("attendance-add", training.pk), {"person": make_person().pk, "role": "participant"})
    with translation.override("en"):
        response = grid_post(
            client_for(staff), training, [(mine, [D(2026, 3, 10)], "participant")], version=opened_version
        )
        errors = response.context["form"].errors
    assert list(errors) == ["__all__"] and "Someone else changed this attendance" in errors["__all__"][0]
    mine.refresh_from_db()
    assert mine.days == training.days
