"""The plans' pages: forms with clear messages for bad input (nothing partly saved), two people editing one plan
(the second is told and loses nothing), comments, the heat map, the comparison with the last reviewed version,
the PDF in Kyrgyz and Russian, the organization timeline, the site dashboard, and constant query counts."""

import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dialogues.plans import diff as plan_diff
from dialogues.plans import pdf as plan_pdf
from dialogues.plans import workflow
from dialogues.plans.models import ConflictPreventionPlan, PlanAction, PlanComment, Risk
from tests.helpers import count_queries, url

D = datetime.date
DECISION = {"decision_number": "7/2", "decision_date": D(2026, 2, 20)}


def page_of(response) -> str:
    return response.content.decode()


def action_data(plan, **changes):
    action = {
        "title": "Жаштар менен диалог",
        "focus": "dialogue",
        "responsible_organizations": [plan.authoring_body_id],
        "start_date": "01.04.2026",
        "end_date": "30.04.2026",
        "budget": "12 500",
        "budget_source": "БУУӨП",
        "indicator": "Жолугушуулардын саны",
        "target": "4",
    }
    return action | changes


def risk_data(**changes):
    return {"description": "Сугат суусу үчүн талаш", "likelihood": "3", "impact": "4"} | changes


# --- Creating and editing ---------------------------------------------------------------------------------------


def test_staff_create_a_plan_authored_by_the_sites_ayil_okmotu(client_for, staff, sites, make_organization):
    body = make_organization(type_code="local-self-government", name_ky="Кыштут айыл өкмөтү")
    data = {
        "site": sites["kyshtut"].pk,
        "authoring_body": body.pk,
        "title": "Кыштуттун чыр-чатактарды алдын алуу боюнча планы",
        "period_start": "01.01.2026",
        "period_end": "31.12.2027",
    }
    response = client_for(staff).post(url("plans:plan-create"), data)
    plan = ConflictPreventionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == url("plans:plan-detail", plan.pk)
    assert (plan.status, plan.version_number, plan.created_by) == ("draft", 1, staff)
    assert plan.history.first().history_user == staff


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("cso", "Choose the local self-government body"),
        ("other-site", "another pilot site"),
        ("period", "The period cannot end before it starts."),
    ],
)
def test_bad_plan_input_is_refused_with_a_message(client_for, staff, sites, make_organization, kind, message):
    body = make_organization(type_code="local-self-government")
    data = {
        "site": sites["kyshtut"].pk,
        "authoring_body": body.pk,
        "title": "План",
        "period_start": "01.01.2026",
        "period_end": "31.12.2027",
    }
    if kind == "cso":
        data["authoring_body"] = make_organization(type_code="cso").pk
    elif kind == "other-site":
        data["authoring_body"] = make_organization(site="kerben", type_code="local-self-government").pk
    else:
        data["period_end"] = "31.12.2025"
    with translation.override("en"):
        response = client_for(staff).post(url("plans:plan-create"), data)
    assert response.status_code == 200 and message in page_of(response)
    assert not ConflictPreventionPlan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"likelihood": "0"}, "Likelihood goes from 1 (very unlikely) to 5 (almost certain)."),
        ({"likelihood": "6"}, "Likelihood goes from 1 (very unlikely) to 5 (almost certain)."),
        ({"impact": "6"}, "Impact goes from 1 (very small) to 5 (very serious)."),
        ({"impact": "abc"}, "Impact goes from 1 (very small) to 5 (very serious)."),
        ({"description": ""}, "This field is required."),
    ],
)
def test_bad_risk_input_is_refused_and_nothing_is_saved(client_for, staff, make_plan, changes, message):
    plan = make_plan(risks=0)
    with translation.override("en"):
        response = client_for(staff).post(url("plans:risk-create", plan.pk), risk_data(**changes))
    assert response.status_code == 200 and message in page_of(response)
    plan.refresh_from_db()
    assert not plan.risks.exists() and plan.version == 1


def test_the_risk_form_says_it_holds_no_incident_or_survivor_data(client_for, staff, make_plan):
    plan = make_plan()
    with translation.override("en"):
        page = page_of(client_for(staff).get(url("plans:risk-create", plan.pk)))
    assert "no incident, case or survivor data" in page
    assert not {"incident", "survivor", "victim", "case"} & {f.name for f in Risk._meta.get_fields()}


