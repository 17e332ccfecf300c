"""Forms as a field officer meets them, on a phone, in Kyrgyz: every box of a choice group can be ticked, and a form
sent with mistakes says what is wrong at the top and puts the cursor in the first field to correct."""

import pytest
from playwright.sync_api import expect

from stakeholders.models import Organization
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_on_a_phone_staff_ticks_youth_and_a_failed_save_focuses_the_first_field_to_correct(
    page, users, registry, sign_in
):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in("staff", PASSWORD, "ky")
    page.goto("/ky/stakeholders/new/")
    # Every target group is a box of its own that a click reaches (the list used to lie squeezed in one box).
    groups = page.get_by_role("group", name="Максаттуу топтор")
    boxes = groups.get_by_role("checkbox")
    expect(boxes).to_have_count(10)
    for index in range(10):
        boxes.nth(index).click()
        expect(boxes.nth(index)).to_be_checked()
    page.get_by_label("Кыргызча аталышы").fill("Жаштар демилгеси")
    page.get_by_role("button", name="Сактоо").click()  # no type, no site: refused

    summary = page.get_by_test_id("form-errors")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).not_to_have_count(0)
    first_invalid = page.locator("form .is-invalid").first
    expect(first_invalid).to_be_focused()
    # What was entered stays: the name and the ten ticked groups.
    expect(page.get_by_label("Кыргызча аталышы")).to_have_value("Жаштар демилгеси")
    expect(page.get_by_role("group", name="Максаттуу топтор").get_by_role("checkbox", checked=True)).to_have_count(10)
    assert not Organization.objects.exists()

    # A link of the summary takes the cursor to its field.
    summary.get_by_role("link").last.click()
    focused = page.evaluate("document.activeElement.id")
    assert focused and page.locator(f"#{focused}").evaluate("el => el.classList.contains('is-invalid')")
