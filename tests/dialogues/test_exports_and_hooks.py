"""What the dialogues give to the rest of the portal: exports (attendance only for admins, logged), the
organization timeline, the site page's figures and the map."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from dialogues.counting import SUPPRESSED
from mapping_portal.models import ExportLog
from tests.helpers import url


def csv_rows(response):
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def events(make_event, make_person, make_organization, attend, tally):
    organizer = make_organization(name_ky="Таян жаштар борбору")
    training = make_event(title="Тренинг", days=3)
    training.organizers.add(organizer)
    attend(training, make_person(full_name="Айгүл Токтосунова"))
    attend(training, make_person(full_name="Бакыт Асанов"), days=[1])
    tally(training, count=4)
    kerben = make_event(title="=HYPERLINK(1)", site="kerben")
    attend(kerben, make_person(site="kerben", full_name="Асел Бекмурзаева"))
    return {"training": training, "kerben": kerben, "organizer": organizer}


def test_event_export_is_the_filtered_list_without_names(client_for, staff, events):
    rows = csv_rows(client_for(staff).get(url("dialogues:event-export", "csv") + "?site=kyshtut"))
    assert [row["title"] for row in rows] == ["Тренинг"]
    row = rows[0]
    assert (row["days"], row["participants_named"], row["people_tallied"]) == ("3", "2", "4")
    assert row["organizers"] == str(events["organizer"].pk)
    assert "Айгүл" not in str(rows)
    entry = ExportLog.objects.get()
    assert (entry.export, entry.rows, entry.personal_data, entry.filters) == ("events", 1, False, {"site": ["kyshtut"]})


def test_a_local_authority_exports_its_own_sites_events_only(client_for, la_kerben, events):
    rows = csv_rows(client_for(la_kerben).get(url("dialogues:event-export", "csv")))
    assert [row["title"] for row in rows] == ["'=HYPERLINK(1)"]  # formula neutralised
    assert rows[0]["participants_named"] == "<5"  # one person: hidden from the local authority, as on the list


def test_the_event_export_hides_counts_under_5_from_a_local_authority_only(client_for, staff, la_kyshtut, events):
    [staff_row] = csv_rows(client_for(staff).get(url("dialogues:event-export", "csv") + "?site=kyshtut"))
    [la_row] = csv_rows(client_for(la_kyshtut).get(url("dialogues:event-export", "csv")))
    assert (staff_row["participants_named"], staff_row["people_tallied"]) == ("2", "4")
    assert (la_row["participants_named"], la_row["people_tallied"]) == ("<5", "<5")


def test_attendance_export_is_personal_data_for_admins_and_logged(client_for, admin, events):
    rows = csv_rows(client_for(admin).get(url("dialogues:attendance-export", "csv") + "?site=kyshtut"))
    assert {(row["full_name"], row["days_attended"], row["attended_all_days"]) for row in rows} == {
        ("Айгүл Токтосунова", "3", "True"),
        ("Бакыт Асанов", "1", "False"),
    }
    entry = ExportLog.objects.get()
    assert (entry.export, entry.user, entry.personal_data, entry.rows) == ("attendance", admin, True, 2)


def test_attendance_export_as_xlsx(client_for, admin, events):
    response = client_for(admin).get(url("dialogues:attendance-export", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 4  # header and three people


def test_results_export_for_those_who_may_export(client_for, users, events):
    response = client_for(users["staff"]).get(url("dialogues:results") + "?format=csv")
    rows = csv_rows(response)
    by_sex = [row for row in rows if row["counted"] == "named" and row["group"] in ("women", "men")]
    assert [(row["group"], row["reached"]) for row in by_sex] == [("women", "3"), ("men", "0")]
    # Viewers export the aggregates too (tests/dialogues/test_more_exports.py); reviewers see no results at all.
    assert client_for(users["reviewer"]).get(url("dialogues:results") + "?format=csv").status_code == 403


def test_manage_py_exports_attendance_and_logs_it(events, tmp_path):
    out = tmp_path / "attendance.csv"
    call_command("export", "attendance", "--format", "csv", "--out", str(out))
    assert "Асел Бекмурзаева" in out.read_text(encoding="utf-8-sig")
    assert ExportLog.objects.get().personal_data is True


def test_manage_py_exports_events(events, tmp_path):
    out = tmp_path / "events.csv"
    call_command("export", "events", "--format", "csv", "--out", str(out))
    assert len(out.read_text(encoding="utf-8-sig").strip().splitlines()) == 3


def test_events_appear_on_the_organizers_and_members_timelines(
    client_for, users, events, make_organization, make_person, attend
):
    from stakeholders.models import Membership

    member_org = make_organization(name_ky="Аялдар кеңеши")
    member = events["training"].attendances.get(person__full_name="Бакыт Асанов").person
    Membership.objects.create(person=member, organization=member_org, role="member")
    with translation.override("en"):
        organizer_items = (
            client_for(users["staff"])
            .get(url("stakeholders:organization-timeline", events["organizer"].pk))
            .context["items"]
        )
        member_items = (
            client_for(users["la_kyshtut"])
            .get(url("stakeholders:organization-timeline", member_org.pk))
            .context["items"]
        )
        viewer_items = (
            client_for(users["viewer"])
            .get(url("stakeholders:organization-timeline", events["organizer"].pk))
            .context["items"]
        )
    assert [(i.kind, i.title, i.detail) for i in organizer_items if i.kind == "event"] == [
        ("event", "Training: Тренинг", "organized it · held")
    ]
    assert [i.detail for i in member_items if i.kind == "event"] == ["1 of its members attended · held"]
    assert not [i for i in viewer_items if i.kind == "event"]  # viewers read aggregates only


def test_the_site_page_shows_the_dialogue_figures(client_for, users, events, make_person, attend):
    with translation.override("en"):
        for role in ("staff", "la_kyshtut", "viewer"):
            figures = client_for(users[role]).get(url("site-detail", "kyshtut")).context["figures"]
            by_label = {f.label: f for f in figures}
            assert (by_label["Events held"].value, by_label["Trainings held"].value) == (1, 1)
            assert bool(by_label["Events held"].url) is (role != "viewer")  # viewers read aggregates only
            # Two people at the training (one of them all three days), from the reach summary; under 5 is
            # suppressed for everyone but staff.
            reached = by_label["People reached (unique, named)"]
            trained = by_label["People who completed a training"]
            shown = (2, 1) if role == "staff" else (SUPPRESSED, SUPPRESSED)
            assert (reached.value, trained.value) == shown
            assert reached.url == trained.url == "/en/dialogues/results/?site=kyshtut"


def test_the_site_page_counts_people_once_across_events(client_for, staff, make_event, make_person, attend):
    people = [make_person() for _ in range(6)]
    for start in (datetime.date(2026, 3, 2), datetime.date(2026, 4, 6)):
        training = make_event(days=2, start=start)
        for number, person in enumerate(people):
            attend(training, person, days=[1, 2] if number == 0 and start.month == 4 else [1])
    with translation.override("en"):
        figures = client_for(staff).get(url("site-detail", "kyshtut")).context["figures"]
    by_label = {f.label: f.value for f in figures}
    assert (by_label["People reached (unique, named)"], by_label["People who completed a training"]) == (6, 1)


@pytest.mark.parametrize(
    ("role", "layer"), [("staff", True), ("la_kyshtut", True), ("viewer", False), ("anonymous", False)]
)
def test_the_map_page_offers_the_dialogues_layer_to_those_who_may_see_events(client_for, users, role, layer):
    page = client_for(users[role]).get(url("map")).content.decode()
    assert ("data-dialogues-url" in page) is layer