def test_a_risk_is_added_and_bumps_the_plans_version(client_for, la_kyshtut, make_plan):
    plan = make_plan(risks=0)
    response = client_for(la_kyshtut).post(url("plans:risk-create", plan.pk), risk_data(likelihood="5", impact="5"))
    assert response.status_code == 302
    risk = plan.risks.get()
    assert (risk.likelihood, risk.impact, risk.level) == (5, 5, "very_high")
    plan.refresh_from_db()
    assert plan.version == 2
    assert risk.history.first().history_user == la_kyshtut


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "31.03.2026"}, "The action cannot end before it starts."),
        ({"budget": "-100"}, "Enter an amount of at least 0 som."),
        ({"budget": "100 USD"}, "Amounts are in som (KGS)"),
        ({"budget": "много"}, "Enter an amount in som"),
        ({"start_date": "31.02.2026"}, "Enter a valid date."),
        ({"responsible_organizations": []}, "This field is required."),
    ],
)
def test_bad_action_input_is_refused_and_nothing_is_saved(client_for, staff, make_plan, changes, message):
    plan = make_plan(actions=0)
    with translation.override("en"):
        response = client_for(staff).post(url("plans:action-create", plan.pk), action_data(plan, **changes))
    assert response.status_code == 200 and message in page_of(response)
    assert not plan.actions.exists()


def test_the_database_refuses_negative_budgets_and_reversed_dates(make_plan):
    from django.db import IntegrityError, transaction

    action = make_plan().actions.get()
    for changes in ({"budget": Decimal("-1")}, {"end_date": D(2026, 1, 1)}, {"spent": Decimal("-5")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PlanAction.objects.filter(pk=action.pk).update(**changes)
    for changes in ({"likelihood": 0}, {"impact": 6}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Risk.objects.filter(plan=action.plan).update(**changes)


def test_an_action_is_saved_with_its_risks_and_budget(client_for, staff, make_plan, make_organization):
    plan = make_plan(actions=0)
    partner = make_organization(name_ky="Аялдар кеңеши")
    risk = plan.risks.get()
    data = action_data(plan, risks=[risk.pk], partner_organizations=[partner.pk])
    assert client_for(staff).post(url("plans:action-create", plan.pk), data).status_code == 302
    action = plan.actions.get()
    assert action.budget == Decimal("12500") and list(action.risks.all()) == [risk]
    assert list(action.partner_organizations.all()) == [partner]


def test_a_risk_of_another_plan_cannot_be_linked(client_for, staff, make_plan):
    plan, other = make_plan(actions=0), make_plan(site="kerben")
    data = action_data(plan, risks=[other.risks.get().pk])
    assert client_for(staff).post(url("plans:action-create", plan.pk), data).status_code == 200
    assert not plan.actions.exists()


def test_two_people_editing_one_action_the_second_is_told_and_loses_nothing(client_for, staff, la_kyshtut, make_plan):
    plan = make_plan()
    action = plan.actions.get()
    opened = action.version  # both opened the form on this version
    first = client_for(staff).post(
        url("plans:action-edit", plan.pk, action.pk), action_data(plan, title="Биринчи оңдоо", version=opened)
    )
    assert first.status_code == 302
    with translation.override("en"):
        second = client_for(la_kyshtut).post(
            url("plans:action-edit", plan.pk, action.pk), action_data(plan, title="Экинчи оңдоо", version=opened)
        )
    page = page_of(second)
    assert second.status_code == 200 and "Someone else saved this record while you were editing it" in page
    assert "Экинчи оңдоо" in page  # their input is still in the form
    action.refresh_from_db()
    assert action.title == "Биринчи оңдоо"
    # Saved again from the form it was given back (now on the current version), it goes through.
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    again = client_for(la_kyshtut).post(
        url("plans:action-edit", plan.pk, action.pk), action_data(plan, title="Экинчи оңдоо", version=version)
    )
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.title == "Экинчи оңдоо"


def test_two_people_editing_the_plan_the_second_is_told(client_for, staff, la_kyshtut, make_plan, sites):
    plan = make_plan()
    data = {
        "site": sites["kyshtut"].pk,
        "authoring_body": plan.authoring_body_id,
        "title": "Staff",
        "period_start": "01.01.2026",
        "period_end": "31.12.2027",
        "version": plan.version,
    }
    assert client_for(staff).post(url("plans:plan-edit", plan.pk), data).status_code == 302
    with translation.override("en"):
        second = client_for(la_kyshtut).post(url("plans:plan-edit", plan.pk), data | {"title": "Authority"})
    assert second.status_code == 200 and "Someone else saved this record" in page_of(second)
    assert "Authority" in page_of(second)
    plan.refresh_from_db()
    assert plan.title == "Staff"


def test_a_submitted_plan_is_not_edited(client_for, staff, make_plan):
    plan = make_plan(status="submitted")
    action = plan.actions.get()
    with translation.override("en"):
        response = client_for(staff).post(url("plans:action-edit", plan.pk, action.pk), action_data(plan), follow=True)
    assert "can be edited again when changes are requested" in page_of(response)
    action.refresh_from_db()
    assert action.title == "Иш-чара 1"
    assert client_for(staff).post(url("plans:item-delete", plan.pk, "risks", plan.risks.get().pk)).status_code == 302
    assert plan.risks.exists()


def test_a_plan_submitted_while_an_action_was_edited_keeps_its_frozen_content(client_for, staff, make_plan):
    plan = make_plan()
    action = plan.actions.get()
    form_version = action.version
    workflow.transition(plan, "submitted", staff, version=plan.version)
    with translation.override("en"):
        response = client_for(staff).post(
            url("plans:action-edit", plan.pk, action.pk),
            action_data(plan, title="Кеч", version=form_version),
            follow=True,
        )
    assert "can be edited again when changes are requested" in page_of(response)
    action.refresh_from_db()
    assert action.title == "Иш-чара 1"


# --- Workflow through the pages -----------------------------------------------------------------------------------


def test_a_transition_from_a_stale_page_is_refused_with_a_message(client_for, staff, la_kyshtut, make_plan):
    plan = make_plan(status="submitted")
    stale = plan.version
    workflow.transition(plan, "changes_requested", la_kyshtut, "R1", version=stale)
    with translation.override("en"):
        response = client_for(la_kyshtut).post(
            url("plans:plan-transition", plan.pk), {"to": "approved", "version": stale, **DECISION}, follow=True
        )
    assert "changed by someone else since you opened this page" in page_of(response)
    plan.refresh_from_db()
    assert plan.status == "changes_requested"


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"decision_number": "", "decision_date": "20.02.2026"}, "Approval needs the number of the decision"),
        ({"decision_number": "7/2", "decision_date": ""}, "Approval needs the date of the decision"),
        ({"decision_number": "7/2", "decision_date": "31.02.2026"}, "Enter the date of the decision as dd.mm.yyyy."),
    ],
)
def test_approval_without_a_decision_is_refused_with_a_message(client_for, la_kyshtut, make_plan, decision, message):
    plan = make_plan(status="submitted")
    with translation.override("en"):
        response = client_for(la_kyshtut).post(
            url("plans:plan-transition", plan.pk), {"to": "approved", "version": plan.version, **decision}, follow=True
        )
    assert response.status_code == 200 and message in page_of(response)
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.decision_number == ""


