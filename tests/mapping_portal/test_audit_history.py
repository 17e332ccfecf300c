"""Audit: the views record who changed assessments, reviews and awards; history sections and pages show each field
old → new (readable values) to admins and staff only; the admin's page of recent changes across records, filtered,
paginated, in a bounded number of queries; every other role gets 404."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from grants.models import Tranche
from mapping_portal.history import readable, recent_changes
from stakeholders.models import CapacityAssessment, IndicatorScore, Organization, OrganizationType
from tests.conftest import ROLES
from tests.helpers import count_queries, url

# --- Fixtures: records changed through their pages ----------------------------------------------------------------


def diffs_of(entries):
    return [(diff.label, diff.old, diff.new) for entry in entries for diff in entry.diffs]


# --- The views record who changed what ----------------------------------------------------------------------------


def test_editing_an_organization_records_its_editor_and_each_field_old_and_new(renamed, staff):
    with translation.override("en"):
        entries = recent_changes(renamed)
    assert [entry.history_user for entry in entries] == [staff, staff]
    assert [str(entry.action) for entry in entries] == ["changed", "created"]
    changes = diffs_of(entries[:1])
    assert changes == [
        ("name in Kyrgyz", "Таян аялдар кеңеши", "Таян аялдар кеңеши (жаңы)"),
        # A choice's label, not its code:
        ("registration", "not registered (informal group)", "registered with the Ministry of Justice"),
        ("registration number", "—", "123"),  # empty before
    ]
    assert entries[1].diffs == []  # created: nothing to compare with


def test_assessment_edits_record_staff_on_the_assessment_and_each_score(assessment, staff):
    assert {entry.history_user for entry in assessment.history.all()} == {staff}
    score_history = IndicatorScore.history.filter(assessment_id=assessment.pk)
    assert score_history.count() == 3 and {entry.history_user for entry in score_history} == {staff}
    with translation.override("en"):
        entries = recent_changes(assessment)
    changes = diffs_of(entries)
    assert ("assessor", "Асел", "Асел Т.") in changes
    assert ("date", "01.03.2026", "02.03.2026") in changes  # dd.mm.yyyy
    a2 = next(entry for entry in entries if entry.diffs and entry.diffs[0].label == "score")
    assert a2.subject == "indicator score a2 (en)"  # the indicator, in the language of the page
    assert (a2.diffs[0].old, a2.diffs[0].new) == ("emerging", "mature")  # the levels' names, not 2 and 4


def test_readable_values_say_labels_names_yes_no_and_dates(make_organization):
    organization = make_organization(name_ky="Жаштар борбору")
    field = Organization._meta.get_field
    with translation.override("en"):
        names = {(OrganizationType, organization.type_id): str(organization.type)}
        assert readable(field("type"), organization.type_id, names) == str(organization.type)
        assert readable(field("type"), 999999) == "#999999"  # a linked record deleted since
        assert readable(field("women_led"), True) == "yes"
        assert readable(field("registration_status"), "registered") == "registered with the Ministry of Justice"
        assert readable(field("year_founded"), None) == "—"
        assert readable(CapacityAssessment._meta.get_field("date"), datetime.date(2026, 3, 1)) == "01.03.2026"
        assert readable(Tranche._meta.get_field("planned_amount"), Decimal("12500.50")) == "12\u00a0500,50"


# --- History sections and pages: old → new, for admins and staff only ---------------------------------------------

SEES_HISTORY = {"admin", "staff"}


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_organization_page_shows_old_and_new_values_in_each_language(client_for, staff, renamed, language):
    page = client_for(staff).get(url("stakeholders:organization-detail", renamed.pk, language=language))
    html = page.content.decode()
    with translation.override(language):
        label = str(Organization._meta.get_field("name_ky").verbose_name)
        status = str(dict(Organization._meta.get_field("registration_status").flatchoices)["registered"])
    diffs = html.split('data-testid="history-diff"')[1:]
    name_line = next(line for line in diffs if "(жаңы)" in line)
    assert label[:1].upper() + label[1:] in name_line and "Таян аялдар кеңеши</del>" in name_line
    assert any(status in line for line in diffs)


@pytest.mark.parametrize("role", ROLES)
def test_organization_and_person_history_only_for_admins_and_staff(client_for, users, renamed, make_person, role):
    person = make_person(full_name="Бактыгүл Асанова")
    person.phone = "+996 555 000 111"
    person.save()
    client = client_for(users.get(role))
    organization_page = client.get(url("stakeholders:organization-detail", renamed.pk))
    person_page = client.get(url("stakeholders:person-detail", person.pk))
    shown = 'data-testid="history-diff"' in organization_page.content.decode()
    assert shown == (role in SEES_HISTORY)
    if person_page.status_code == 200:
        assert ("+996 555 000 111</ins>" in person_page.content.decode()) == (role in SEES_HISTORY)


@pytest.mark.parametrize("role", ROLES)
def test_the_assessment_page_shows_its_history_to_admins_and_staff(client_for, users, assessment, role):
    response = client_for(users.get(role)).get(url("stakeholders:assessment-detail", assessment.pk))
    has_history = response.status_code == 200 and "Асел Т.</ins>" in response.content.decode()
    assert has_history == (role in SEES_HISTORY)


def test_the_organization_and_assessment_pages_take_the_same_queries_however_long_their_history(
    client_for, staff, renamed, assessment
):
    client = client_for(staff)
    organization_page = url("stakeholders:organization-detail", renamed.pk)
    assessment_page = url("stakeholders:assessment-detail", assessment.pk)
    before = count_queries(client, organization_page), count_queries(client, assessment_page)
    for n in range(12):
        renamed.address = f"Мектеп көчөсү, {n}"
        renamed.save()
        assessment.gaps = f"Отчёттор {n}"
        assessment.save()
        for score in assessment.scores.all():
            score.evidence = f"далил {n}"
            score.save()
    # The record's history (1), each child model's entries and their previous versions (2 each), the names of the
    # indicators its scores belong to (1): the last 20 (10 on the assessment) changes, never one query per change.
    assert (count_queries(client, organization_page), count_queries(client, assessment_page)) == before
