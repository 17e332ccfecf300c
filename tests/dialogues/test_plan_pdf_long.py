"""An approved plan's PDF draws whatever the plan holds: every field at the longest the forms accept, in Kyrgyz,
with words too long for a line — a row taller than a page continues on the next one, and all the text is there,
in order. (An approved plan cannot be edited: a PDF that fails is an official document nobody can print.)"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dialogues.plans import pdf as plan_pdf
from dialogues.plans.models import ConflictPreventionPlan, PlanAction, Risk
from tests.pdf_text import pdf_pages, squeezed

pytestmark = pytest.mark.django_db

# The plan's text fields have no length limit in their forms (TextField): this stands for "very long", several
# pages of one table cell. The other fields are filled to their max_length.
LONG_TEXT = 6000
# 70 letters without a space: wider than any column, broken inside the word.
LONG_WORD = "Өңүрлөрдүнтынчтыгыүчүнжергиликтүүжамааттардынбиргеишкеашырылуучуиш-чаралары"


def kyrgyz(tag: str, length: int) -> str:
    """Kyrgyz text of exactly `length` characters, numbered words (so that order can be checked) with a word of
    70 letters without a space every few words, a line break and the characters a PDF must escape."""
    parts, n = [], 0
    while sum(len(part) + 1 for part in parts) < length:
        n += 1
        if n % 9 == 0:
            parts.append(f"{tag}{n}{LONG_WORD}")
        elif n % 25 == 0:
            parts.append(f"{tag}{n}&<b>(ң)\\ө\nү")
        else:
            parts.append(f"{tag}{n}-сөз")
    return " ".join(parts)[:length]


def limit(model, field):
    return model._meta.get_field(field).max_length or LONG_TEXT


def drawn_in_order(pages: list[str], text: str) -> int:
    """How many pages `text` was drawn across, asserting that all of it is there, in order: each page holds a
    contiguous part of it (as many characters as it can), and the parts, page after page, make up the whole."""
    expected, position, pages_with_text = squeezed(text), 0, 0
    for page in map(squeezed, pages):
        low, high = 0, len(expected) - position  # the longest next part that this page draws
        while low < high:
            middle = (low + high + 1) // 2
            if expected[position : position + middle] in page:
                low = middle
            else:
                high = middle - 1
        pages_with_text += low > 0
        position += low
    assert position == len(expected), f"missing from character {position}: {expected[position:][:80]!r}"
    return pages_with_text


@pytest.fixture
def longest_plan(make_plan, make_organization):
    """An approved plan with every text field at its longest, two risks and two actions."""
    plan = make_plan(
        status="approved",
        risks=0,
        actions=0,
        title=kyrgyz("аталыш", limit(ConflictPreventionPlan, "title")),
        context_analysis=kyrgyz("контекст", LONG_TEXT),
        focus_forecasting=kyrgyz("болжол", LONG_TEXT),
        focus_dialogue=kyrgyz("диалог", LONG_TEXT),
        focus_peace=kyrgyz("тынчтык", LONG_TEXT),
        approving_body=kyrgyz("кеңеш", limit(ConflictPreventionPlan, "approving_body")),
        decision_number=kyrgyz("чечим", limit(ConflictPreventionPlan, "decision_number")),
    )
    risks = [
        Risk.objects.create(
            plan=plan,
            description=kyrgyz(f"тобокел{n}", LONG_TEXT),
            likelihood=5,
            impact=5,
            early_warning_signs=kyrgyz(f"белги{n}", LONG_TEXT),
            affected_groups=kyrgyz(f"топ{n}", limit(Risk, "affected_groups")),
        )
        for n in (1, 2)
    ]
    for n in (1, 2):
        action = PlanAction.objects.create(
            plan=plan,
            title=kyrgyz(f"аракет{n}", limit(PlanAction, "title")),
            focus="dialogue",
            start_date=date(2026, 3, 1),
            end_date=date(2026, 6, 30),
            budget=999_999_999,
            budget_source=kyrgyz(f"булак{n}", limit(PlanAction, "budget_source")),
            indicator=kyrgyz(f"көрсөткүч{n}", limit(PlanAction, "indicator")),
            target=kyrgyz(f"максат{n}", limit(PlanAction, "target")),
        )
        action.risks.set(risks)
        for m in range(6):  # organizations with the longest names, responsible and partners
            name = kyrgyz(f"уюм{n}{m}", 300)
            (action.responsible_organizations if m < 3 else action.partner_organizations).add(
                make_organization(site="kyshtut", name_ky=name)
            )
    return plan


TEXT_FIELDS = {
    ConflictPreventionPlan: ["title", "context_analysis", "focus_forecasting", "focus_dialogue", "focus_peace"],
    Risk: ["description", "early_warning_signs", "affected_groups"],
    PlanAction: ["title", "budget_source", "indicator", "target"],
}


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_plan_with_every_field_at_its_longest_prints_all_its_text_in_order(longest_plan, language):
    pages = pdf_pages(plan_pdf.plan_pdf(longest_plan, language))
    assert len(pages) > 10
    texts = [getattr(longest_plan, field) for field in TEXT_FIELDS[ConflictPreventionPlan]]
    for risk in longest_plan.risks.order_by("id"):
        texts += [getattr(risk, field) for field in TEXT_FIELDS[Risk]]
    for action in longest_plan.actions.order_by("id"):
        texts += [getattr(action, field) for field in TEXT_FIELDS[PlanAction]]
        texts += [organization.name for organization in action.responsible_organizations.all()]
        texts += [organization.name for organization in action.partner_organizations.all()]
    for text in texts:
        drawn_in_order(pages, text)
    # A risk's description (one cell) is longer than a page: its row continued over several pages.
    description = longest_plan.risks.order_by("id").first().description
    assert drawn_in_order(pages, description) >= 2
    assert "ң" in pages[0] and "ө" in pages[0] and "ү" in pages[0]
    # Each page that continues a table starts with its header, once: never again half-way down the page.
    with translation.override(language):
        headers = [squeezed(_("Early-warning signs")), squeezed(_("Budget and source"))]
    for header in headers:
        on_pages = [squeezed(page).count(header) for page in pages]
        assert max(on_pages) == 1 and on_pages.count(1) >= 3


def test_the_longest_plan_downloads_as_a_pdf(client_for, la_kyshtut, longest_plan):
    with translation.override("ky"):
        address = reverse("plans:plan-pdf", args=[longest_plan.pk, "ky"])
    response = client_for(la_kyshtut).get(address)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_check_finds_a_missing_or_reordered_part():
    """The check itself can fail: a page's part missing, or two parts swapped, is caught."""
    text = kyrgyz("сөз", 400)
    middle = len(text) // 2
    with pytest.raises(AssertionError):
        drawn_in_order([text[:middle], text[middle + 20 :]], text)
    with pytest.raises(AssertionError):
        drawn_in_order([text[middle:], text[:middle]], text)
    assert drawn_in_order([text[:middle], "№ Тобокел", text[middle:]], text) == 2