@pytest.mark.parametrize("data", [{}, {"to": "nowhere", "version": "1"}, {"to": "approved", "version": "x"}])
def test_junk_transition_input_answers_with_a_message(client_for, admin, make_plan, data):
    plan = make_plan(status="submitted")
    response = client_for(admin).post(url("plans:plan-transition", plan.pk), data, follow=True)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == "submitted"


def test_the_plan_page_offers_each_role_its_own_buttons(client_for, staff, la_kyshtut, make_plan):
    plan = make_plan(status="submitted")
    authority = page_of(client_for(la_kyshtut).get(url("plans:plan-detail", plan.pk)))
    assert 'data-testid="move-approved"' in authority and 'data-testid="move-changes_requested"' in authority
    facilitator = page_of(client_for(staff).get(url("plans:plan-detail", plan.pk)))
    assert 'data-testid="move-approved"' not in facilitator and 'data-testid="workflow"' not in facilitator


# --- Comments ---------------------------------------------------------------------------------------------------


def test_a_comment_on_one_action_is_shown_with_it_and_resolved(client_for, staff, la_kyshtut, make_plan):
    plan = make_plan(status="submitted", actions=2)
    action = plan.actions.order_by("id").last()
    client = client_for(la_kyshtut)
    client.post(url("plans:comment-add", plan.pk), {"about": f"action-{action.pk}", "text": "Бюджетти негиздеңиз"})
    comment = PlanComment.objects.get()
    assert (comment.action, comment.risk, comment.by, comment.subject) == (action, None, la_kyshtut, action.title)
    page = page_of(client_for(staff).get(url("plans:plan-detail", plan.pk)))
    card = page.split(f'id="action-{action.pk}"')[1].split('data-testid="action"')[1]
    assert "Бюджетти негиздеңиз" in card
    client_for(staff).post(url("plans:comment-resolve", plan.pk, comment.pk))
    comment.refresh_from_db()
    assert comment.resolved_by == staff and not comment.is_open


def test_a_comment_about_another_plans_item_is_refused(client_for, la_kyshtut, make_plan):
    plan, other = make_plan(), make_plan()
    response = client_for(la_kyshtut).post(
        url("plans:comment-add", plan.pk), {"about": f"action-{other.actions.get().pk}", "text": "x"}, follow=True
    )
    assert response.status_code == 200 and not PlanComment.objects.exists()


