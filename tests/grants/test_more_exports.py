"""The grant calls' and a call's ranking's exports (issue 17): the list's filters applied, the page's access, no
reviewer's or applicant's name, formulas neutralised, every export logged, and both in `manage.py export`."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from mapping_portal.models import ExportLog
from tests.conftest import make_user
from tests.grants.test_ranking import every, review
from tests.helpers import url


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def calls_url(query=""):
    return url("grants:call-list") + "?" + query


# --- Calls ------------------------------------------------------------------------------------------------------


@pytest.fixture
def calls(make_call, make_application, staff):
    """Three calls: Kyshtut open (one award of 85 000), Kyshtut decided, Kerben open (a title that is a formula)."""
    from grants import workflow

    kyshtut_open = make_call(title_ky="Кыштут: ачык конкурс", status="open")
    application = make_application(call=kyshtut_open, status="in_review", lines=[(1, 90000)])
    workflow.approve(application, staff, Decimal("85000"), version=application.version)
    kyshtut_decided = make_call(title_ky="Кыштут: чечилген", status="decided")
    kerben = make_call(sites=("kerben",), title_ky='=HYPERLINK("x")', status="open")
    return {"kyshtut_open": kyshtut_open, "kyshtut_decided": kyshtut_decided, "kerben": kerben}


def test_the_calls_export_has_exactly_the_rows_the_filtered_list_shows(client_for, staff, calls):
    client = client_for(staff)
    for query in ("site=kyshtut", "status=open", "site=kyshtut&status=open", "q=чечилген", ""):
        shown = [call.pk for call in client.get(calls_url(query)).context["page"]]
        exported = [int(row["id"]) for row in csv_rows(client.get(calls_url(query + "&format=csv")))]
        assert exported == shown, query
    assert len(shown) == 3


def test_the_calls_export_has_the_figures_and_neutralises_formulas(client_for, staff, calls):
    rows = {int(row["id"]): row for row in csv_rows(client_for(staff).get(calls_url("format=csv")))}
    kyshtut = rows[calls["kyshtut_open"].pk]
    assert (kyshtut["title_ky"], kyshtut["sites"], kyshtut["status"]) == ("Кыштут: ачык конкурс", "kyshtut", "open")
    assert (Decimal(kyshtut["awarded_total"]), Decimal(kyshtut["paid_total"])) == (85000, 0)
    assert kyshtut["kinds"] == "social; business" and kyshtut["envelope"] == "1000000.00"
    assert rows[calls["kerben"].pk]["title_ky"] == '\'=HYPERLINK("x")'


def test_the_calls_export_as_xlsx_stores_the_formula_as_text(client_for, admin, calls):
    response = client_for(admin).get(calls_url("site=kerben&format=xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("id", "title_ky") and len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("x")'


def test_a_local_authority_exports_its_own_sites_calls(client_for, users, calls):
    titles = [row["title_ky"] for row in csv_rows(client_for(users["la_kyshtut"]).get(calls_url("format=csv")))]
    assert sorted(titles) == ["Кыштут: ачык конкурс", "Кыштут: чечилген"]
    kerben = [row["title_ky"] for row in csv_rows(client_for(users["la_kerben"]).get(calls_url("format=csv")))]
    assert kerben == ['\'=HYPERLINK("x")']


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("la_kyshtut", 200),
        ("viewer", 403),  # reads the calls; exports the results' aggregates, not lists
        ("reviewer", 403),
        ("applicant", 403),
        ("anonymous", 302),
    ],
)
def test_who_exports_the_calls(client_for, users, calls, role, status):
    assert client_for(users[role]).get(calls_url("format=csv")).status_code == status


def test_the_calls_list_shows_the_export_control_to_those_who_export(client_for, users, calls):
    assert "format=xlsx" in client_for(users["la_kyshtut"]).get(calls_url("status=open")).content.decode()
    assert "status=open&amp;format=csv" in client_for(users["staff"]).get(calls_url("status=open")).content.decode()
    assert "format=csv" not in client_for(users["viewer"]).get(calls_url()).content.decode()


def test_an_unknown_format_or_filter_value_is_not_an_error(client_for, staff, calls):
    client = client_for(staff)
    assert client.get(calls_url("format=pdf")).status_code == 404
    assert client.get(calls_url("format=")).context["page"].paginator.count == 3  # no format: the list itself
    # An unknown status is ignored, as on the list: every call.
    assert len(csv_rows(client.get(calls_url("status=nonsense&format=csv")))) == 3


def test_the_calls_export_is_logged_without_personal_data(client_for, staff, calls):
    csv_rows(client_for(staff).get(calls_url("site=kyshtut&format=csv")))
    entry = ExportLog.objects.get()
    assert (entry.export, entry.user, entry.personal_data, entry.rows) == ("grant-calls", staff, False, 2)
    assert entry.filters == {"site": ["kyshtut"]}  # the format is a column of the log, not a filter


# --- The ranking ------------------------------------------------------------------------------------------------


@pytest.fixture
def ranking(make_call, make_application, make_organization, make_person, sites):
    """A call with three reviewed applications (strong 90, weak 50, one unscored) and a draft (never ranked)."""
    call = make_call()
    first, second = make_user("reviewer-a", "reviewer"), make_user("reviewer-b", "reviewer")
    lead = make_person(full_name="Айбек Осмонов", phone="+996 555 111 222")
    weak = make_application(call=call, status="in_review", title="Алсыз долбоор", lead_applicant=lead)
    strong = make_application(
        call=call, status="in_review", title="-Күчтүү долбоор", organization=make_organization(name_ky="Жаштар")
    )
    unscored = make_application(call=call, status="in_review", title="Бааланбаган")
    make_application(call=call, status="draft", title="Долбоордун долбоору")
    review(strong, first, every(5) | {"budget": 4})
    review(strong, second, every(4))
    review(weak, first, every(2))
    review(weak, second, every(3))
    return {"call": call, "strong": strong, "weak": weak, "unscored": unscored}


def ranking_url(call, query=""):
    return url("grants:call-ranking", call.pk) + "?" + query


def test_the_ranking_export_is_the_pages_ranking_with_the_criteria(client_for, staff, ranking):
    client = client_for(staff)
    page = client.get(ranking_url(ranking["call"]))
    rows = csv_rows(client.get(ranking_url(ranking["call"], "format=csv")))
    assert [int(row["id"]) for row in rows] == [application.pk for application in page.context["applications"]]
    assert [row["rank"] for row in rows] == ["1", "2", "3"]
    strong, weak, unscored = rows
    assert strong["title"] == "'-Күчтүү долбоор" and strong["organization"] == "Жаштар"  # formula neutralised
    assert (strong["reviews_submitted"], strong["recommend_yes"], strong["site"]) == ("2", "2", "kyshtut")
    assert (Decimal(strong["lowest"]), Decimal(strong["highest"])) == (80, 97)  # the budget weighs 15 %: 100 - 15 / 5
    assert Decimal(strong["criterion_relevance_average"]) == Decimal("4.5")
    assert (strong["criterion_budget_lowest"], strong["criterion_budget_highest"]) == ("4", "4")
    assert Decimal(weak["average"]) == 50 and weak["criterion_budget_average"] not in ("", None)
    assert unscored["average"] == "" and unscored["criterion_relevance_average"] == ""


def test_the_ranking_export_names_no_applicant_and_no_reviewer(client_for, staff, ranking):
    response = client_for(staff).get(ranking_url(ranking["call"], "format=csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Айбек" not in body and "+996" not in body and "reviewer-a" not in body
    entry = ExportLog.objects.get()
    assert (entry.export, entry.personal_data, entry.rows) == ("grant-ranking", False, 3)


def test_the_ranking_export_is_the_whole_ranking_not_one_page(client_for, staff, ranking):
    rows = csv_rows(client_for(staff).get(ranking_url(ranking["call"], "page=2&format=csv")))
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("la_kyshtut", 403),
        ("la_kerben", 403),
        ("viewer", 403),
        ("reviewer", 403),
        ("applicant", 403),
        ("anonymous", 302),
    ],
)
def test_who_exports_the_ranking(client_for, users, ranking, role, status):
    assert client_for(users[role]).get(ranking_url(ranking["call"], "format=xlsx")).status_code == status


def test_the_ranking_page_shows_the_export_control(client_for, staff, ranking):
    page = client_for(staff).get(ranking_url(ranking["call"])).content.decode()
    assert 'href="?format=csv"' in page and 'href="?format=xlsx"' in page


def test_manage_py_exports_the_calls_and_every_ranking(calls, ranking, tmp_path):
    out = tmp_path / "calls.csv"
    call_command("export", "grant-calls", "--format", "csv", "--out", str(out))
    titles = {row["title_ky"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert "Кыштут: чечилген" in titles and '\'=HYPERLINK("x")' in titles
    out = tmp_path / "ranking.csv"
    call_command("export", "grant-ranking", "--format", "csv", "--out", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    ranked = [
        (int(row["call_id"]), row["rank"], int(row["id"])) for row in rows if row["call_id"] == str(ranking["call"].pk)
    ]
    assert ranked == [
        (ranking["call"].pk, "1", ranking["strong"].pk),
        (ranking["call"].pk, "2", ranking["weak"].pk),
        (ranking["call"].pk, "3", ranking["unscored"].pk),
    ]
    assert list(ExportLog.objects.values_list("export", "channel")) == [
        ("grant-ranking", "command"),
        ("grant-calls", "command"),
    ]
