"""Dates that would cost work in proportion to their range are refused before any such work: an event moved to
year 9999 answers at once with a message and a small, constant number of queries; a plan period or a list filter
in year 0001 or 9999 gets the date field's message and saves nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dialogues.models import Event
from dialogues.plans.models import ConflictPreventionPlan
from mapping_portal.models import latest_date
from tests.helpers import url

D = datetime.date


def edit_post(client, event, **dates):
    form = client.get(url("dialogues:event-edit", event.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    with translation.override("en"), CaptureQueriesContext(connection) as captured:
        response = client.post(url("dialogues:event-edit", event.pk), data | dates)
    return response, captured


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"end_date": "31.12.9999"}, "end_date", "Enter a date from 01.01.2000 to"),
        ({"start_date": "01.01.0001"}, "start_date", "Enter a date from 01.01.2000 to"),
        # Inside the portal's range but ten years long: refused by its length before attendance is looked at.
        ({"end_date": "31.12.2035"}, "end_date", "An event lasts at most 31 days"),
        ({"start_date": "01.01.2000"}, "end_date", "An event lasts at most 31 days"),
    ],
)
def test_moving_an_event_across_years_is_refused_at_once_with_few_queries(
    client_for, staff, make_event, make_person, attend, dates, field, message
):
    event = make_event(days=3)
    for _n in range(3):
        attend(event, make_person())
    response, captured = edit_post(client_for(staff), event, **dates)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    # No look at the attendance (it would be per day of the range) and no query that grows with the range.
    assert not [query for query in captured if "dialogues_attendance" in query["sql"]]
    assert len(captured) <= 25  # session, user, the form page's choices; the same for every date (next test)
    assert max(len(query["sql"]) for query in captured) < 5000
    event.refresh_from_db()
    assert (event.start_date, event.end_date) == (D(2026, 3, 10), D(2026, 3, 12))


def test_the_query_count_of_a_refused_move_does_not_depend_on_the_dates(client_for, staff, make_event, make_person):
    event = make_event(days=3)
    client = client_for(staff)
    counts = {
        dates: len(edit_post(client, event, start_date=dates[0], end_date=dates[1])[1])
        for dates in [
            ("10.03.2026", "30.06.2026"),
            ("10.03.2026", "31.12.2035"),
            ("01.01.2000", "31.12.2035"),
            ("01.01.0001", "31.12.9999"),
        ]
    }
    assert len(set(counts.values())) == 1, counts


def test_attendance_outside_is_one_range_condition_whatever_the_range(make_event, make_person, attend):
    event = make_event(days=3)
    attend(event, make_person(), days=[1])
    attend(event, make_person(), days=[2, 3])
    assert event.attendance_outside(event.start_date, event.end_date) == 0
    assert event.attendance_outside(event.start_date + datetime.timedelta(days=1), event.end_date) == 1
    assert event.attendance_outside(event.start_date, event.start_date) == 1
    assert event.attendance_outside(D(2026, 3, 13), D(2026, 3, 20)) == 2
    with CaptureQueriesContext(connection) as captured:
        assert event.attendance_outside(datetime.date.min, datetime.date.max) == 0
    assert len(captured) == 1 and len(captured[0]["sql"]) < 1000


def test_a_move_inside_the_limits_still_checks_the_attendance(client_for, staff, make_event, make_person, attend):
    event = make_event(days=3)
    attend(event, make_person(), days=[3])
    response, _captured = edit_post(client_for(staff), event, start_date="10.03.2026", end_date="11.03.2026")
    assert "1 people have attendance on days outside the new dates" in str(response.context["form"].errors)


def test_the_model_refuses_far_dates_too(make_event):
    event = Event(**{f.name: getattr(make_event(), f.name) for f in Event._meta.concrete_fields if f.name != "id"})
    event.end_date = D(9999, 12, 31)
    with pytest.raises(Exception) as error:
        event.full_clean()
    assert "end_date" in error.value.message_dict


@pytest.mark.parametrize(
    ("period_start", "period_end", "field"),
    [("01.01.0001", "31.12.9999", "period_start"), ("01.01.2026", "31.12.9999", "period_end")],
)
def test_a_plan_period_in_year_0001_or_9999_is_refused(
    client_for, staff, sites, make_organization, period_start, period_end, field
):
    body = make_organization(type_code="local-self-government")
    data = {
        "site": sites["kyshtut"].pk,
        "authoring_body": body.pk,
        "title": "План",
        "period_start": period_start,
        "period_end": period_end,
    }
    with translation.override("en"):
        response = client_for(staff).post(url("plans:plan-create"), data)
    assert response.status_code == 200
    assert f"Enter a date from 01.01.2000 to {latest_date():%d.%m.%Y}." in response.context["form"].errors[field]
    assert not ConflictPreventionPlan.objects.exists()


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("event-list", "?date_from=01.01.0001"),
        ("event-list", "?date_to=31.12.9999"),
        ("event-list", "?date_from=0001-01-01&date_to=9999-12-31"),
    ],
)
def test_a_far_date_in_a_list_filter_is_explained_and_ignored(client_for, staff, make_event, page, query):
    make_event(title="Семинар")
    with translation.override("en"):
        response = client_for(staff).get(url(f"dialogues:{page}") + query)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a date from 01.01.2000 to" in content
    assert "Семинар" in content  # the far date is ignored, not run as a query


def test_a_far_date_in_the_plans_filter_is_explained_and_ignored(client_for, staff):
    with translation.override("en"):
        response = client_for(staff).get(url("plans:plan-list") + "?period_to=31.12.9999")
    assert response.status_code == 200
    assert "Enter a date from 01.01.2000 to" in response.content.decode()


@pytest.mark.parametrize(("rows", "expected"), [("30", 30), ("999", 200), ("²", 25), ("9" * 5000, 25), ("-5", 25)])
def test_the_blank_sheets_row_count_is_bounded_and_never_an_error(client_for, staff, make_event, rows, expected):
    event = make_event(days=2)
    response = client_for(staff).get(url("dialogues:blank-sheet", event.pk), {"rows": rows})
    assert response.status_code == 200
    assert len(response.context["rows"]) == expected