def test_viewers_read_an_approved_plan_without_its_review(client_for, viewer, la_kyshtut, make_plan):
    plan = make_plan(status="approved")
    PlanComment.objects.create(plan=plan, text="Ички пикир", by=la_kyshtut)
    page = page_of(client_for(viewer).get(url("plans:plan-detail", plan.pk)))
    assert plan.title in page and "Ички пикир" not in page and 'data-testid="review"' not in page
    assert client_for(viewer).post(url("plans:comment-add", plan.pk), {"text": "x"}).status_code == 403
    assert client_for(viewer).get(url("plans:plan-diff", plan.pk)).status_code == 403


# --- Heat map ---------------------------------------------------------------------------------------------------


def test_the_heat_map_counts_risks_per_cell(client_for, staff, make_plan):
    plan = make_plan(risks=2)  # two at likelihood 3 × impact 4
    Risk.objects.create(plan=plan, description="Жаштардын чыр-чатагы", likelihood=5, impact=5)
    Risk.objects.create(plan=plan, description="Жайыт", likelihood=1, impact=2)
    page = page_of(client_for(staff).get(url("plans:plan-detail", plan.pk)))
    cell = re.search(r'<td class="heat-(\w+)" data-testid="cell-3-4"[^>]*>(.*?)</td>', page, re.S)
    assert cell.group(1) == "high" and '<span class="heat-count">2</span>' in cell.group(2)
    assert "R1 R2" in cell.group(2)
    top = re.search(r'<td class="heat-(\w+)" data-testid="cell-5-5"[^>]*>(.*?)</td>', page, re.S)
    assert top.group(1) == "very_high" and "R3" in top.group(2)
    empty = re.search(r'<td class="heat-(\w+)" data-testid="cell-5-1"[^>]*>(.*?)</td>', page, re.S)
    assert empty.group(1) == "medium" and "heat-count" not in empty.group(2)
    assert 'aria-label="Likelihood 3, impact 4: 2 risks"' in page or "Likelihood 3, impact 4" in page


# --- What changed since the last reviewed version ----------------------------------------------------------------


def test_the_resubmission_shows_what_changed_since_the_reviewed_version(
    client_for, staff, la_kyshtut, make_plan, make_organization
):
    plan = make_plan(risks=2, actions=2)
    kept, removed = plan.risks.order_by("id")
    changed_action = plan.actions.order_by("id").first()
    plan = workflow.transition(plan, "submitted", staff, version=plan.version)
    plan = workflow.transition(plan, "changes_requested", la_kyshtut, "Бюджетти тактаңыз", version=plan.version)
    with workflow.editing(plan, staff) as locked:
        locked.title = "Жаңыланган план"
        locked.save(update_fields=["title"])
        changed_action.budget, changed_action.title = Decimal("15000"), "Жаштар менен үч диалог"
        changed_action.save()
        changed_action.partner_organizations.add(make_organization(name_ky="Жаштар борбору"))
        removed.delete()
        Risk.objects.create(plan=locked, description="Жаңы тобокелдик: жайыт", likelihood=2, impact=3)
        kept.likelihood = 4
        kept.save()
    plan.refresh_from_db()
    # While it is edited, the page compares the current content with the reviewed submission.
    with translation.override("en"):
        while_editing = page_of(client_for(staff).get(url("plans:plan-diff", plan.pk)))
    assert "Жаңыланган план" in while_editing and "not yet submitted" in while_editing
    workflow.transition(plan, "submitted", staff, version=plan.version)
    with translation.override("en"):
        page = page_of(client_for(la_kyshtut).get(url("plans:plan-diff", plan.pk)))
    fields = page.split('data-testid="diff-fields"')[1].split("</table>")[0]
    assert "Жаңыланган план" in fields and "Чыр-чатактарды алдын алуу боюнча план" in fields
    risks = page.split('data-testid="diff-risks"')[1].split('data-testid="diff-actions"')[0]
    assert "Жаңы тобокелдик: жайыт" in risks.split('data-testid="diff-added"')[1].split('data-testid="diff-')[0]
    assert "Суу үчүн талаш 2" in risks.split('data-testid="diff-removed"')[1]
    changed_risk = risks.split('data-testid="diff-changed"')[1]
    assert "Суу үчүн талаш 1" in changed_risk and "Likelihood (1–5)" in changed_risk
    actions = page.split('data-testid="diff-actions"')[1]
    assert "Жаштар менен үч диалог" in actions and "15000.00" in actions and "10000.00" in actions
    assert "Жаштар борбору" in actions and "Иш-чара 2" not in actions  # the unchanged action is not listed


