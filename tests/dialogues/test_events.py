"""Events and dialogue and resource centres: forms with clear messages, lost-update check, lists with
filters, and query counts that do not grow with the rows."""

import datetime

import pytest
from django.utils import translation

from dialogues.models import DialoguePlatform, Event, KnowledgeCheck
from tests.helpers import count_queries, url

D = datetime.date


def event_data(registry, **changes):
    data = {
        "title": "Жаштар менен диалог",
        "kind": "dialogue_meeting",
        "status": "planned",
        "site": registry["kyshtut"].pk,
        "start_date": "10.03.2026",
        "end_date": "12.03.2026",
        "venue": "Айыл өкмөтүнүн залы",
    }
    return data | changes


def test_staff_record_a_three_day_training(client_for, staff, registry, make_organization):
    from mapping_portal.models import ThematicArea

    organizer = make_organization(name_ky="Таян жаштар борбору")
    area = ThematicArea.objects.get(code="peace-security")
    response = client_for(staff).post(
        url("dialogues:event-create"),
        event_data(registry, kind="training", thematic_areas=[area.pk], organizers=[organizer.pk]),
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == url("dialogues:event-detail", event.pk)
    assert (event.day_count, event.created_by, list(event.organizers.all())) == (3, staff, [organizer])
    assert {entry.history_user for entry in event.history.all()} == {staff}  # who and when are kept


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "09.03.2026"}, "end_date", "The last day cannot be before the first day."),
        ({"end_date": "30.06.2026"}, "end_date", "An event lasts at most 31 days: check the dates."),
        ({"start_date": "31.02.2026"}, "start_date", "Enter a valid date."),
        ({"lat": "74.6", "lon": "42.8"}, "lat", "is not in Kyrgyzstan"),
    ],
)
def test_bad_event_input_gets_a_clear_message_not_an_error_page(client_for, staff, registry, changes, field, message):
    with translation.override("en"):
        response = client_for(staff).post(url("dialogues:event-create"), event_data(registry, **changes))
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors[field])
    assert not Event.objects.exists()


def test_a_centre_of_another_site_is_refused(client_for, staff, registry, make_platform):
    platform = make_platform(site="kerben")
    with translation.override("en"):
        response = client_for(staff).post(url("dialogues:event-create"), event_data(registry, platform=platform.pk))
        assert response.context["form"].errors["platform"] == [
            "This dialogue and resource centre is in another pilot site."
        ]


