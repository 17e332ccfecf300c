"""Issue 17's exports of the dialogues: the initiative groups (members counted; by name for admins only, logged) and
the viewer's results — the page's own cells, small ones suppressed exactly as the page shows them."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from dialogues.counting import SUPPRESSED
from mapping_portal.models import ExportLog
from tests.helpers import url


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


# --- Initiative groups ------------------------------------------------------------------------------------------


@pytest.fixture
def groups(make_organization, make_person, make_event):
    from dialogues.models import InitiativeGroup
    from stakeholders.models import Membership

    yntymak = make_organization(
        name_ky="«Ынтымак» демилгелүү тобу", type_code="initiative-group", areas=["peace-security"]
    )
    InitiativeGroup.objects.create(organization=yntymak, problems="=Сугат суусу", formed_on=datetime.date(2026, 2, 15))
    Membership.objects.create(person=make_person(full_name="Гүлнара Мамытова"), organization=yntymak, role="leader")
    Membership.objects.create(person=make_person(full_name="Нурлан Жумабаев"), organization=yntymak)
    for day in (3, 20):
        meeting = make_event(
            title=f"Жолугушуу {day}", kind="initiative_group_meeting", start=datetime.date(2026, 4, day)
        )
        meeting.organizers.add(yntymak)
    kerben = make_organization(name_ky="Кербен жаштары", type_code="initiative-group", site="kerben")
    Membership.objects.create(person=make_person(full_name="Асел Бекова", site="kerben"), organization=kerben)
    make_organization(name_ky="Башка уюм")  # not an initiative group
    return {"yntymak": yntymak, "kerben": kerben}


def groups_url(query=""):
    return url("dialogues:initiative-groups") + "?" + query


def test_the_groups_export_is_the_page_with_members_counted_not_named(client_for, staff, groups):
    client = client_for(staff)
    shown = [organization.pk for organization, _members in client.get(groups_url()).context["groups"]]
    response = client.get(groups_url("format=csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(row["id"]) for row in rows] == shown and len(shown) == 2
    yntymak = next(row for row in rows if row["id"] == str(groups["yntymak"].pk))
    assert (yntymak["site"], yntymak["members"], yntymak["meetings"]) == ("kyshtut", "2", "2")
    assert (yntymak["last_meeting"], yntymak["formed_on"], yntymak["formed_by_project"]) == (
        "2026-04-20",
        "2026-02-15",
        "True",
    )
    assert yntymak["problems"] == "'=Сугат суусу"  # a formula neutralised
    assert yntymak["thematic_areas"] == "peace-security"
    assert "Гүлнара" not in body and "Асел" not in body
    entry = ExportLog.objects.get()
    assert (entry.export, entry.user, entry.personal_data, entry.rows) == ("initiative-groups", staff, False, 2)


def test_a_local_authority_exports_its_own_sites_groups(client_for, users, groups):
    rows = csv_rows(client_for(users["la_kyshtut"]).get(groups_url("format=csv")))
    assert [row["name"] for row in rows] == ["«Ынтымак» демилгелүү тобу"]
    rows = csv_rows(client_for(users["la_kerben"]).get(groups_url("format=csv")))
    assert [row["name"] for row in rows] == ["Кербен жаштары"]


def test_the_groups_export_as_xlsx(client_for, users, groups):
    response = client_for(users["la_kyshtut"]).get(groups_url("format=xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2 and sheet["B2"].value == "«Ынтымак» демилгелүү тобу"


@pytest.mark.parametrize(
    ("role", "groups_status", "members_status"),
    [
        ("admin", 200, 200),
        ("staff", 200, 403),  # reads the names on the page; exports of personal data are admins' only
        ("la_kyshtut", 200, 403),
        ("viewer", 403, 403),
        ("reviewer", 403, 403),
        ("applicant", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_who_exports_the_groups_and_their_members(client_for, users, groups, role, groups_status, members_status):
    client = client_for(users[role])
    assert client.get(groups_url("format=csv")).status_code == groups_status
    assert client.get(groups_url("members=1&format=csv")).status_code == members_status


def test_the_members_export_names_them_for_admins_and_is_logged_as_personal_data(client_for, admin, groups):
    rows = csv_rows(client_for(admin).get(groups_url("members=1&format=csv")))
    assert {(row["organization"], row["full_name"], row["role"]) for row in rows} == {
        ("«Ынтымак» демилгелүү тобу", "Гүлнара Мамытова", "leader"),
        ("«Ынтымак» демилгелүү тобу", "Нурлан Жумабаев", "member"),
        ("Кербен жаштары", "Асел Бекова", "member"),
    }
    entry = ExportLog.objects.get()
    assert (entry.export, entry.personal_data, entry.rows, entry.filters) == (
        "initiative-group-members",
        True,
        3,
        {"members": ["1"]},
    )


def test_the_page_offers_the_exports_each_role_may_use(client_for, users, groups):
    staff_page = client_for(users["staff"]).get(groups_url()).content.decode()
    assert 'href="?format=csv"' in staff_page and "members=1" not in staff_page
    admin_page = client_for(users["admin"]).get(groups_url()).content.decode()
    assert 'href="?members=1&amp;format=xlsx"' in admin_page


def test_manage_py_exports_the_groups_and_their_members(groups, tmp_path):
    out = tmp_path / "groups.csv"
    call_command("export", "initiative-groups", "--format", "csv", "--out", str(out))
    names = {row["name"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert names == {"«Ынтымак» демилгелүү тобу", "Кербен жаштары"}
    out = tmp_path / "members.csv"
    call_command("export", "initiative-group-members", "--format", "csv", "--out", str(out))
    assert "Асел Бекова" in out.read_text(encoding="utf-8-sig")
    assert ExportLog.objects.get(export="initiative-group-members").personal_data


# --- The results, as the viewer sees them -----------------------------------------------------------------------


@pytest.fixture
def reached(make_event, make_person, attend, tally):
    """A three-day Kyshtut training: 7 women attend every day, 2 men one day (a small cell); 3 people tallied."""
    training = make_event(days=3)
    for n in range(7):
        attend(training, make_person(full_name=f"Аял {n}", sex="female", birth_year=1995))
    for n in range(2):
        attend(training, make_person(full_name=f"Эркек {n}", sex="male", birth_year=1980), days=[1])
    tally(training, sex="female", count=3)
    return training


def results_url(query=""):
    return url("dialogues:results") + "?" + query


def page_cells(response):
    """{(counted, breakdown, group): (reached, trained)} as the page writes them."""
    cells = {}
    for kind, tables in (("named", response.context["tables"]), ("tallies", response.context["tally_tables"])):
        for table in tables:
            for label, reached, trained in table.rows:
                cells[(kind, str(table.title), str(label))] = (str(reached), str(trained))
    return cells


def export_cells(rows):
    return {
        (row["counted"], row["breakdown"], row["group"]): (row["reached"], row["completed_training"])
        for row in rows
        if row["group"]
    }


@pytest.mark.parametrize("role", ["viewer", "la_kyshtut"])
def test_the_viewers_results_export_is_the_pages_cells_suppressed(client_for, users, reached, role):
    client = client_for(users[role])
    page = client.get(results_url())
    rows = csv_rows(client.get(results_url("format=csv")))
    assert export_cells(rows) == page_cells(page)
    by_sex = {
        row["group"]: row["reached"] for row in rows if row["counted"] == "named" and row["breakdown"] == "By sex"
    }
    assert by_sex["men"] == SUPPRESSED and page_cells(page)[("named", "By sex", "men")][0] == SUPPRESSED
    # Never a raw count under 5, whichever cell.
    for row in rows:
        for value in (row["reached"], row["completed_training"]):
            assert not value.isdigit() or int(value) == 0 or int(value) >= 5, row
    totals = {row["counted"]: (row["reached"], row["completed_training"]) for row in rows if not row["group"]}
    assert totals == {"named": ("9", "7"), "tallies": (SUPPRESSED, "0")}
    entry = ExportLog.objects.get()
    assert (entry.export, entry.user, entry.personal_data) == ("dialogue-results", users[role], False)


def test_staff_export_the_counts_as_they_are(client_for, staff, reached):
    rows = csv_rows(client_for(staff).get(results_url("format=csv")))
    by_sex = {
        row["group"]: row["reached"] for row in rows if row["counted"] == "named" and row["breakdown"] == "By sex"
    }
    assert by_sex == {"women": "7", "men": "2"}


def test_the_viewers_export_keeps_the_filters_the_viewer_may_use(client_for, viewer, reached, make_event, attend):
    other = make_event(site="kerben", kind="seminar")
    from stakeholders.models import Person

    for person in Person.objects.filter(sex="female")[:6]:
        attend(other, person)
    client = client_for(viewer)
    rows = csv_rows(client.get(results_url("site=kerben&format=csv")))
    page = client.get(results_url("site=kerben"))
    assert export_cells(rows) == page_cells(page)
    totals = {row["counted"]: row["reached"] for row in rows if not row["group"]}
    assert totals["named"] == "6"


@pytest.mark.parametrize(("role", "status"), [("reviewer", 403), ("applicant", 403), ("anonymous", 302)])
def test_who_may_not_export_the_results(client_for, users, reached, role, status):
    assert client_for(users[role]).get(results_url("format=csv")).status_code == status


def test_the_results_page_offers_the_viewer_its_export(client_for, viewer, reached):
    page = client_for(viewer).get(results_url("kind=training")).content.decode()
    assert "kind=training&amp;format=xlsx" in page
