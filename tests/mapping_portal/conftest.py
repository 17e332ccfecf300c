"""Records changed through their pages, for the audit tests (tests/mapping_portal/test_audit_history.py,
test_changes_page.py, and tests/grants/test_audit_history.py)."""

import pytest

from stakeholders.models import CapacityAssessment, Organization
from tests.helpers import url
from tests.stakeholders.test_assessments import make_template, score_data
from tests.stakeholders.test_organization_form import form_data


@pytest.fixture
def renamed(client_for, staff, registry):
    """An organization created, then renamed by staff, through the form."""
    client = client_for(staff)
    client.post(url("stakeholders:organization-create"), form_data(registry))
    organization = Organization.objects.get()
    client.post(
        url("stakeholders:organization-edit", organization.pk),
        form_data(
            registry,
            name_ky="Таян аялдар кеңеши (жаңы)",
            registration_status="registered",
            version="1",
            registration_number="123",
        ),
    )
    return organization


@pytest.fixture
def assessment(client_for, staff, make_organization, registry):
    """An assessment started and scored twice by staff through its pages (the second time a3 changes 2 → 4)."""
    template = make_template()
    organization = make_organization()
    client = client_for(staff)
    client.post(
        url("stakeholders:assessment-create", organization.pk),
        {"date": "01.03.2026", "kind": "baseline", "method": "self", "assessor": "Асел"},
    )
    assessment = CapacityAssessment.objects.get()
    client.post(
        url("stakeholders:assessment-edit", assessment.pk), score_data(template, {"a1": 3, "a2": 2}, assessor="Асел")
    )
    data = score_data(template, {"a1": 3, "a2": 4}) | {"date": "02.03.2026", "kind": "baseline", "method": "self"}
    client.post(url("stakeholders:assessment-edit", assessment.pk), data | {"assessor": "Асел Т.", "version": "2"})
    return assessment
