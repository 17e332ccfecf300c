"""Far dates and years in the registry's forms: an assessment, a person's consent, a membership's year get the
form's message and save nothing."""

import pytest
from django.utils import translation

from stakeholders.models import CapacityAssessment, Membership, Person
from tests.helpers import url
from tests.stakeholders.test_assessments import template  # noqa: F401  (fixture)
from tests.stakeholders.test_people import person_data

RANGE = "Enter a date from 01.01.2000 to"


@pytest.mark.parametrize("date", ["01.01.0001", "31.12.9999", "31.12.1999"])
def test_an_assessment_on_a_far_date_is_refused(client_for, staff, make_organization, template, date):  # noqa: F811
    organization = make_organization()
    with translation.override("en"):
        response = client_for(staff).post(
            url("stakeholders:assessment-create", organization.pk),
            {"date": date, "kind": "baseline", "method": "self", "assessor": "Асел"},
        )
    assert response.status_code == 200 and RANGE in response.content.decode()
    assert not CapacityAssessment.objects.exists()


@pytest.mark.parametrize("date", ["01.01.0001", "31.12.9999"])
def test_a_consent_on_a_far_date_is_refused(client_for, staff, registry, date):
    with translation.override("en"):
        response = client_for(staff).post(url("stakeholders:person-create"), person_data(registry, consent_date=date))
    assert response.status_code == 200
    assert RANGE in " ".join(response.context["form"].errors["consent_date"])
    assert not Person.objects.exists()


@pytest.mark.parametrize("since", ["1", "9999", "32767", "1949"])
def test_a_membership_since_a_far_year_is_refused(client_for, staff, make_person, make_organization, since):
    person, organization = make_person(), make_organization()
    with translation.override("en"):
        response = client_for(staff).post(
            url("stakeholders:membership-add", person.pk),
            {"organization": organization.pk, "role": "leader", "since": since},
            follow=True,
        )
    assert response.status_code == 200 and "Enter a year from 1950 to" in response.content.decode()
    assert not Membership.objects.exists()


@pytest.mark.parametrize("consent_date", ["31.12.9999", "01.01.0001", "99999"])
def test_an_imported_consent_on_a_far_date_is_a_row_error(staff, registry, consent_date):
    from tests.stakeholders.test_import import analysed, csv_bytes

    rows = [
        ["full_name", "sex", "birth_year", "site", "consent_date", "consent_purpose"],
        ["Айгүл Токтосунова", "female", "1990", "kyshtut", consent_date, "Тизме"],
    ]
    with translation.override("en"):
        row = analysed(csv_bytes(rows), staff, kind="people").rows.get()
    assert row.action == "error"
    assert RANGE in str(row.errors)
