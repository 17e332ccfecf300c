"""Exports of the registry: what the list shows, filters applied, formulas neutralised, personal data logged."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command

from mapping_portal.models import ExportLog
from tests.helpers import url


def export(client, name, fmt, query=""):
    response = client.get(url(f"stakeholders:{name}-export", fmt) + query)
    assert response.status_code == 200
    return response


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_export_is_what_the_filtered_list_shows(client_for, staff, make_organization):
    make_organization(name_ky="Кыштут уюму", areas=["peace-security"])
    make_organization(name_ky="Кербен уюму", site="kerben")
    rows = csv_rows(export(client_for(staff), "organization", "csv", "?site=kyshtut"))
    assert [row["name_ky"] for row in rows] == ["Кыштут уюму"]
    assert rows[0]["site"] == "kyshtut" and rows[0]["thematic_areas"] == "peace-security"
    assert rows[0]["type"] == "cso"


def test_headers_are_stable_field_names(client_for, staff, make_organization):
    make_organization()
    header = list(csv_rows(export(client_for(staff), "organization", "csv"))[0])
    assert header[:6] == ["id", "name_ky", "name_ru", "acronym", "type", "site"]
    assert "funding_sources" in header


def test_funding_sources_are_left_out_of_a_local_authoritys_export(client_for, la_kyshtut, make_organization):
    make_organization(funding_sources="Жеке демөөрчү")
    rows = csv_rows(export(client_for(la_kyshtut), "organization", "csv"))
    assert "funding_sources" not in rows[0]
    assert "Жеке демөөрчү" not in str(rows)


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)"])
def test_formulas_are_neutralised_in_csv_and_xlsx(client_for, staff, make_organization, dangerous):
    make_organization(name_ky="Уюм", description=dangerous)
    client = client_for(staff)
    assert csv_rows(export(client, "organization", "csv"))[0]["description"] == "'" + dangerous
    response = export(client, "organization", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("description") + 1)
    assert cell.value == "'" + dangerous and cell.data_type == "s"


def test_xlsx_export_has_the_same_rows(client_for, staff, make_organization):
    make_organization(name_ky="Өрнөк")
    make_organization(name_ky="Ынтымак")
    response = export(client_for(staff), "organization", "xlsx", "?order=name")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Өрнөк", "Ынтымак"]


def test_every_export_is_logged_and_personal_data_is_flagged(client_for, admin, staff, make_organization, make_person):
    make_organization()
    make_person(full_name="Айгүл Токтосунова")
    make_person(full_name="Бакыт Асанов", site="kerben")
    b"".join(export(client_for(staff), "organization", "csv").streaming_content)
    rows = csv_rows(export(client_for(admin), "person", "csv", "?site=kerben"))
    assert [row["full_name"] for row in rows] == ["Бакыт Асанов"]
    people_log = ExportLog.objects.get(export="people")
    assert (people_log.user, people_log.personal_data, people_log.rows, people_log.format) == (admin, True, 1, "csv")
    assert people_log.filters == {"site": ["kerben"]}
    organizations_log = ExportLog.objects.get(export="organizations")
    assert (organizations_log.user, organizations_log.personal_data) == (staff, False)


def test_an_unknown_format_is_not_found(client_for, staff):
    assert client_for(staff).get("/en/stakeholders/export.pdf").status_code == 404


def test_the_export_command_writes_and_logs(tmp_path, make_organization, make_person):
    make_organization(name_ky="Кыштут уюму")
    make_person()
    out = tmp_path / "people.xlsx"
    call_command("export", "people", "--format", "xlsx", "--out", str(out), stderr=io.StringIO())
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 2 and sheet.cell(1, 2).value == "full_name"
    csv_out = tmp_path / "organizations.csv"
    call_command("export", "organizations", "--format", "csv", "--out", str(csv_out), stderr=io.StringIO())
    assert "Кыштут уюму" in csv_out.read_text(encoding="utf-8-sig")
    assert list(ExportLog.objects.order_by("created_at").values_list("export", "channel", "rows")) == [
        ("people", "command", 1),
        ("organizations", "command", 1),
    ]


def test_a_nul_character_in_the_query_is_logged_without_it(client_for, users, make_organization):
    from mapping_portal.models import ExportLog

    make_organization()
    response = client_for(users["staff"]).get("/en/stakeholders/export.csv?q=a%00b&site%00=kyshtut")
    assert response.status_code == 200
    assert ExportLog.objects.get().filters == {"q": ["ab"], "site": ["kyshtut"]}