def test_compare_lists_added_removed_and_changed_items(db):
    old = {
        "fields": {"title": "A"},
        "risks": [{"key": "1", "description": "r1", "likelihood": 2}, {"key": "2", "description": "r2"}],
        "actions": [{"key": "a", "title": "act", "budget": "10.00", "focus": "peace"}],
    }
    new = {
        "fields": {"title": "B"},
        "risks": [{"key": "1", "description": "r1", "likelihood": 3}, {"key": "3", "description": "r3"}],
        "actions": [{"key": "a", "title": "act", "budget": "10.00", "focus": "dialogue"}],
    }
    with translation.override("en"):
        diff = plan_diff.compare(old, new)
        assert [(str(label), a, b) for label, a, b in diff.fields] == [("title", "A", "B")]
        assert [(c.kind, c.label) for c in diff.risks] == [("changed", "r1"), ("added", "r3"), ("removed", "r2")]
        assert [(str(f), a, b) for f, a, b in diff.risks[0].fields] == [("likelihood (1–5)", "2", "3")]
        assert [(str(f), a, b) for f, a, b in diff.actions[0].fields] == [
            ("focus", "sustainable peace", "dialogue and trust")
        ]
    assert plan_diff.compare(new, new).is_empty


def test_a_new_version_is_compared_with_the_approved_one(client_for, staff, la_kyshtut, make_plan):
    plan = make_plan()
    plan = workflow.transition(plan, "submitted", staff, version=plan.version)
    plan = workflow.transition(plan, "approved", la_kyshtut, version=plan.version, **DECISION)
    copy = workflow.open_new_version(plan, la_kyshtut, version=plan.version)
    with workflow.editing(copy, la_kyshtut):
        copy.actions.get().__class__.objects.filter(plan=copy).update(title="Экинчи версиядагы иш-чара")
    with translation.override("en"):
        page = page_of(client_for(la_kyshtut).get(url("plans:plan-diff", copy.pk)))
    assert "the approved previous version" in page and "Экинчи версиядагы иш-чара" in page


def test_nothing_to_compare_before_a_first_review(client_for, staff, make_plan):
    plan = make_plan()
    page = page_of(client_for(staff).get(url("plans:plan-diff", plan.pk)))
    assert 'data-testid="no-baseline"' in page


# --- PDF --------------------------------------------------------------------------------------------------------


def pdf_characters(pdf: bytes) -> set[str]:
    """Every character the PDF's embedded font subsets map to (their ToUnicode maps): what was drawn with them."""
    characters = set()
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            stream = zlib.decompressobj().decompress(stream)
        except zlib.error:
            pass
        for code in re.findall(rb"<[0-9A-F]{2}> <([0-9A-F]{4})>", stream):
            characters.add(chr(int(code, 16)))
    return characters


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_approved_plan_downloads_as_a_pdf(client_for, la_kyshtut, make_plan, language):
    plan = make_plan(status="approved", title="Кыштуттун тынчтык планы: өз ара ишеним, үй-бүлө, жаңы көпүрө")
    response = client_for(la_kyshtut).get(url("plans:plan-pdf", plan.pk, language))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"plan-{plan.pk}-v1-{language}.pdf" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf
    assert set(plan.title) - {" "} <= pdf_characters(pdf)  # the Kyrgyz title, ө ү ң included, drawn with DejaVu


def test_the_two_languages_are_two_documents(make_plan):
    plan = make_plan(status="approved")
    assert plan_pdf.plan_pdf(plan, "ky") != plan_pdf.plan_pdf(plan, "ru")


def test_no_pdf_before_approval_or_in_another_language(client_for, staff, make_plan):
    draft, approved = make_plan(), make_plan(status="approved")
    client = client_for(staff)
    assert client.get(url("plans:plan-pdf", draft.pk, "ky")).status_code == 404
    assert client.get(url("plans:plan-pdf", approved.pk, "en")).status_code == 404


def test_a_missing_font_answers_503_with_a_message(client_for, staff, make_plan, monkeypatch, tmp_path):
    plan = make_plan(status="approved")
    from mapping_portal import pdf

    monkeypatch.setattr(pdf.pdfmetrics, "getRegisteredFontNames", lambda: [])
    monkeypatch.setattr(pdf, "FONT_DIRS", [tmp_path])
    with translation.override("en"):
        response = client_for(staff).get(url("plans:plan-pdf", plan.pk, "ky"))
    assert response.status_code == 503 and "fonts-dejavu-core" in page_of(response)


# --- Timeline and dashboard ----------------------------------------------------------------------------------------


