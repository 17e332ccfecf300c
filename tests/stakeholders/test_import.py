"""Import of organizations and people: header matching, values, dry run, commit, re-import of exports,
all-or-nothing, duplicates within the file and against the registry, the registry changing meanwhile."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from stakeholders import importing
from stakeholders.duplicates import similar_organizations, similar_people
from stakeholders.importing import values
from stakeholders.importing.commit import Writer
from stakeholders.models import ImportBatch, Membership, Organization, Person
from tests.stakeholders.test_duplicates import DIFFERENT, SAME


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary folder, not the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


ORG_HEADER = ["name_ky", "name_ru", "type", "site", "settlement", "thematic_areas", "year_founded", "phone"]


def csv_bytes(rows, encoding="utf-8-sig", delimiter=","):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(content, name="organizations.csv"):
    return SimpleUploadedFile(name, content)


def analysed(content, user, kind="organizations", name=None):
    name = name or ("file.xlsx" if content[:2] == b"PK" else "file.csv")
    batch = importing.start_import(upload(content, name), kind, user)
    return importing.analyse_all(batch)


def rows_of(batch):
    return list(batch.rows.order_by("number"))


def errors_of(batch):
    return [(row.number, error["column"], error["message"]) for row in rows_of(batch) for error in row.errors]


# --- Headers --------------------------------------------------------------------------------------


def kyrgyz(label):
    with translation.override("ky"):
        return str(label)


@pytest.mark.parametrize(
    "name_header",
    ["name_ky", "Name in Kyrgyz", "NAME_IN_KYRGYZ", " name ky ", "group_org/name_ky", "grp/Name in Kyrgyz", "name-ky"],
)
def test_headers_are_matched_by_code_label_case_punctuation_and_kobo_group(staff, registry, name_header):
    columns, ignored = importing.match_header("organizations", [name_header, "Type", "pilot site", "_id", "start"])
    assert columns == {0: "name_ky", 1: "type", 2: "site"}
    assert [column["column"] for column in ignored] == ["D “_id”", "E “start”"]


def test_headers_in_russian_and_kyrgyz_are_understood(registry):
    from stakeholders.models import Organization

    labels = []
    for language in ("ru", "ky"):
        with translation.override(language):
            labels.append(
                [str(Organization._meta.get_field(name).verbose_name) for name in ("name_ru", "site", "type")]
            )
    for header in labels:
        columns, _ignored = importing.match_header("organizations", header)
        assert sorted(columns.values()) == ["name_ru", "site", "type"]


def test_kobo_id_is_never_taken_for_our_id(registry):
    columns, ignored = importing.match_header("organizations", ["_id", "name_ky", "type", "site"])
    assert "id" not in columns.values() and ignored[0]["column"] == "A “_id”"


def test_export_only_columns_are_ignored_with_a_reason(registry):
    with translation.override("en"):
        _columns, ignored = importing.match_header("organizations", ["name_ky", "type", "site", "updated_at", "colour"])
        reasons = {column["column"]: str(column["reason"]) for column in ignored}
    assert reasons == {"D “updated_at”": "set by the portal", "E “colour”": "not a column the portal knows"}


def test_missing_required_columns_are_named(staff, registry):
    with translation.override("en"), pytest.raises(importing.ImportFileError) as refused:
        importing.start_import(upload(csv_bytes([["name_ky", "phone"], ["Уюм", "1"]])), "organizations", staff)
    assert "Required columns are missing: type, site" in refused.value.message
    assert not ImportBatch.objects.exists()


# --- Values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2005.0, "2005"),
        (996555123456.0, "996555123456"),
        ("'=HYPERLINK(1)", "=HYPERLINK(1)"),
        ("'+996 555", "+996 555"),
        ("'plain", "'plain"),
        ("  Кыштут  ", "Кыштут"),
        ("И\u0306ыш", "Йыш"),  # decomposed й (NFD) becomes one letter (NFC)
        (datetime(2026, 3, 12), "12.03.2026"),
    ],
)
def test_cells_become_clean_text(raw, expected):
    assert importing.clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2026, 3, 12, 10, 15), date(2026, 3, 12)),
        (46093, date(2026, 3, 12)),
        (46093.0, date(2026, 3, 12)),
        ("46093", date(2026, 3, 12)),
        ("12.03.2026", date(2026, 3, 12)),
        ("12/03/2026", date(2026, 3, 12)),
        ("2026-03-12", date(2026, 3, 12)),
        ("2026-03-12T10:15:00.000+06:00", date(2026, 3, 12)),
    ],
)
def test_dates_in_every_form_a_file_holds_them(raw, expected):
    assert values.parse_date(raw) == expected


@pytest.mark.parametrize("word", ["true", "TRUE", "1", 1, True, "yes", "Ооба", "да", "Да"])
def test_true_words(word):
    assert values.parse_bool(word) is True


@pytest.mark.parametrize("word", ["false", "0", 0, 0.0, False, "no", "жок", "Нет"])
def test_false_words(word):
    assert values.parse_bool(word) is False


@pytest.mark.parametrize(("raw", "expected"), [(2005.0, 2005), ("2005.0", 2005), ("2 005", 2005), ("12", 12)])
def test_whole_numbers(raw, expected):
    assert values.parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["12.5", "twelve", "12 чел"])
def test_not_whole_numbers_are_refused(raw):
    with pytest.raises(values.CellError):
        values.parse_int(raw)


def test_values_as_codes_or_labels_in_any_language_and_lists_in_any_separator(staff, registry):
    with translation.override("ru"):
        informal = str(Organization.RegistrationStatus.INFORMAL.label).upper()
    content = csv_bytes(
        [
            [
                "name_ky",
                "type",
                "site",
                "settlement",
                "thematic_areas",
                "target_groups",
                "registration_status",
                "women_led",
            ],
            ["Бир", "cso", "kyshtut", "", "peace-security; gbv-prevention", "women,youth", "informal", "1"],
            [
                "Эки",
                "Youth organization or centre",
                "Кыштут",
                "",
                "peace-security gbv-prevention",
                "Аялдар",
                informal,
                "ооба",
            ],
            ["Үч", "Мектеп", "Kyshtut ayil aimak", "", "", "", "registered", "нет"],
        ]
    )
    batch = analysed(content, staff)
    assert errors_of(batch) == []
    first, second, third = rows_of(batch)
    assert first.data["thematic_areas"] == second.data["thematic_areas"]
    assert len(first.data["thematic_areas"]) == 2 and len(first.data["target_groups"]) == 2
    assert second.data["registration_status"] == "informal" and second.data["women_led"] is True
    assert third.data["women_led"] is False


def test_settlements_by_soate_code_or_name_within_the_site(staff, registry):
    from mapping_portal.models import Settlement

    village = Settlement.objects.filter(site=registry["kyshtut"]).exclude(soate_code="").first()
    elsewhere = Settlement.objects.filter(site=registry["kerben"]).first()
    content = csv_bytes(
        [
            ["name_ky", "type", "site", "settlement"],
            ["Бир", "cso", "kyshtut", village.soate_code],
            ["Эки", "cso", "kyshtut", village.name_ru],
            ["Үч", "cso", "kyshtut", elsewhere.name_ru],
        ]
    )
    with translation.override("en"):
        batch = analysed(content, staff)
    rows = rows_of(batch)
    assert rows[0].data["settlement"] == rows[1].data["settlement"] == village.pk
    assert errors_of(batch) == [(4, "D “settlement”", "This settlement is not in the chosen pilot site.")]


def test_cell_errors_name_row_and_column(staff, registry):
    content = csv_bytes(
        [
            ORG_HEADER,
            ["Бир", "", "spaceship", "kyshtut", "", "", "1850", ""],
            ["Эки", "", "cso", "atlantis", "", "", "", ""],
            ["", "", "cso", "kyshtut", "", "", "twenty", ""],
        ]
    )
    with translation.override("en"):
        batch = analysed(content, staff)
        errors = errors_of(batch)
    assert (2, "C “type”") in [(n, c) for n, c, _m in errors]
    assert any(n == 2 and c == "G “year_founded”" for n, c, _m in errors)
    assert any(n == 3 and c == "D “site”" and "“atlantis” is not one of the allowed values" in m for n, c, m in errors)
    assert (4, "G “year_founded”", "Enter a whole number.") in errors
    assert any(n == 4 and "Give the name in Kyrgyz, in Russian, or both." in m for n, c, m in errors)
    assert batch.error_count == 3 and not batch.can_commit


def test_excel_cells_numbers_dates_and_blank_rows(staff, registry):
    content = xlsx_bytes(
        [
            ["name_ky", "type", "site", "year_founded", "phone"],
            ["Бир", "cso", "kyshtut", 2005.0, 996555123456],
            [None, None, None, None, None],
            ["", "", "", "", ""],
            ["Эки", "cso", "kyshtut", datetime(2010, 1, 1), "0555 12 34 56"],
        ]
    )
    batch = analysed(content, staff)
    assert errors_of(batch) == []
    first, second = rows_of(batch)
    assert (first.number, first.data["year_founded"], first.data["phone"]) == (2, 2005, "996555123456")
    assert (second.number, second.data["year_founded"]) == (5, 2010)


def test_semicolon_csv_in_the_windows_cyrillic_code_page(staff, registry):
    # (cp1251 has no ң ө ү: a Russian name is what such a file can hold.)
    content = csv_bytes([["name_ru", "type", "site"], ["Молодёжь Кыштута", "cso", "kyshtut"]], "cp1251", ";")
    batch = analysed(content, staff)
    assert rows_of(batch)[0].data["name_ru"] == "Молодёжь Кыштута"


# --- Dry run, commit, re-import ---------------------------------------------------------------


def test_dry_run_writes_nothing_to_the_registry_and_commit_creates_with_history(staff, registry):
    content = csv_bytes(
        [ORG_HEADER, ["Жаңы уюм", "Новая организация", "cso", "kyshtut", "", "peace-security", "2015", ""]]
    )
    batch = analysed(content, staff)
    assert (batch.status, batch.create_count, batch.error_count) == ("ready", 1, 0)
    assert not Organization.objects.exists()
    importing.commit(batch.pk, staff)
    organization = Organization.objects.get()
    assert (organization.name_ky, organization.year_founded, organization.created_by) == ("Жаңы уюм", 2015, staff)
    assert [a.code for a in organization.thematic_areas.all()] == ["peace-security"]
    # One "created" entry in its history, naming the import and who, with its thematic directions.
    record = organization.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        staff,
        f"Import #{batch.pk}: file.csv",
    )
    assert [link.thematicarea.code for link in record.thematic_areas.all()] == ["peace-security"]
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.rows.get().target_id == organization.pk


def test_after_the_commit_the_file_and_raw_values_are_not_kept(staff, registry, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from stakeholders.duplicates import pending_count, refresh_candidates
    from stakeholders.models import DuplicateScan

    refresh_candidates("organization", registry["kyshtut"])  # the duplicates page was up to date
    content = csv_bytes([ORG_HEADER, ["Жаңы уюм", "", "cso", "kyshtut", "", "", "", "+996 555 1"]])
    batch = analysed(content, staff)
    stored = batch.file.name
    assert default_storage.exists(stored)
    # A comparison that ran while the import was being written moved past rows it could not see yet.
    DuplicateScan.objects.filter(kind="organization").update(checked_until=timezone.now() + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        importing.commit(batch.pk, staff)
    assert not default_storage.exists(stored)
    row = batch.rows.get()
    assert (row.data, row.matches, row.action) == ({}, [], "create")
    # So the commit sends the comparison back: the new records are compared on the next visit.
    assert pending_count("organization", registry["kyshtut"]) == 1


def test_an_update_changes_only_what_the_file_says_and_blank_cells_keep_values(staff, make_organization):
    organization = make_organization(name_ky="Мээрим", phone="+996 555 111 222", year_founded=2001)
    content = csv_bytes(
        [
            ["id", "name_ky", "type", "site", "year_founded", "phone"],
            [organization.pk, "Мээрим", "cso", "kyshtut", "2003", ""],
        ]
    )
    batch = analysed(content, staff)
    row = batch.rows.get()
    assert row.action == "update" and row.changes == {"year_founded": ["2001", "2003"]}
    importing.commit(batch.pk, staff)
    organization.refresh_from_db()
    assert (organization.year_founded, organization.phone, organization.version) == (2003, "+996 555 111 222", 2)
    latest = organization.history.first()
    assert (latest.history_type, latest.history_user, latest.year_founded) == ("~", staff, 2003)
    assert latest.history_change_reason == f"Import #{batch.pk}: file.csv"


def test_records_are_matched_by_name_key_in_the_same_site_without_an_id(staff, make_organization):
    existing = make_organization(name_ky="«Мээрим» коомдук фонду")
    make_organization(name_ky="«Мээрим» коомдук фонду", site="kerben")
    content = csv_bytes([["name_ky", "type", "site", "phone"], ["ОФ Мээрим", "cso", "kyshtut", "0555"]])
    row = analysed(content, staff).rows.get()
    assert (row.action, row.target_id) == ("update", existing.pk)
    assert row.changes == {"name_ky": ["«Мээрим» коомдук фонду", "ОФ Мээрим"], "phone": ["", "0555"]}


def export_csv(client, name):
    response = client.get(f"/en/stakeholders/{name}export.csv")
    return b"".join(response.streaming_content)


def export_xlsx(client, name):
    response = client.get(f"/en/stakeholders/{name}export.xlsx")
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_organization_export_imports_back_unchanged(client_for, admin, make_organization, fmt):
    make_organization(
        name_ky="Өрнөк", name_ru="=Орнок", areas=["peace-security", "gbv-prevention"], women_led=True, year_founded=2010
    )
    make_organization(name_ky="Ынтымак", site="kerben", phone="+996 555 000 111", description="-минус")
    make_organization(name_ru="Только по-русски", site="akturpak", public_listing_consent=True)
    client = client_for(admin)
    content = export_csv(client, "") if fmt == "csv" else export_xlsx(client, "")
    batch = analysed(content, admin, name=f"organizations.{fmt}")
    assert errors_of(batch) == []
    assert (batch.row_count, batch.unchanged_count, batch.create_count, batch.update_count) == (3, 3, 0, 0)
    before = Organization.history.count()
    importing.commit(batch.pk, admin)
    assert Organization.objects.count() == 3 and Organization.history.count() == before


def test_a_people_export_imports_back_and_restores_memberships(client_for, admin, make_organization, make_person):
    organization = make_organization(name_ky="Аялдар кеңеши")
    person = make_person(full_name="Айгүл Токтосунова", birth_year=1985, vulnerable_groups=["single_parent"])
    make_person(full_name="Бакыт Асанов", site="kerben", sex="male", birth_year=None)
    Membership.objects.create(person=person, organization=organization, role="leader")
    content = export_csv(client_for(admin), "people/")
    again = analysed(content, admin, kind="people")
    assert errors_of(again) == [] and (again.unchanged_count, again.create_count) == (2, 0)
    importing.discard(again)

    Membership.objects.all().delete()
    batch = analysed(content, admin, kind="people")
    assert (batch.update_count, batch.unchanged_count, batch.create_count) == (1, 1, 0)
    importing.commit(batch.pk, admin)
    assert list(Membership.objects.values_list("person", "organization", "role")) == [
        (person.pk, organization.pk, "leader")
    ]
    assert Person.objects.count() == 2
    third = analysed(content, admin, kind="people")
    assert (third.unchanged_count, third.create_count, third.update_count) == (2, 0, 0)


def test_reimporting_the_same_file_creates_nothing_new(staff, registry):
    content = xlsx_bytes(
        [ORG_HEADER, ["Бир", "", "cso", "kyshtut", "", "", "", ""], ["Эки", "", "school", "kerben", "", "", "", ""]]
    )
    importing.commit(analysed(content, staff).pk, staff)
    second = analysed(content, staff)
    assert (second.create_count, second.update_count, second.unchanged_count) == (0, 0, 2)
    importing.commit(second.pk, staff)
    assert Organization.objects.count() == 2


def test_people_need_consent_and_match_by_name_and_birth_year(staff, make_person, make_organization):
    existing = make_person(full_name="Гүлнара Мамытова", birth_year=1990)
    content = csv_bytes(
        [
            ["full_name", "sex", "birth_year", "site", "consent_date", "consent_purpose", "phone"],
            ["Гулнара Мамытова", "ж", "1990", "kyshtut", "", "", 996700123456.0],
            ["Гүлнара Мамытова", "female", "1991", "kyshtut", "12.03.2026", "Тизме", ""],
            ["Асан Үсөнов", "Эркек", "", "kyshtut", "", "", ""],
        ]
    )
    with translation.override("en"):
        batch = analysed(content, staff, kind="people")
    first, second, third = rows_of(batch)
    assert (first.action, first.target_id) == ("update", existing.pk)  # ү/у spelled either way
    assert second.action == "create" and second.has_matches  # another year of birth: a new person, flagged
    assert third.action == "error" and "Record when the person gave consent" in third.errors[0]["message"]


# --- All or nothing -------------------------------------------------------------------------------


def test_one_bad_row_and_nothing_is_imported(staff, registry):
    content = csv_bytes(
        [ORG_HEADER, ["Бир", "", "cso", "kyshtut", "", "", "", ""], ["Эки", "", "cso", "kyshtut", "", "", "1700", ""]]
    )
    batch = analysed(content, staff)
    with pytest.raises(importing.ImportRefused):
        importing.commit(batch.pk, staff)
    assert not Organization.objects.exists()


def test_a_failure_half_way_through_the_commit_leaves_nothing(staff, registry, monkeypatch):
    content = csv_bytes([ORG_HEADER] + [[f"Уюм {n}", "", "cso", "kyshtut", "", "", "", ""] for n in range(5)])
    batch = analysed(content, staff)
    original = Writer.create
    calls = []

    def failing(self, row):
        calls.append(row.number)
        if len(calls) == 4:
            raise RuntimeError("disk full")
        return original(self, row)

    monkeypatch.setattr(Writer, "create", failing)
    with pytest.raises(RuntimeError):
        importing.commit(batch.pk, staff)
    assert not Organization.objects.exists() and Organization.history.count() == 0
    batch.refresh_from_db()
    assert batch.status == "ready"


def test_the_registry_changed_since_the_preview_asks_for_a_new_check(staff, make_organization):
    organization = make_organization(name_ky="Мээрим")
    batch = analysed(
        csv_bytes([["id", "name_ky", "type", "site", "phone"], [organization.pk, "Мээрим", "cso", "kyshtut", "1"]]),
        staff,
    )
    organization.phone = "2"
    organization.save()
    with pytest.raises(importing.ImportRefused) as refused:
        importing.commit(batch.pk, staff)
    assert refused.value.stale
    organization.refresh_from_db()
    assert organization.phone == "2"
    batch = importing.analyse_all(importing.restart(batch))
    assert batch.rows.get().changes == {"phone": ["2", "1"]}
    importing.commit(batch.pk, staff)
    organization.refresh_from_db()
    assert organization.phone == "1"


# --- Duplicates -----------------------------------------------------------------------------------


def test_duplicates_within_the_file_are_errors_and_similar_registry_names_are_flagged(staff, make_organization):
    existing = make_organization(name_ky="Кыштут аялдар кеңеши")
    content = csv_bytes(
        [
            ["name_ky", "type", "site"],
            ["Жаш-Тилек", "cso", "kyshtut"],
            ["Kyshtut ayaldar kenesh jamaaty", "cso", "kyshtut"],
            ["Жаш Тилек", "cso", "kyshtut"],
            ["Жаш-Тилек", "cso", "kerben"],
        ]
    )
    with translation.override("en"):
        batch = analysed(content, staff)
    rows = rows_of(batch)
    assert rows[0].action == "create" and not rows[0].has_matches
    assert rows[1].action == "create" and rows[1].matches[0]["id"] == existing.pk
    assert rows[2].action == "error" and "Row 2 holds the same record" in rows[2].errors[0]["message"]
    assert rows[3].action == "create"  # the same name in another site is another organization
    assert batch.duplicate_count == 2


def test_two_rows_changing_one_record_are_an_error(staff, make_organization):
    organization = make_organization(name_ky="Мээрим")
    content = csv_bytes(
        [
            ["id", "name_ky", "type", "site"],
            [organization.pk, "Мээрим", "cso", "kyshtut"],
            [organization.pk, "Мээрим 2", "cso", "kyshtut"],
        ]
    )
    batch = analysed(content, staff)
    assert [row.action for row in rows_of(batch)] == ["unchanged", "error"]


def test_duplicates_across_chunks_are_found(staff, registry, monkeypatch):
    monkeypatch.setattr(importing.limits, "CHUNK_ROWS", 2)
    content = csv_bytes(
        [["name_ky", "type", "site"]]
        + [[f"Уюм {n}", "cso", "kyshtut"] for n in range(5)]
        + [["Уюм 0", "cso", "kyshtut"]]
    )
    batch = importing.start_import(upload(content), "organizations", staff)
    steps = 0
    while batch.status == "analysing":
        batch = importing.advance(batch.pk, max_rows=2)
        steps += 1
    assert steps == 4 and batch.row_count == 6
    assert [row.action for row in rows_of(batch)][-1] == "error"


# --- Scope --------------------------------------------------------------------------------------


def test_rows_for_sites_outside_the_importers_scope_are_errors(make_organization, registry):
    from tests.conftest import make_user

    officer = make_user("officer-kerben", "staff", ["kerben"])
    hidden = make_organization(name_ky="Кыштут уюму")
    content = csv_bytes(
        [["id", "name_ky", "type", "site"], ["", "Бир", "cso", "kyshtut"], [hidden.pk, "Кыштут уюму", "cso", "kerben"]]
    )
    with translation.override("en"):
        batch = analysed(content, officer)
    first, second = rows_of(batch)
    assert first.action == "error" and "You do not work in the pilot site" in first.errors[0]["message"]
    assert second.target_id is None  # an id outside the scope is not matched (nor confirmed)


@pytest.mark.parametrize(("existing", "typed"), SAME)
def test_the_import_flags_what_the_typing_hint_offers(staff, make_organization, existing, typed):
    organization = make_organization(name_ky=existing)
    assert organization in similar_organizations(Organization.objects.all(), [typed])
    row = analysed(csv_bytes([["name_ru", "type", "site"], [f"{typed} 2", "cso", "kyshtut"]]), staff).rows.get()
    if row.action == "create":
        assert [match["id"] for match in row.matches] == [organization.pk]
    else:  # the very same key: it is that organization
        assert row.target_id == organization.pk


@pytest.mark.parametrize(("existing", "typed"), DIFFERENT)
def test_the_import_does_not_flag_other_organizations(staff, make_organization, existing, typed):
    make_organization(name_ky=existing)
    row = analysed(csv_bytes([["name_ky", "type", "site"], [typed, "cso", "kyshtut"]]), staff).rows.get()
    assert row.action == "create" and row.matches == []


@pytest.mark.parametrize(
    ("existing", "year", "typed", "typed_year", "flagged"),
    [
        ("Айгүл Токтосунова", 1990, "Айгул Токтосунова", "1990", False),  # the same key: matched, not flagged
        ("Айгүл Токтосунова", 1990, "Aigul Toktosunova", "1990", False),  # й as "i": the same key too
        ("Айгүл Токтосунова", 1990, "Aygul Toktosunova", "1990", False),  # й as "y": the same key too
        ("Айгүл Токтосунова", 1990, "Айгуль Токтосунова", "1991", True),
        ("Айгүл Токтосунова", 1990, "Айгүл Токтосунова", "1995", False),  # years apart: another person
        ("Айгүл Токтосунова", None, "Aigul Toktosunova Kyzy", "1980", True),
        ("Бакыт Асанов", 1990, "Айгүл Токтосунова", "1990", False),
    ],
)
def test_the_import_flags_people_as_the_duplicates_page_does(
    staff, make_person, existing, year, typed, typed_year, flagged
):
    person = make_person(full_name=existing, birth_year=year)
    expected = person in similar_people(Person.objects.all(), typed, birth_year=int(typed_year))
    rows = [
        ["full_name", "sex", "birth_year", "site", "consent_date", "consent_purpose"],
        [typed, "female", typed_year, "kyshtut", "01.02.2026", "Тизме"],
    ]
    row = analysed(csv_bytes(rows), staff, kind="people").rows.get()
    if row.action == "create":
        assert row.has_matches is flagged is expected
    else:
        assert row.target_id == person.pk and not flagged


def test_unfinished_imports_are_deleted_with_their_files_after_the_retention_days(
    staff, registry, settings, client_for
):
    """Staged rows and uploaded files hold personal data: an import never completed does not stay."""
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.utils import timezone

    settings.IMPORT_RETENTION_DAYS = 7
    rows = [["name_ky", "type", "site"], ["Таян жаштар борбору", "cso", "kyshtut"]]
    old, recent, refused = (analysed(csv_bytes(rows), staff) for _ in range(3))
    committed = importing.commit(
        analysed(csv_bytes([rows[0], ["Сай аялдар кеңеши", "cso", "kyshtut"]]), staff).pk, staff
    )
    eight_days_ago = timezone.now() - timezone.timedelta(days=8)
    ImportBatch.objects.filter(pk__in=[old.pk, refused.pk, committed.pk]).update(created_at=eight_days_ago)
    ImportBatch.objects.filter(pk=refused.pk).update(status=ImportBatch.Status.FAILED)
    old_file = old.file.name
    assert default_storage.exists(old_file)

    call_command("purge_imports", stdout=io.StringIO())

    assert set(ImportBatch.objects.values_list("pk", flat=True)) == {recent.pk, committed.pk}
    assert not default_storage.exists(old_file)
    assert default_storage.exists(recent.file.name)
    assert recent.rows.count() == 1  # the recent preview is untouched


def test_an_upload_purges_the_stale_imports_first(staff, registry, client_for):
    from django.utils import timezone

    rows = [["name_ky", "type", "site"], ["Таян жаштар борбору", "cso", "kyshtut"]]
    stale = analysed(csv_bytes(rows), staff)
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timezone.timedelta(days=30))
    response = client_for(staff).post(
        "/en/stakeholders/imports/new/", {"kind": "organizations", "file": upload(csv_bytes(rows))}
    )
    assert response.status_code == 302
    assert not ImportBatch.objects.filter(pk=stale.pk).exists()
    assert ImportBatch.objects.count() == 1
