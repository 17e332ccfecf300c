"""Import pages and command: who may use them, the upload → progress → preview → commit journey, the
template, constant query counts, and `manage.py import_stakeholders`."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from stakeholders import importing
from stakeholders.models import ImportBatch, Organization, Person
from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import count_queries
from tests.stakeholders.test_import import csv_bytes, private_media  # noqa: F401 (autouse)

ALLOWED = {"admin", "staff"}
GOOD = [["name_ky", "type", "site"], ["Жаңы уюм", "cso", "kyshtut"], ["Экинчи уюм", "school", "kerben"]]


def batch_for(user, rows=GOOD, kind="organizations"):
    batch = importing.start_import(SimpleUploadedFile("file.csv", csv_bytes(rows)), kind, user)
    return importing.analyse_all(batch)


def page_urls(batch):
    base = f"/en/stakeholders/imports/{batch.pk}"
    return [
        ("get", "/en/stakeholders/imports/"),
        ("get", "/en/stakeholders/imports/new/"),
        ("get", "/en/stakeholders/imports/template.xlsx?kind=organizations&lang=ru"),
        ("get", f"{base}/"),
        ("post", f"{base}/progress/"),
        ("post", f"{base}/commit/"),
        ("post", f"{base}/restart/"),
        ("post", f"{base}/discard/"),
    ]


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_only_admins_and_staff_reach_the_import_pages(client_for, users, admin, role):
    batch = batch_for(users[role] if role in ALLOWED else admin)
    client = client_for(users[role])
    for method, url in page_urls(batch):
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif role in ALLOWED:
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 404, url
    if role not in ALLOWED:
        assert not Organization.objects.exists() and ImportBatch.objects.filter(pk=batch.pk).exists()


def test_a_batch_is_its_uploaders_an_admin_sees_all(client_for, users, staff, admin):
    from tests.conftest import make_user

    batch = batch_for(staff)
    colleague = make_user("officer-2", "staff")
    assert client_for(colleague).get(f"/en/stakeholders/imports/{batch.pk}/").status_code == 404
    assert client_for(colleague).post(f"/en/stakeholders/imports/{batch.pk}/commit/").status_code == 404
    assert batch.pk not in [b.pk for b in client_for(colleague).get("/en/stakeholders/imports/").context["page"]]
    assert client_for(admin).get(f"/en/stakeholders/imports/{batch.pk}/").status_code == 200
    assert not Organization.objects.exists()


def test_people_imports_need_personal_data_rights(client_for, staff, registry):
    response = client_for(staff).get("/en/stakeholders/imports/new/")
    assert [value for value, _label in response.context["form"].fields["kind"].choices] == ["organizations", "people"]


def test_upload_progress_preview_commit(client_for, staff, registry, monkeypatch):
    monkeypatch.setattr(importing.limits, "CHUNK_ROWS", 1)
    client = client_for(staff)
    content = csv_bytes(GOOD + [["Жаңы уюм", "cso", "kyshtut"]])
    response = client.post(
        "/en/stakeholders/imports/new/", {"kind": "organizations", "file": SimpleUploadedFile("orgs.csv", content)}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/en/stakeholders/imports/{batch.pk}/"
    page = client.get(response["Location"])
    assert 'data-testid="import-progress"' in page.content.decode() and batch.status == "analysing"
    progress = f"/en/stakeholders/imports/{batch.pk}/progress/"
    step = client.post(progress, headers={"HX-Request": "true"})
    assert step.status_code == 200 and "1 row checked so far" in step.content.decode()
    for _ in range(5):
        step = client.post(progress, headers={"HX-Request": "true"})
        if step.status_code == 204:
            break
    assert step["HX-Refresh"] == "true"
    page = client.get(f"/en/stakeholders/imports/{batch.pk}/")
    text = page.content.decode()
    assert page.context["show"] == "errors"  # rows with errors are shown first
    assert "Row 2 holds the same record" in text and 'data-testid="commit-blocked"' in text
    assert client.post(f"/en/stakeholders/imports/{batch.pk}/commit/").status_code == 302
    assert not Organization.objects.exists()

    # The corrected file goes through.
    response = client.post(
        "/en/stakeholders/imports/new/",
        {"kind": "organizations", "file": SimpleUploadedFile("orgs.csv", csv_bytes(GOOD))},
    )
    batch = ImportBatch.objects.latest("pk")
    while batch.status == "analysing":
        client.post(f"/en/stakeholders/imports/{batch.pk}/progress/", headers={"HX-Request": "true"})
        batch.refresh_from_db()
    response = client.post(f"/en/stakeholders/imports/{batch.pk}/commit/", follow=True)
    assert "Imported: 2 new, 0 updated." in response.content.decode()
    created = Organization.objects.get(name_ky="Жаңы уюм")
    assert f"/en/stakeholders/{created.pk}/" in response.content.decode()  # the result links to the records


def test_the_commit_page_asks_to_check_again_when_the_registry_changed(client_for, staff, make_organization):
    client = client_for(staff)
    batch = batch_for(staff)
    make_organization(name_ky="Кийин кошулган")
    response = client.post(f"/en/stakeholders/imports/{batch.pk}/commit/", follow=True)
    assert "The registry has changed since this preview was made" in response.content.decode()
    assert Organization.objects.count() == 1
    client.post(f"/en/stakeholders/imports/{batch.pk}/restart/")
    batch.refresh_from_db()
    assert batch.status == "analysing" and not batch.rows.exists()


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
@pytest.mark.parametrize("kind", ["organizations", "people"])
def test_the_template_has_headers_in_the_chosen_language_columns_values_and_dropdowns(
    client_for, staff, registry, language, kind
):
    response = client_for(staff).get(f"/en/stakeholders/imports/template.xlsx?kind={kind}&lang={language}")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, columns, values = workbook.worksheets[:3]
    header = [cell.value for cell in data[1]]
    with translation.override(language):
        expected = str((Organization if kind == "organizations" else Person)._meta.get_field("site").verbose_name)
    assert expected in header
    matched, ignored = importing.match_header(kind, header)
    assert ignored == [] and len(matched) == len(header)  # the template's own header imports back
    described = {row[0] for row in columns.iter_rows(min_row=2, values_only=True)}
    assert "site" in described and "settlement" in described
    listed = {(row[0], row[1]) for row in values.iter_rows(min_row=2, values_only=True)}
    assert ("site", "kyshtut") in listed
    assert any(name == "settlement" and code for name, code in listed)
    if kind == "organizations":
        assert ("type", "cso") in listed and ("thematic_areas", "gbv-prevention") in listed
    else:
        assert ("sex", "female") in listed and ("wg_seeing", "a_lot") in listed
        assert ("vulnerable_groups", "single_parent") in listed
    assert len(data.data_validations.dataValidation) >= 2


def test_a_filled_template_imports(staff, registry):
    stream = io.BytesIO()
    importing.build_template("organizations", "ru", stream)
    workbook = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = [None] * len(header)
    for name, value in {"name_ru": "Молодёжный центр", "type": "Школа", "site": "Кыштут", "women_led": "да"}.items():
        with translation.override("ru"):
            row[header.index(str(Organization._meta.get_field(name).verbose_name))] = value
    sheet.append(row)
    filled = io.BytesIO()
    workbook.save(filled)
    batch = importing.analyse_all(
        importing.start_import(SimpleUploadedFile("t.xlsx", filled.getvalue()), "organizations", staff)
    )
    assert batch.create_count == 1 and batch.error_count == 0


def test_preview_and_list_query_counts_do_not_grow_with_rows(client_for, staff, registry):
    client = client_for(staff)
    small = batch_for(staff, [["name_ky", "type", "site"]] + [[f"Уюм {n}", "cso", "kyshtut"] for n in range(3)])
    large = batch_for(staff, [["name_ky", "type", "site"]] + [[f"Башка {n}", "cso", "kyshtut"] for n in range(60)])
    # session, user, the batch (with its uploader), the page of rows, the menu's sites, the session save (3).
    assert count_queries(client, f"/en/stakeholders/imports/{small.pk}/") == count_queries(
        client, f"/en/stakeholders/imports/{large.pk}/"
    )
    assert count_queries(client, f"/en/stakeholders/imports/{large.pk}/?show=new&page=2") <= 9
    few = count_queries(client, "/en/stakeholders/imports/")
    for _ in range(5):
        batch_for(staff, GOOD)
    assert count_queries(client, "/en/stakeholders/imports/") == few


# --- The command --------------------------------------------------------------------------------


def write(tmp_path, rows, name="organizations.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return str(path)


def test_the_command_dry_run_writes_nothing(tmp_path, registry):
    out = io.StringIO()
    call_command("import_stakeholders", write(tmp_path, GOOD), "--dry-run", stdout=out)
    assert "new: 2" in out.getvalue() and "Dry run: nothing was written." in out.getvalue()
    assert not Organization.objects.exists() and not ImportBatch.objects.exists()


def test_the_command_imports_and_a_second_run_creates_nothing(tmp_path, staff, registry):
    path = write(tmp_path, GOOD)
    out = io.StringIO()
    call_command("import_stakeholders", path, "--user", "staff", stdout=out)
    assert "2 created, 0 updated" in out.getvalue()
    assert Organization.objects.count() == 2 and Organization.objects.first().created_by == staff
    out = io.StringIO()
    call_command("import_stakeholders", path, stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()
    assert Organization.objects.count() == 2


def test_the_command_reports_errors_and_fails(tmp_path, registry):
    out = io.StringIO()
    path = write(tmp_path, GOOD + [["Үчүнчү", "spaceship", "kyshtut"]])
    with pytest.raises(CommandError, match="1 rows have errors: nothing was imported"):
        call_command("import_stakeholders", path, stdout=out)
    assert "row 4: error" in out.getvalue() and "column B “type”" in out.getvalue()
    assert not Organization.objects.exists()


def test_the_command_refuses_a_bad_file(tmp_path, registry):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(CommandError, match="not a spreadsheet"):
        call_command("import_stakeholders", str(path), stdout=io.StringIO())


def test_the_command_guesses_people_and_checks_the_user(tmp_path, registry, users):
    rows = [
        ["full_name", "sex", "birth_year", "site", "consent_date", "consent_purpose"],
        ["Айгүл Токтосунова", "female", "1990", "kyshtut", "01.02.2026", "Тизме"],
    ]
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_stakeholders", write(tmp_path, rows, "people.csv"), "--user", "viewer")
    call_command("import_stakeholders", write(tmp_path, rows, "people.csv"), stdout=io.StringIO())
    assert Person.objects.get().full_name == "Айгүл Токтосунова"


def test_the_command_exits_non_zero(tmp_path, registry):
    import subprocess
    import sys

    path = write(tmp_path, GOOD + [["Үчүнчү", "spaceship", "kyshtut"]])
    result = subprocess.run(
        [sys.executable, "manage.py", "import_stakeholders", path, "--dry-run"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DATABASE_URL": _database_url()},
        check=False,
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "rows have errors" in result.stderr


def _database_url():
    settings = connection.settings_dict
    from urllib.parse import quote

    host = quote(settings["HOST"] or "", safe="")
    return f"postgres://{settings['USER']}@{host}:{settings['PORT']}/{settings['NAME']}"


@pytest.mark.parametrize("role", ["admin", "staff", "la_kyshtut", "viewer", "anonymous"])
def test_the_lists_link_to_the_import_for_those_who_may_import(client_for, users, role):
    client = client_for(users[role])
    organizations = client.get("/en/stakeholders/").content.decode()
    assert ("/en/stakeholders/imports/" in organizations) is (role in ALLOWED)
    if role in ALLOWED:  # the registry's tabs lead to the imports from the people's list too
        assert "/en/stakeholders/imports/" in client.get("/en/stakeholders/people/").content.decode()


def test_the_admin_shows_imports_read_only(client_for, admin):
    batch = batch_for(admin)
    client = client_for(admin)
    assert client.get("/admin/stakeholders/importbatch/").status_code == 200
    page = client.get(f"/admin/stakeholders/importbatch/{batch.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_the_upload_page_states_the_limits_on_columns_and_row_width(client_for, staff, registry):
    page = client_for(staff).get("/en/stakeholders/imports/new/").content.decode()
    assert "At most 200 columns; at most 100\u00a0000 characters in a row and 32\u00a0767 in a cell." in page
    assert "20 MB, 20 000 rows and 200 columns" in page