def test_plan_actions_are_on_the_responsible_organizations_timeline(client_for, users, make_plan):
    draft = make_plan(title="Долбоордогу план")
    approved = make_plan(status="approved", authoring_body=draft.authoring_body)
    approved.actions.update(title="Бекитилген иш-чара")
    timeline = reverse("stakeholders:organization-timeline", args=[draft.authoring_body_id])
    with translation.override("en"):
        staff_page = page_of(client_for(users["staff"]).get(timeline))
    assert "Conflict-prevention plan action: Иш-чара 1" in staff_page
    assert "Conflict-prevention plan action: Бекитилген иш-чара" in staff_page
    assert url("plans:plan-detail", draft.pk) in staff_page
    viewer_page = page_of(client_for(users["viewer"]).get(timeline))
    assert "Бекитилген иш-чара" in viewer_page and "Долбоордогу план" not in viewer_page


def test_an_older_version_does_not_repeat_its_actions_on_the_timeline(staff, la_kyshtut, make_plan):
    from stakeholders.timeline import timeline_for

    plan = make_plan(status="approved")
    workflow.open_new_version(plan, la_kyshtut, version=plan.version)
    items = [item for item in timeline_for(staff, plan.authoring_body) if item.kind == "plan-action"]
    assert len(items) == 1


def test_the_site_dashboard_counts_actions_and_money(client_for, la_kyshtut, make_plan):
    today = timezone.localdate()
    plan = make_plan(status="in_implementation", actions=0)
    made = []
    for title, status, start, end, budget, spent in [
        ("Бүттү", "done", -60, -30, 10000, 9000),
        ("Жүрүп жатат", "in_progress", -10, 30, 20000, 5000),
        ("Кечигип жатат", "in_progress", -60, -1, 5000, 0),  # past its end: delayed
        ("Башталган жок", "not_started", -5, 30, 1000, 0),  # past its start: delayed
        ("Алдыда", "not_started", 10, 40, 4000, 0),
    ]:
        made.append(
            PlanAction.objects.create(
                plan=plan,
                title=title,
                focus="dialogue",
                status=status,
                start_date=today + datetime.timedelta(days=start),
                end_date=today + datetime.timedelta(days=end),
                budget=Decimal(budget),
                spent=Decimal(spent),
            )
        )
    make_plan(site="kerben", status="approved")  # another site's plan counts nothing here
    make_plan(status="draft")  # nor a draft
    response = client_for(la_kyshtut).get(url("plans:site-dashboard", "kyshtut"))
    page = page_of(response)

    def figure(testid):
        return re.search(rf'data-testid="{testid}">([^<]*)<', page).group(1)

    assert (figure("done"), figure("in-progress"), figure("not-started"), figure("delayed")) == ("1", "1", "1", "2")
    assert figure("planned") == "40\u00a0000\u00a0" + "сом" or figure("planned").startswith("40\u00a0000")
    assert figure("spent").startswith("14\u00a0000")
    late = page.split('data-testid="late"')[1]
    assert "Кечигип жатат" in late and "Башталган жок" in late and "Алдыда" not in late
    assert [a.is_delayed for a in made] == [False, False, True, True, False]


# --- Query counts -------------------------------------------------------------------------------------------------


def test_list_detail_dashboard_and_diff_queries_do_not_grow_with_rows(client_for, staff, la_kyshtut, make_plan):
    client = client_for(staff)
    plan = make_plan(risks=1, actions=1)
    PlanComment.objects.create(plan=plan, text="1", by=la_kyshtut, action=plan.actions.get())
    plan = workflow.transition(plan, "submitted", staff, version=plan.version)
    plan = workflow.transition(plan, "changes_requested", la_kyshtut, "x", version=plan.version)
    approved = make_plan(status="in_implementation")
    pages = [
        url("plans:plan-list"),
        url("plans:plan-detail", plan.pk),
        url("plans:site-dashboard", "kyshtut"),
        url("plans:plan-diff", plan.pk),
    ]
    few = [count_queries(client, path) for path in pages]
    for n in range(4):
        make_plan(site="kerben" if n % 2 else "kyshtut", status="approved", risks=3, actions=3)
    with workflow.editing(plan, staff) as locked:
        for n in range(5):
            risk = Risk.objects.create(plan=locked, description=f"Тобокелдик {n}", likelihood=2, impact=n + 1)
            action = PlanAction.objects.create(
                plan=locked, title=f"Кошумча {n}", focus="peace", start_date=D(2026, 1, 1), end_date=D(2026, 2, 1)
            )
            action.risks.add(risk)
            action.responsible_organizations.add(plan.authoring_body)
            PlanComment.objects.create(plan=locked, text="c", by=la_kyshtut, risk=risk)
    approved.actions.update(status="in_progress")
    many = [count_queries(client, path) for path in pages]
    assert few == many
    # Every page: session, user, the user's sites (scope), the menu's sites, and the session save (savepoint,
    # update, release) = 7; then its own:
    # list (+4): count, the site filter's options, the sites of the dashboard links, the page of plans (risk and
    #   action counts, budgets and open comments as subqueries)
    # detail (+11): the plan (site, body, previous version, figures), its risks (with direction), actions, their
    #   risks, responsible and partner organizations, progress notes, comments, status changes (with users), the
    #   newer-version check, its history (with users)
    # dashboard (+6): the site, the counts and sums, the sums per focus, the followed plans, the delayed actions and
    #   their responsible organizations
    # diff (+8): the plan, the reviewed snapshot, the current content (risks, actions, their risks, responsible and
    #   partner organizations), the thematic directions' names
    assert many == [11, 18, 13, 15]


