"""Calls and applications: the model's own limits, the pages per role, the forms (with the budget), and bad
input answered with a clear message — never a 500."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import translation

from grants.models import BudgetLine, GrantApplication, GrantCall, ReviewCriterion
from mapping_portal.models import ExportLog
from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import count_queries, url

# --- The model ------------------------------------------------------------------------------------------


def test_a_new_call_gets_the_default_criteria_weighing_100(make_call):
    call = make_call()
    criteria = list(call.criteria.all())
    assert [c.code for c in criteria] == [
        "relevance",
        "inclusion",
        "feasibility",
        "budget",
        "sustainability",
        "capacity",
    ]
    assert sum(c.weight for c in criteria) == 100
    assert all(c.name_ky and c.name_ru and c.name_en for c in criteria)


def test_budget_line_total_is_computed_by_the_database(make_application):
    application = make_application(lines=[(3, "1500.50"), (2, 1000)])
    line = application.budget_lines.first()
    line.refresh_from_db()
    assert line.total == Decimal("4501.50")
    assert application.requested_amount == Decimal("6501.50")


@pytest.mark.parametrize(
    "fields",
    [{"quantity": 0, "unit_cost": 10}, {"quantity": 1, "unit_cost": 0}, {"quantity": 1, "unit_cost": -5}],
)
def test_database_refuses_an_empty_or_negative_budget_line(make_application, fields):
    application = make_application(lines=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(application=application, item="x", unit="pc", **fields)


def test_database_refuses_a_maximum_above_the_envelope(make_call):
    call = make_call()
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantCall.objects.filter(pk=call.pk).update(max_per_grant=call.envelope + 1)


# --- Pages per role ---------------------------------------------------------------------------------------

# role → status of the Kyshtut call's page
CALL_PAGE = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 200,
    "la_kerben": 404,
    "reviewer": 404,  # no application of this call is assigned to them
    "viewer": 200,  # aggregates: envelope, awarded, paid
    "applicant": 404,  # an account not linked to a person of the site: no call of it
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_call_page_by_role(client_for, users, make_call, role):
    call = make_call(title_ky="Кыштут чакырыгы")
    response = client_for(users[role]).get(url("grants:call-detail", call.pk))
    assert response.status_code == CALL_PAGE[role]
    listed = client_for(users[role]).get(url("grants:call-list"))
    if role == "anonymous":
        assert listed.status_code == 302
    else:
        assert ("Кыштут чакырыгы" in listed.content.decode()) is (CALL_PAGE[role] == 200)


# role → (status of a Kyshtut draft application, of an approved one)
APPLICATION_PAGE = {
    "admin": (200, 200),
    "staff": (200, 200),
    "la_kyshtut": (404, 200),  # local authorities read their site's awards only
    "la_kerben": (404, 404),
    "reviewer": (404, 404),  # until assigned (tests/grants/test_reviews.py)
    "viewer": (404, 404),
    "applicant": (404, 404),  # not their applications
    "anonymous": (302, 302),
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_application_page_by_role(client_for, users, make_application, role):
    draft = make_application()
    approved = make_application(call=draft.call, status="approved")
    client = client_for(users[role])
    assert (
        client.get(url("grants:application-detail", draft.pk)).status_code,
        client.get(url("grants:application-detail", approved.pk)).status_code,
    ) == APPLICATION_PAGE[role]


def test_reviewer_and_viewer_are_refused_the_application_list(client_for, users):
    assert client_for(users["viewer"]).get(url("grants:application-list")).status_code == 403
    assert client_for(users["reviewer"]).get(url("grants:application-list")).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 200), ("la_kyshtut", 403), ("viewer", 403), ("reviewer", 403), ("applicant", 403)]
)
def test_only_staff_create_calls(client_for, users, sites, role, status):
    assert client_for(users[role]).get(url("grants:call-create")).status_code == status


def test_contacts_of_the_applicant_are_for_staff(client_for, users, make_application, make_person):
    application = make_application(
        status="approved", lead_applicant=make_person(full_name="Айгүл", phone="+996 700 123 456")
    )
    assert (
        "+996 700 123 456"
        in client_for(users["staff"]).get(url("grants:application-detail", application.pk)).content.decode()
    )
    page = client_for(users["la_kyshtut"]).get(url("grants:application-detail", application.pk)).content.decode()
    # Local authorities read neither the contacts nor the name (counts only: tests/grants/test_applicant_names.py).
    assert "Айгүл" not in page and "+996 700 123 456" not in page


# --- Call form ---------------------------------------------------------------------------------------------


def call_data(sites, **overrides):
    data = {
        "title_ky": "Жаштар демилгелери",
        "title_ru": "",
        "title_en": "",
        "description_ky": "",
        "description_ru": "",
        "description_en": "",
        "sites": [sites["kyshtut"].pk],
        "kinds": ["social"],
        "opens_on": "01.04.2026",
        "closes_on": "31.05.2026",
        "envelope": "1 000 000",
        "max_per_grant": "150 000 сом",
        "status": "open",
    }
    return data | overrides


def test_staff_create_a_call_with_amounts_written_as_people_write_them(client_for, staff, sites):
    response = client_for(staff).post(url("grants:call-create"), call_data(sites))
    call = GrantCall.objects.get()
    assert response.status_code == 302
    assert (call.envelope, call.max_per_grant) == (Decimal("1000000"), Decimal("150000"))
    assert call.criteria.count() == 6 and call.created_by == staff


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"envelope": "100 USD"}, "envelope", "Amounts are in som"),
        ({"envelope": "$5000"}, "envelope", "Amounts are in som"),
        ({"max_per_grant": "50 000 руб"}, "max_per_grant", "Amounts are in som"),
        ({"envelope": "много"}, "envelope", "Enter an amount in som"),
        ({"envelope": "-5"}, "envelope", "at least 0.01 som"),
        ({"max_per_grant": "2 000 000"}, "max_per_grant", "cannot be more than the whole envelope"),
        ({"closes_on": "01.03.2026"}, "closes_on", "cannot be before the opening date"),
        ({"title_ky": ""}, "title_ky", "Give the title in Kyrgyz, in Russian, or both"),
        ({"envelope": "1" * 40}, "envelope", ""),
    ],
)
def test_bad_call_input_gets_a_clear_message(client_for, staff, sites, overrides, field, message):
    with translation.override("en"):
        response = client_for(staff).post(url("grants:call-create"), call_data(sites, **overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not GrantCall.objects.exists()


def criteria_data(call, **weights):
    criteria = list(call.criteria.all())
    data = {
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 20,
    }
    for n, criterion in enumerate(criteria):
        data |= {
            f"criteria-{n}-id": criterion.pk,
            f"criteria-{n}-name_ky": criterion.name_ky,
            f"criteria-{n}-weight": weights.get(criterion.code, criterion.weight),
            f"criteria-{n}-order": criterion.order,
        }
    return data


def test_criteria_weights_must_add_up_to_100(client_for, staff, make_call):
    call = make_call()
    data = call_data({"kyshtut": call.sites.get()}, version=call.version) | criteria_data(call, relevance=50)
    with translation.override("en"):
        response = client_for(staff).post(url("grants:call-edit", call.pk), data)
    assert response.status_code == 200
    assert "add up to 125%" in " ".join(response.context["criteria"].non_form_errors())
    assert ReviewCriterion.objects.filter(call=call).aggregate(total=Sum("weight"))["total"] == 100


def test_staff_reweigh_the_criteria(client_for, staff, make_call):
    call = make_call()
    data = call_data({"kyshtut": call.sites.get()}, version=call.version)
    data |= criteria_data(call, relevance=35, capacity=0 + 5, sustainability=5)
    response = client_for(staff).post(url("grants:call-edit", call.pk), data)
    assert response.status_code == 302
    assert call.criteria.get(code="relevance").weight == 35


def test_second_editor_of_a_call_is_told(client_for, staff, make_call):
    call = make_call()
    data = call_data({"kyshtut": call.sites.get()}, version=call.version, title_ky="Биринчи") | criteria_data(call)
    GrantCall.objects.filter(pk=call.pk).update(version=call.version + 1)  # someone saved meanwhile
    with translation.override("en"):
        response = client_for(staff).post(url("grants:call-edit", call.pk), data)
    assert response.status_code == 200
    assert "Someone else saved this record" in " ".join(response.context["form"].non_field_errors())
    call.refresh_from_db()
    assert call.title_ky != "Биринчи"


# --- Application form with budget lines ----------------------------------------------------------------------


def application_data(person, lines, **overrides):
    data = {
        "kind": "social",
        "title": "Жаштар борборун оңдоо",
        "lead_applicant": person.pk,
        "problem": "",
        "objectives": "",
        "activities": "",
        "girls": 10,
        "boys": 12,
        "young_women": 20,
        "young_men": 18,
        "women": 5,
        "men": 4,
    }
    return data | budget_lines(lines) | overrides


def budget_lines(lines):
    """The budget lines' formset as posted: its management form and each line's fields."""
    data = {
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": 0,
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 60,
    }
    for n, line in enumerate(lines):
        data |= {f"lines-{n}-{key}": value for key, value in line.items()}
    return data


def line(item="Боёк", unit="кг", quantity="10", unit_cost="450", co_funding=""):
    return {"item": item, "unit": unit, "quantity": quantity, "unit_cost": unit_cost, "co_funding": co_funding}


def test_staff_enter_a_paper_application_with_its_budget(client_for, staff, make_call, make_person):
    call = make_call(max_per_grant=100_000)
    person = make_person()
    lines = [line(), line(item="Эмерек", unit="даана", quantity="4", unit_cost="12 500,50 сом", co_funding="5 000")]
    response = client_for(staff).post(
        url("grants:application-create", call.pk, "kyshtut"), application_data(person, lines)
    )
    application = GrantApplication.objects.get()
    assert response.status_code == 302
    assert application.requested_amount == Decimal("4500") + Decimal("50002")
    assert application.co_funding_amount == Decimal("5000")
    assert application.status == "draft" and application.site.slug == "kyshtut"
    assert application.beneficiaries == 69


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (line(quantity="-2"), "at least 1"),
        (line(quantity="2.5"), "whole number of units"),
        (line(quantity="0"), "at least 1"),
        (line(unit_cost="300 USD"), "Amounts are in som"),
        (line(unit_cost="€40"), "Amounts are in som"),
        (line(unit_cost="1 000 тенге"), "Amounts are in som"),
        (line(unit_cost="-100"), "at least 0.01 som"),
        (line(unit_cost="12.345"), "at most two decimals"),
        (line(unit_cost="abc"), "Enter an amount in som"),
        (line(co_funding="-1"), "at least 0 som"),
        (line(quantity="99999999999"), "cannot be more than 100 000"),
    ],
)
def test_bad_budget_line_gets_a_clear_message(client_for, staff, make_call, make_person, bad_line, message):
    call = make_call()
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:application-create", call.pk, "kyshtut"), application_data(make_person(), [bad_line])
        )
    assert response.status_code == 200
    errors = " ".join(" ".join(e) for e in response.context["lines"].errors[0].values())
    assert message in errors
    assert not GrantApplication.objects.exists()


def test_budget_over_the_call_maximum_is_refused(client_for, staff, make_call, make_person):
    call = make_call(max_per_grant=50_000)
    lines = [line(quantity="10", unit_cost="4 000"), line(quantity="3", unit_cost="4 000")]
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:application-create", call.pk, "kyshtut"), application_data(make_person(), lines)
        )
    assert response.status_code == 200
    assert "52\u00a0000 som, more than the call's maximum of 50\u00a0000 som" in " ".join(
        response.context["lines"].non_form_errors()
    )
    assert not GrantApplication.objects.exists()


def test_a_kind_the_call_does_not_take_is_refused(client_for, staff, make_call, make_person):
    call = make_call(kinds=["social"])
    response = client_for(staff).post(
        url("grants:application-create", call.pk, "kyshtut"), application_data(make_person(), [line()], kind="business")
    )
    assert response.status_code == 200 and "kind" in response.context["form"].errors


def test_lead_applicant_from_another_site_is_not_offered(client_for, staff, make_call, make_person):
    call = make_call()
    response = client_for(staff).post(
        url("grants:application-create", call.pk, "kyshtut"), application_data(make_person(site="kerben"), [line()])
    )
    assert response.status_code == 200 and "lead_applicant" in response.context["form"].errors


def test_applications_only_in_the_calls_sites_and_while_it_takes_them(client_for, staff, make_call):
    call = make_call(sites=("kyshtut",))
    client = client_for(staff)
    assert client.get(url("grants:application-create", call.pk, "kerben")).status_code == 404
    GrantCall.objects.filter(pk=call.pk).update(status="draft")
    assert client.get(url("grants:application-create", call.pk, "kyshtut")).status_code == 302


def test_editing_a_budget_recomputes_the_requested_amount(client_for, staff, make_application):
    application = make_application(lines=[(10, 1000)])
    existing = application.budget_lines.get()
    data = application_data(application.lead_applicant, [], version=application.version)
    data |= {
        "lines-TOTAL_FORMS": 2,
        "lines-INITIAL_FORMS": 1,
        "lines-0-id": existing.pk,
        **{f"lines-0-{k}": v for k, v in line(quantity="2", unit_cost="1000").items()},
        **{f"lines-1-{k}": v for k, v in line(quantity="1", unit_cost="500").items()},
    }
    response = client_for(staff).post(url("grants:application-edit", application.pk), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.requested_amount == Decimal("2500")
    assert application.history.count() >= 2


def test_a_submitted_application_is_not_edited(client_for, staff, make_application):
    application = make_application(status="submitted")
    response = client_for(staff).get(url("grants:application-edit", application.pk))
    assert response.status_code == 302


# --- Query counts: constant whatever the number of rows -------------------------------------------------------


def test_call_list_and_page_queries_do_not_grow_with_rows(client_for, staff, make_call, make_application):
    client = client_for(staff)
    call = make_call()
    make_application(call=call)
    few = (count_queries(client, url("grants:call-list")), count_queries(client, url("grants:call-detail", call.pk)))
    for _n in range(4):
        make_application(call=make_call(sites=("kyshtut", "kerben")))
        make_application(call=call, status="submitted")
    many = (count_queries(client, url("grants:call-list")), count_queries(client, url("grants:call-detail", call.pk)))
    assert few == many
    # call list: session, user, the user's sites (scope), count, the site filter's options (2), the page of calls
    # with their totals, their sites, the session save (3)
    assert many[0] == 11


def test_application_list_and_page_queries_do_not_grow_with_rows(
    client_for, staff, make_call, make_application, make_person
):
    client = client_for(staff)
    call = make_call()
    application = make_application(call=call, lines=[(1, 100)])
    few = (
        count_queries(client, url("grants:application-list")),
        count_queries(client, url("grants:application-detail", application.pk)),
    )
    for _n in range(5):
        make_application(call=call)
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, item=f"i{n}", unit="pc", quantity=1, unit_cost=10) for n in range(10)
    )
    application.team.set([make_person() for _n in range(4)])
    many = (
        count_queries(client, url("grants:application-list")),
        count_queries(client, url("grants:application-detail", application.pk)),
    )
    assert few == many
    # page: session, user, the user's sites, the application with call, site, people, organization; its team,
    # budget lines, call sites, training sites, attachments, status changes; its reviews; the envelope's
    # remainder; the navigation's sites; session save (3)
    assert many[1] == 16


@pytest.mark.parametrize(
    "query",
    ["?call=abc&site=nowhere&status=zzz&page=999", "?order=-nonsense&kind=%00", "?q=" + "ы" * 500, "?page=-1"],
)
def test_lists_answer_junk_parameters_without_an_error(client_for, staff, make_application, query):
    make_application()
    client = client_for(staff)
    for name in ("grants:application-list", "grants:call-list"):
        assert client.get(url(name) + query).status_code == 200
    if "%00" not in query:  # see the next test
        assert client.get(url("grants:application-export", "csv") + query).status_code == 200
    assert client.get(url("grants:application-export", "pdf")).status_code == 404


def test_an_export_with_a_nul_character_in_the_query_is_no_error(client_for, staff, make_application):
    make_application()
    assert client_for(staff).get(url("grants:application-export", "csv") + "?kind=%00").status_code == 200
    assert ExportLog.objects.get().filters == {"kind": [""]}
