"""The journey of a conflict-prevention plan: staff draft it (a risk, an action), submit it; the local authority
comments on the action and requests a change; staff revise and resubmit; the authority reads what changed and
approves it with its decision number; the PDF downloads."""

import pytest
from playwright.sync_api import expect

from dialogues.plans.models import ConflictPreventionPlan, PlanComment
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in_as(page, sign_in, username):
    page.context.clear_cookies()
    return sign_in(username, PASSWORD)


def test_draft_review_revise_approve_and_print(page, users, make_organization, sign_in):
    make_organization(type_code="local-self-government", name_ky="Кыштут айыл өкмөтү")
    make_organization(name_ky="Кыштут жаштар борбору")

    # Staff draft the plan.
    sign_in_as(page, sign_in, "staff")
    page.goto("/en/plans/")
    page.get_by_role("link", name="New plan").click()
    page.fill("#id_title", "Кыштуттун чыр-чатактарды алдын алуу боюнча планы")
    page.select_option("#id_site", label="Kyshtut ayil aimak")
    page.wait_for_load_state()  # htmx listens once the page has loaded
    page.fill("#id_authoring_body", "Кыштут айыл")
    page.get_by_role("button", name="Кыштут айыл өкмөтү").click()
    page.fill("#id_period_start", "01.01.2026")
    page.fill("#id_period_end", "31.12.2027")
    page.fill("#id_context_analysis", "Сугат суусу боюнча талаштар.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status")).to_have_text("draft")
    plan = ConflictPreventionPlan.objects.get()

    page.get_by_role("link", name="Add a risk").click()
    expect(page.get_by_test_id("do-no-harm")).to_be_visible()
    page.fill("#id_description", "Сугат мезгилинде суу үчүн талаш")
    page.select_option("#id_likelihood", "4")
    page.select_option("#id_impact", "3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("cell-4-3")).to_contain_text("R1")

    page.get_by_role("link", name="Add an action").click()
    page.fill("#id_title", "Суу пайдалануучулардын кеңешин түзүү")
    page.select_option("#id_focus", "forecasting")
    page.wait_for_load_state()
    page.fill("#id_responsible_organizations", "Кыштут айыл")
    page.get_by_role("button", name="Кыштут айыл өкмөтү").click()
    page.get_by_label("Сугат мезгилинде суу үчүн талаш").check()
    page.fill("#id_start_date", "01.03.2026")
    page.fill("#id_end_date", "30.04.2026")
    page.fill("#id_budget", "25 000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("action")).to_contain_text("25\u00a0000")
    page.get_by_test_id("move-submitted").click()
    expect(page.get_by_test_id("status")).to_have_text("submitted for review")

    # The local authority comments on the action and requests a change.
    sign_in_as(page, sign_in, "la_kyshtut")
    page.goto(f"/en/plans/{plan.pk}/")
    expect(page.get_by_test_id("move-approved")).to_be_visible()
    page.get_by_test_id("comment-on-action").click()
    action = plan.actions.get()
    page.fill(f"#comment-action-{action.pk}", "Бюджетти 30 000 сомго чейин көбөйтүңүз: эки жолугушуу керек.")
    page.get_by_role("button", name="Add the comment").first.click()
    expect(page.get_by_test_id("action")).to_contain_text("Бюджетти 30 000 сомго чейин")
    assert PlanComment.objects.get().action == action
    page.fill("#comment-changes_requested", "Иш-чаранын бюджетин караңыз.")
    page.get_by_test_id("move-changes_requested").click()
    expect(page.get_by_test_id("status")).to_have_text("changes requested")

    # Staff revise the action and resubmit.
    sign_in_as(page, sign_in, "staff")
    page.goto(f"/en/plans/{plan.pk}/")
    page.get_by_test_id("edit-action").click()
    page.fill("#id_budget", "30 000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("action")).to_contain_text("30\u00a0000")
    page.get_by_role("button", name="Mark resolved").click()
    page.get_by_test_id("move-submitted").click()
    expect(page.get_by_test_id("status")).to_have_text("submitted for review")

    # The authority reads what changed and approves with its decision number.
    sign_in_as(page, sign_in, "la_kyshtut")
    page.goto(f"/en/plans/{plan.pk}/")
    page.get_by_test_id("diff-link").click()
    changed = page.get_by_test_id("diff-actions")
    expect(changed).to_contain_text("Суу пайдалануучулардын кеңешин түзүү")
    expect(changed).to_contain_text("25000.00")
    expect(changed).to_contain_text("30000.00")
    page.get_by_role("link", name="Back to the plan").click()
    page.fill("#decision-number", "14/2")
    page.fill("#decision-date", "20.02.2026")
    page.fill("#approving-body", "Кыштут айылдык кеңешинин сессиясы")
    page.get_by_test_id("move-approved").click()
    expect(page.get_by_test_id("status")).to_have_text("approved")
    expect(page.get_by_test_id("decision")).to_contain_text("14/2")

    with page.expect_download() as download:
        page.get_by_test_id("pdf-ky").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename == f"plan-{plan.pk}-v1-ky.pdf"