# --- Django admin (repairs) -----------------------------------------------------------------------------------------


def test_plan_admin_pages_open(client_for, admin, make_plan):
    plan = make_plan(status="approved")
    client = client_for(admin)
    for path in [
        "/admin/dialogues/conflictpreventionplan/",
        f"/admin/dialogues/conflictpreventionplan/{plan.pk}/change/",
        f"/admin/dialogues/conflictpreventionplan/{plan.pk}/history/",
        "/admin/dialogues/planaction/",
        f"/admin/dialogues/planaction/{plan.actions.get().pk}/change/",
    ]:
        assert client.get(path).status_code == 200, path


# --- Languages ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_every_plan_page_opens_in_each_language(client_for, staff, la_kyshtut, make_plan, language):
    plan = make_plan(status="submitted")
    workflow.transition(plan, "changes_requested", la_kyshtut, "Тактаңыз", version=plan.version)
    PlanComment.objects.create(plan=plan, text="Пикир", by=la_kyshtut, action=plan.actions.get())
    approved = make_plan(status="in_implementation")
    client = client_for(staff)
    with translation.override(language):
        paths = [
            reverse("plans:plan-list"),
            reverse("plans:plan-create"),
            reverse("plans:plan-detail", args=[plan.pk]),
            reverse("plans:plan-edit", args=[plan.pk]),
            reverse("plans:risk-create", args=[plan.pk]),
            reverse("plans:action-edit", args=[plan.pk, plan.actions.get().pk]),
            reverse("plans:plan-diff", args=[plan.pk]),
            reverse("plans:plan-detail", args=[approved.pk]),
            reverse("plans:site-dashboard", args=["kyshtut"]),
        ]
    for path in paths:
        assert path.startswith(f"/{language}/")
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in page_of(response)


# --- Exports ------------------------------------------------------------------------------------------------------


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_plan_list_and_its_actions_export_what_the_list_shows(client_for, users, make_plan):
    from mapping_portal.models import ExportLog

    make_plan(title="Кыштут планы", status="approved")
    make_plan(site="kerben", title="Кербен планы")
    response = client_for(users["staff"]).get(url("plans:plan-export", "csv") + "?site=kyshtut")
    content = _csv(response)
    assert response.status_code == 200 and "Кыштут планы" in content and "Кербен планы" not in content
    assert "12/3" in content and "10000" in content  # the decision, the budget
    actions = _csv(client_for(users["la_kerben"]).get(url("plans:plan-action-export", "csv")))
    assert "Иш-чара 1" in actions and "kerben" in actions and "kyshtut" not in actions
    assert ExportLog.objects.filter(export="plans", personal_data=False).count() == 1
    assert ExportLog.objects.filter(export="plan-actions", user=users["la_kerben"]).count() == 1
    assert client_for(users["viewer"]).get(url("plans:plan-export", "xlsx")).status_code == 403
    assert client_for(users["reviewer"]).get(url("plans:plan-action-export", "csv")).status_code == 403


def test_the_export_command_writes_every_plan(make_plan, tmp_path):
    from django.core.management import call_command

    make_plan(title="Кыштут планы")
    make_plan(site="kerben", title="Кербен планы")
    out = tmp_path / "plans.csv"
    call_command("export", "plans", "--format", "csv", "--out", str(out))
    content = out.read_text(encoding="utf-8-sig")
    assert "Кыштут планы" in content and "Кербен планы" in content


def test_a_comment_on_a_removed_action_stays_on_the_plan_with_its_subject(client_for, staff, la_kyshtut, make_plan):
    plan = make_plan(status="changes_requested", actions=2)
    action = plan.actions.order_by("id").last()
    client_for(la_kyshtut).post(
        url("plans:comment-add", plan.pk), {"about": f"action-{action.pk}", "text": "Кереги жок"}
    )
    client_for(staff).post(url("plans:item-delete", plan.pk, "actions", action.pk))
    comment = PlanComment.objects.get()
    assert comment.action is None and comment.subject == "Иш-чара 2"
    with translation.override("en"):
        page = page_of(client_for(staff).get(url("plans:plan-detail", plan.pk)))
    review = page.split('data-testid="review"')[1]
    assert "Кереги жок" in review and "About “Иш-чара 2”, since removed from the plan." in review