def test_the_second_of_two_simultaneous_edits_is_told(client_for, staff, registry, make_event):
    event = make_event(title="Биринчи аталыш")
    client = client_for(staff)
    form = client.get(url("dialogues:event-edit", event.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"start_date": "10.03.2026", "end_date": "10.03.2026"}
    assert client.post(url("dialogues:event-edit", event.pk), data | {"title": "Экинчи аталыш"}).status_code == 302
    with translation.override("en"):
        second = client.post(url("dialogues:event-edit", event.pk), data | {"title": "Үчүнчү аталыш"})
        assert second.status_code == 200
        assert "Someone else saved this record" in " ".join(second.context["form"].non_field_errors())
    event.refresh_from_db()
    assert event.title == "Экинчи аталыш"


def test_moving_an_event_away_from_recorded_attendance_is_refused(
    client_for, staff, registry, make_event, make_person, attend
):
    event = make_event(days=3)
    attend(event, make_person(), days=[3])
    form = client_for(staff).get(url("dialogues:event-edit", event.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:event-edit", event.pk), data | {"start_date": "10.03.2026", "end_date": "11.03.2026"}
        )
        assert "1 people have attendance on days outside the new dates" in str(response.context["form"].errors)
    event.refresh_from_db()
    assert event.end_date == D(2026, 3, 12)


def test_staff_open_a_dialogue_and_resource_centre(client_for, staff, registry, make_organization, make_person):
    host = make_organization(name_ky="Кыштут айыл өкмөтү")
    coordinator = make_person(full_name="Нурлан Жумабаев")
    response = client_for(staff).post(
        url("dialogues:platform-create"),
        {
            "name": "Кыштут диалог жана ресурстук борбору",
            "site": registry["kyshtut"].pk,
            "host_organization": host.pk,
            "status": "active",
            "opened_on": "01.02.2026",
            "coordinators": [coordinator.pk],
        },
    )
    platform = DialoguePlatform.objects.get()
    assert response["Location"] == url("dialogues:platform-detail", platform.pk)
    assert list(platform.coordinators.all()) == [coordinator]


def test_a_host_organization_of_another_site_is_refused(client_for, staff, registry, make_organization):
    host = make_organization(site="kerben")
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:platform-create"),
            {"name": "Борбор", "site": registry["kyshtut"].pk, "host_organization": host.pk, "status": "active"},
        )
        assert response.context["form"].errors["host_organization"] == [
            "The host organization is in another pilot site."
        ]


def titles(response):
    return [event.title for event in response.context["page"]]


def test_event_filters(client_for, staff, make_event, make_platform, make_organization):
    from dialogues.models import FollowUpAction

    platform = make_platform()
    organizer = make_organization()
    a = make_event(title="Тренинг", kind="training", start=D(2026, 3, 10), platform=platform)
    make_event(title="Семинар", kind="interactive_seminar", start=D(2026, 5, 1), site="kerben")
    c = make_event(title="Жолугушуу", kind="community_meeting", start=D(2026, 6, 1), status="planned")
    c.organizers.add(organizer)
    FollowUpAction.objects.create(event=a, what="Отчёт", owner="Айгүл", due=D(2020, 1, 1))
    client = client_for(staff)
    assert titles(client.get(url("dialogues:event-list") + "?kind=training")) == ["Тренинг"]
    assert titles(client.get(url("dialogues:event-list") + "?site=kerben")) == ["Семинар"]
    assert titles(client.get(url("dialogues:event-list") + "?status=planned")) == ["Жолугушуу"]
    assert titles(client.get(url("dialogues:event-list") + "?date_from=01.04.2026&date_to=31.05.2026")) == ["Семинар"]
    assert titles(client.get(url("dialogues:event-list") + f"?platform={platform.pk}")) == ["Тренинг"]
    assert titles(client.get(url("dialogues:event-list") + f"?organization={organizer.pk}")) == ["Жолугушуу"]
    assert titles(client.get(url("dialogues:event-list") + "?overdue=true")) == ["Тренинг"]
    assert titles(client.get(url("dialogues:event-list") + "?q=семи")) == ["Семинар"]
    assert titles(client.get(url("dialogues:event-list") + "?order=date")) == ["Тренинг", "Семинар", "Жолугушуу"]


@pytest.mark.parametrize("query", ["?site=atlantis", "?kind=party", "?date_from=yesterday", "?page=999", "?overdue=x"])
def test_unknown_filter_values_are_explained_not_an_error(client_for, staff, make_event, query):
    make_event()
    assert client_for(staff).get(url("dialogues:event-list") + query).status_code == 200


def populate(make_event, make_person, make_platform, make_organization, attend, tally, n):
    from dialogues.models import FollowUpAction
    from mapping_portal.models import ThematicArea

    areas = list(ThematicArea.objects.all()[:2])
    platform = make_platform()
    for number in range(n):
        event = make_event(platform=platform, days=2)
        event.thematic_areas.set(areas)
        event.organizers.add(make_organization())
        attend(event, make_person())
        attend(event, make_person(site="kerben"), days=[1])
        tally(event, count=3)
        FollowUpAction.objects.create(event=event, what=f"Иш {number}", owner="Айгүл", due=D(2020, 1, 1))


@pytest.mark.parametrize("role", ["staff", "la_kyshtut", "admin"])
def test_list_and_detail_query_counts_do_not_grow_with_the_rows(
    client_for, users, make_event, make_person, make_platform, make_organization, attend, tally, role
):
    client = client_for(users[role])
    populate(make_event, make_person, make_platform, make_organization, attend, tally, 2)
    event = Event.objects.first()
    platform = DialoguePlatform.objects.first()
    pages = [
        url("dialogues:event-list"),
        url("dialogues:event-detail", event.pk),
        url("dialogues:platform-list"),
        url("dialogues:platform-detail", platform.pk),
        url("dialogues:results"),
        url("dialogues:initiative-groups"),
    ]
    small = {page: count_queries(client, page) for page in pages}
    populate(make_event, make_person, make_platform, make_organization, attend, tally, 12)
    for number in range(8):
        attend(event, make_person(full_name=f"Катышуучу {number}"))
    assert {page: count_queries(client, page) for page in pages} == small


def test_event_detail_query_count_for_staff(client_for, staff, make_event, make_person, make_platform, attend, tally):
    event = make_event(platform=make_platform(), days=3)
    attend(event, make_person())
    tally(event)
    KnowledgeCheck.objects.create(event=event, max_score=10, after_bands=[0] * 9 + [1])
    # session, user, the user's sites (scope); the event (site, centre, settlement, author, counts),
    # its thematic areas, organizers, tallies, follow-up actions, attendance (with people and sites),
    # photos; people counted, tallies counted; the training's knowledge check (its distributions, the
    # participants' scores); history; the owner-organization choices of the action form; the menu's sites;
    # session save.
    assert count_queries(client_for(staff), url("dialogues:event-detail", event.pk)) <= 20


@pytest.mark.parametrize(("role", "shown"), [("staff", "3"), ("admin", "3"), ("la_kyshtut", "&lt;5")])
def test_the_event_list_hides_a_count_under_5_from_the_local_authority(
    client_for, users, make_event, make_person, attend, role, shown
):
    event = make_event(title="Three people")
    for _number in range(3):
        attend(event, make_person())
    content = client_for(users[role]).get(url("dialogues:event-list")).content.decode()
    row = content[content.index("Three people") :]
    row = row[: row.index("</tr>")]
    assert f'<td class="text-end">{shown}</td>' in row
    assert ('<td class="text-end">3</td>' in row) == (shown == "3")
