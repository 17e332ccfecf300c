"""The decision letter draws whatever the application holds: every field at the longest accepted, in Kyrgyz,
with words too long for a line, all of it in order (the rejection's reason is a comment without a length limit)."""

import datetime
from decimal import Decimal

import pytest

from grants import letters, workflow
from grants.models import GrantApplication, GrantCall
from stakeholders.models import Person
from tests.dialogues.test_plan_pdf_long import drawn_in_order, kyrgyz
from tests.pdf_text import pdf_pages, squeezed

pytestmark = pytest.mark.django_db


def longest(model, field):
    return model._meta.get_field(field).max_length


@pytest.fixture
def longest_application(make_application, make_call, make_person):
    call = make_call(title_ky=kyrgyz("сынак", longest(GrantCall, "title_ky")))
    return make_application(
        call=call,
        status="in_review",
        lines=[(1, 150000)],
        title=kyrgyz("долбоор", longest(GrantApplication, "title")),
        lead_applicant=make_person(full_name=kyrgyz("Өмүрбек", longest(Person, "full_name"))),
    )


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_an_approved_letter_with_the_longest_fields_and_many_tranches(staff, longest_application, language):
    award = workflow.approve(longest_application, staff, Decimal("150000"), version=longest_application.version)
    for n in range(60):
        award.plan_tranche(staff, datetime.date(2026, 6, 1) + datetime.timedelta(days=n), Decimal("2500"))
    longest_application.refresh_from_db()
    pages = pdf_pages(letters.decision_letter(longest_application, language))
    assert len(pages) >= 2  # the tranche table went on to a second page
    for text in (longest_application.title, longest_application.lead_applicant.full_name):
        drawn_in_order(pages, text)
    assert "6030.07.20262500" in squeezed(pages[-1])  # the last tranche's row: number, date, amount


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_rejection_letter_with_a_reason_of_several_pages(staff, longest_application, language):
    reason = kyrgyz("себеп", 12000)
    workflow.transition(longest_application, "rejected", staff, reason, version=longest_application.version)
    longest_application.refresh_from_db()
    pages = pdf_pages(letters.decision_letter(longest_application, language))
    assert drawn_in_order(pages, reason) >= 3
    assert "(ң)\\ө\nү" in "".join(pages)  # a line break of the reason is one in the letter too
    call = longest_application.call
    assert drawn_in_order(pages, call.title_ky if language == "ky" else call.title_ru) == 1