def test_a_merge_moves_the_plans_of_the_merged_organization(staff, make_plan, make_organization):
    from stakeholders.merging import merge

    plan = make_plan()
    kept = make_organization(type_code="local-self-government", name_ky="Кыштут айыл өкмөтү (2)")
    merged = plan.authoring_body
    merge(kept, merged, staff, "Бир эле айыл өкмөтү")
    plan.refresh_from_db()
    assert plan.authoring_body == kept
    assert list(plan.actions.get().responsible_organizations.all()) == [kept]


def test_the_plans_history_says_who_changed_which_field_and_nothing_else(client_for, staff, make_plan, sites):
    plan = make_plan()
    action = plan.actions.get()
    client = client_for(staff)
    client.post(
        url("plans:action-edit", plan.pk, action.pk), action_data(plan, title="Оңдолгон", version=action.version)
    )
    plan.refresh_from_db()
    data = {
        "site": sites["kyshtut"].pk,
        "authoring_body": plan.authoring_body_id,
        "title": "Жаңы аталыш",
        "period_start": "01.01.2026",
        "period_end": "31.12.2027",
        "version": plan.version,
    }
    assert client.post(url("plans:plan-edit", plan.pk), data).status_code == 302
    plan.refresh_from_db()
    assert plan.version == 3  # one per change: the action, then the plan
    history = plan.history.all()
    assert history.count() == 2  # created, then the title changed: a version bump is not a change of its own
    assert history.first().history_user == staff and history.first().title == "Жаңы аталыш"
    assert action.history.first().history_user == staff and action.history.first().title == "Оңдолгон"


def test_a_local_authority_drafts_for_its_own_site_only(client_for, la_kyshtut, sites, make_organization):
    body = make_organization(type_code="local-self-government")
    client = client_for(la_kyshtut)
    page = page_of(client.get(url("plans:plan-create")))
    assert f'<option value="{sites["kyshtut"].pk}" selected>' in page and f'value="{sites["kerben"].pk}"' not in page
    data = {"authoring_body": body.pk, "title": "План", "period_start": "01.01.2026", "period_end": "31.12.2026"}
    assert client.post(url("plans:plan-create"), data | {"site": sites["kerben"].pk}).status_code == 200
    assert not ConflictPreventionPlan.objects.exists()
    assert client.post(url("plans:plan-create"), data | {"site": sites["kyshtut"].pk}).status_code == 302
    assert ConflictPreventionPlan.objects.get().created_by == la_kyshtut


def test_the_site_page_shows_the_plan_figures_of_the_followed_plans(client_for, users, make_plan):
    """Plans approved and followed (not drafts, not replaced by a later approved version), their actions done and
    delayed; viewers read them too, reviewers not at all."""
    from dialogues.plans.models import PlanAction

    followed = make_plan(status="in_implementation", actions=3)
    PlanAction.objects.filter(pk=followed.actions.order_by("id")[0].pk).update(status="done")  # the other two: late
    make_plan(status="draft", actions=2)  # not approved: not counted
    make_plan(site="kerben", status="approved")  # another site
    labels = {
        "Conflict-prevention plans approved": 1,
        "Plan actions done": 1,
        "Plan actions delayed": 2,  # ended 30.06.2026, not done
    }
    for role in ("staff", "la_kyshtut", "viewer"):
        with translation.override("en"):
            response = client_for(users[role]).get(reverse("site-detail", args=["kyshtut"]))
        figures = {figure.label: figure.value for figure in response.context["figures"]}
        assert {label: figures[label] for label in labels} == labels, role
    with translation.override("en"):
        response = client_for(users["reviewer"]).get(reverse("site-detail", args=["kyshtut"]))
    assert "Plan actions done" not in {figure.label for figure in response.context["figures"]}


@pytest.mark.parametrize("version", ["²", "9" * 5000, "-1", ""])
def test_a_new_version_asked_with_a_version_number_it_cannot_read_is_a_message(
    client_for, staff, la_kyshtut, make_plan, version
):
    plan = make_plan()
    plan = workflow.transition(plan, "submitted", staff, version=plan.version)
    plan = workflow.transition(plan, "approved", la_kyshtut, version=plan.version, **DECISION)
    with translation.override("en"):
        response = client_for(la_kyshtut).post(
            url("plans:plan-new-version", plan.pk), {"version": version}, follow=True
        )
        assert "That step is not understood" in page_of(response)
    assert response.status_code == 200
    assert type(plan).objects.filter(site=plan.site).count() == 1
