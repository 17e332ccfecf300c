"""Journey of the knowledge check on a phone (375 px): staff open a held training, enter the maximum score and each
participant's score before and after (a score above the maximum is refused with a message, nothing saved), save,
and see the change on the event's page — never the page wider than the phone."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def test_staff_enter_scores_before_and_after_and_see_the_change(page, users, make_event, attend, make_person, sign_in):
    from dialogues.models import Attendance, KnowledgeCheck

    event = make_event(title="Чыр-чатактардын алдын алуу боюнча үч күндүк тренинг", days=3)
    attend(event, make_person(full_name="Айгүл Токтосунова"))
    attend(event, make_person(full_name="Бакыт Асанов"))
    sign_in("staff", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"/en/dialogues/{event.pk}/")
    section = page.get_by_test_id("knowledge-section")
    expect(section).to_contain_text("No scores recorded yet.")
    section.get_by_role("link", name="Enter the scores").click()

    page.get_by_label("Maximum score").fill("10")
    page.get_by_label("Score before the training: Айгүл Токтосунова").fill("4")
    page.get_by_label("Score after the training: Айгүл Токтосунова").fill("12")
    page.get_by_label("Score before the training: Бакыт Асанов").fill("6")
    page.get_by_label("Score after the training: Бакыт Асанов").fill("7")
    page.get_by_role("button", name="Save the scores").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("A score must be from 0 to 10")
    assert not KnowledgeCheck.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The boxes keep what was typed: only the wrong one is corrected.
    expect(page.get_by_label("Score before the training: Бакыт Асанов")).to_have_value("6")
    page.get_by_label("Score after the training: Айгүл Токтосунова").fill("9")
    page.get_by_role("button", name="Save the scores").click()

    expect(page.get_by_role("status").filter(has_text="The knowledge check was saved.")).to_be_visible()
    change = page.get_by_test_id("knowledge-change")
    expect(change.get_by_test_id("knowledge-means")).to_have_text("50 % → 80 %")  # (40 + 60) / 2 → (90 + 70) / 2
    expect(change.get_by_test_id("knowledge-improved")).to_have_text("2")
    expect(change.get_by_test_id("knowledge-passed")).to_have_text("0 → 2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert sorted(Attendance.objects.values_list("pre_score", "post_score")) == [(4, 9), (6, 7)]
