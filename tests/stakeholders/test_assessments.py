"""Capacity assessments: computed scores (worked by hand), drafts and finalizing, locking and reopening,
template versions, bad input, access, query counts, comparison and change."""

from decimal import Decimal

import pytest

from stakeholders import workflow
from stakeholders.models import (
    AssessmentDomain,
    AssessmentIndicator,
    AssessmentReopening,
    AssessmentTemplate,
    CapacityAssessment,
    IndicatorScore,
)
from tests.helpers import count_queries, url


def make_template(code="organizational-capacity", shape=(("a", 2), ("b", 3))):
    AssessmentTemplate.objects.filter(code=code).delete()
    template = AssessmentTemplate.objects.create(code=code, name_en="Test template", name_ky="Сыноо үлгүсү")
    for order, (domain_code, count) in enumerate(shape):
        domain = AssessmentDomain.objects.create(
            template=template,
            code=domain_code,
            order=order,
            name_en=f"Domain {domain_code.upper()}",
            name_ky=f"Чөйрө {domain_code.upper()}",
        )
        for position in range(count):
            AssessmentIndicator.objects.create(
                domain=domain,
                code=f"{domain_code}{position + 1}",
                order=position,
                **{f"text_{lang}": f"{domain_code}{position + 1} ({lang})" for lang in ("ky", "ru", "en")},
                **{
                    f"level{level}_{lang}": f"level {level} ({lang})"
                    for level in range(1, 5)
                    for lang in ("ky", "ru", "en")
                },
            )
    return template


@pytest.fixture
def template(registry):
    return make_template()


def indicators(template):
    return {i.code: i for i in AssessmentIndicator.objects.filter(domain__template=template)}


def assess(organization, template, kind="baseline", date="2026-03-01", scores=None, final=False, user=None):
    assessment = CapacityAssessment.objects.create(
        organization=organization, template=template, kind=kind, date=date, method="facilitated", assessor="Асел"
    )
    by_code = indicators(template)
    for code, value in (scores or {}).items():
        IndicatorScore.objects.create(
            assessment=assessment,
            indicator=by_code[code],
            score=None if value == "na" else value,
            not_applicable=value == "na",
        )
    if final:
        assessment = workflow.finalize(assessment, user)
    return assessment


def computed(assessment):
    fresh = CapacityAssessment.objects.prefetch_related("template__domains__indicators", "scores").get(pk=assessment.pk)
    return fresh.domain_scores(), fresh.overall_score()


# --- Scores worked by hand -------------------------------------------------------------------


def test_domain_and_overall_scores_match_the_hand_worked_example(make_organization, template):
    # A: (3 + 4) / 2 = 3.50; B: (2 + 1) / 2 = 1.50, "not applicable" left out; overall (3.50 + 1.50) / 2 = 2.50.
    assessment = assess(make_organization(), template, scores={"a1": 3, "a2": 4, "b1": 2, "b2": "na", "b3": 1})
    assert computed(assessment) == ({"a": Decimal("3.50"), "b": Decimal("1.50")}, Decimal("2.50"))


def test_each_domain_weighs_the_same_whatever_its_number_of_indicators(make_organization, template):
    # A: 4; B: (1 + 1 + 2) / 3 = 1.33; overall (4 + 1.33) / 2 = 2.67 — not the mean of all five (2.4).
    assessment = assess(make_organization(), template, scores={"a1": 4, "a2": 4, "b1": 1, "b2": 1, "b3": 2})
    assert computed(assessment) == ({"a": Decimal("4.00"), "b": Decimal("1.33")}, Decimal("2.67"))


def test_a_domain_with_nothing_applicable_is_left_out_of_the_overall(make_organization, template):
    assessment = assess(make_organization(), template, scores={"a1": 2, "a2": 3, "b1": "na", "b2": "na", "b3": "na"})
    assert computed(assessment) == ({"a": Decimal("2.50"), "b": None}, Decimal("2.50"))


def test_an_unscored_draft_has_no_scores(make_organization, template):
    assert computed(assess(make_organization(), template)) == ({"a": None, "b": None}, None)


# --- The long form, drafts, finalizing, locking, reopening -----------------------------------


def score_data(template, values, **header):
    data = {
        "date": "01.03.2026",
        "kind": "baseline",
        "method": "self",
        "assessor": "Асел Бекмурзаева",
        "participants": "",
        "strengths": "",
        "gaps": "",
        "version": "1",
    } | header
    by_code = indicators(template)
    for code, value in values.items():
        data[f"score-{by_code[code].pk}"] = str(value)
        data[f"evidence-{by_code[code].pk}"] = f"evidence {code}"
    return data


def test_staff_starts_saves_a_draft_comes_back_and_finalizes(client_for, staff, make_organization, template):
    organization = make_organization()
    client = client_for(staff)
    response = client.post(
        url("stakeholders:assessment-create", organization.pk),
        {"date": "01.03.2026", "kind": "baseline", "method": "self", "assessor": "Асел"},
    )
    assessment = CapacityAssessment.objects.get()
    assert response["Location"] == url("stakeholders:assessment-edit", assessment.pk)
    assert (assessment.template, assessment.status) == (template, "draft")

    client.post(
        url("stakeholders:assessment-edit", assessment.pk), score_data(template, {"a1": 3, "a2": 4}) | {"save": ""}
    )
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.scores.count() == 2

    # Finalizing with three indicators unanswered is refused, and the draft keeps what it had.
    response = client.post(
        url("stakeholders:assessment-edit", assessment.pk),
        score_data(template, {"a1": 3, "a2": 4}, version="2") | {"finalize": ""},
        follow=True,
    )
    assert "3 indicators have neither a score nor" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "draft"

    client.post(
        url("stakeholders:assessment-edit", assessment.pk),
        score_data(template, {"a1": 3, "a2": 4, "b1": 2, "b2": "na", "b3": 1}, version="3") | {"finalize": ""},
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.finalized_by) == ("final", staff)
    assert IndicatorScore.objects.get(assessment=assessment, indicator__code="b2").not_applicable


def test_a_final_assessment_is_locked(client_for, staff, make_organization, template):
    assessment = assess(
        make_organization(), template, scores=dict.fromkeys(["a1", "a2", "b1", "b2", "b3"], 2), final=True
    )
    client = client_for(staff)
    response = client.get(url("stakeholders:assessment-edit", assessment.pk), follow=True)
    assert "final and locked" in response.content.decode()
    client.post(
        url("stakeholders:assessment-edit", assessment.pk),
        score_data(template, dict.fromkeys(["a1", "a2"], 4), version="2"),
    )
    assert computed(assessment)[1] == Decimal("2.00")
    with pytest.raises(Exception, match="already final"):
        workflow.finalize(assessment, staff)


def test_reopening_needs_a_reason_and_records_it(client_for, staff, make_organization, template):
    assessment = assess(
        make_organization(), template, scores=dict.fromkeys(["a1", "a2", "b1", "b2", "b3"], 2), final=True
    )
    client = client_for(staff)
    response = client.post(url("stakeholders:assessment-reopen", assessment.pk), {"reason": "  "}, follow=True)
    assert "Say why the assessment is reopened." in response.content.decode()
    assert CapacityAssessment.objects.get().status == "final"
    client.post(
        url("stakeholders:assessment-reopen", assessment.pk), {"reason": "b3 was scored for another organization"}
    )
    reopening = AssessmentReopening.objects.get()
    assert (reopening.by, reopening.reason) == (staff, "b3 was scored for another organization")
    assert CapacityAssessment.objects.get().status == "draft"


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["7", "0", "-1", "four", "1.5"])
def test_a_score_out_of_range_is_refused(client_for, staff, make_organization, template, bad):
    assessment = assess(make_organization(), template)
    data = score_data(template, {"a1": 3})
    data[f"score-{indicators(template)['a2'].pk}"] = bad
    response = client_for(staff).post(url("stakeholders:assessment-edit", assessment.pk), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not IndicatorScore.objects.exists()


def test_an_indicator_of_another_template_version_is_refused(client_for, staff, make_organization, template):
    assessment = assess(make_organization(), template)
    newer = template.new_version()
    foreign = AssessmentIndicator.objects.filter(domain__template=newer).first()
    data = score_data(template, {"a1": 3}) | {f"score-{foreign.pk}": "2"}
    response = client_for(staff).post(url("stakeholders:assessment-edit", assessment.pk), data)
    assert "not part of this assessment's template" in " ".join(response.context["scores"].non_field_errors())
    assert not IndicatorScore.objects.exists()


def test_the_database_refuses_a_score_out_of_range(make_organization, template):
    from django.db import IntegrityError, transaction

    assessment = assess(make_organization(), template)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorScore.objects.create(assessment=assessment, indicator=indicators(template)["a1"], score=5)


def test_the_start_form_sent_twice_makes_one_assessment(client_for, staff, make_organization, template):
    organization = make_organization()
    data = {"date": "01.03.2026", "kind": "baseline", "method": "self", "assessor": "Асел"}
    client = client_for(staff)
    client.post(url("stakeholders:assessment-create", organization.pk), data)
    response = client.post(url("stakeholders:assessment-create", organization.pk), data)
    assert response.status_code == 200
    assert "already has an assessment of this kind on this date" in response.content.decode()
    assert CapacityAssessment.objects.count() == 1


# --- Template versions ----------------------------------------------------------------------


def test_a_new_version_copies_the_template_and_old_assessments_keep_theirs(make_organization, template):
    old = assess(make_organization(), template, scores={"a1": 2})
    newer = template.new_version()
    assert (newer.version, AssessmentTemplate.current()) == (2, newer)
    assert sorted(indicators(newer)) == sorted(indicators(template)) == ["a1", "a2", "b1", "b2", "b3"]
    assert not AssessmentTemplate.objects.get(pk=template.pk).is_active
    old.refresh_from_db()
    assert old.template == template


def test_the_admin_cannot_edit_a_version_in_use(client_for, admin, make_organization, template):
    from django.contrib import admin as django_admin

    model_admin = django_admin.site._registry[AssessmentTemplate]
    request = type("Request", (), {"user": admin})()
    assert model_admin.has_change_permission(request, template)
    assess(make_organization(), template)
    assert not model_admin.has_change_permission(request, template)


# --- Access ---------------------------------------------------------------------------------

LIST = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 200,
    "la_kerben": 200,
    "viewer": 200,
    "reviewer": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", list(LIST))
def test_assessment_pages_by_role(client_for, users, make_organization, template, role):
    assessment = assess(make_organization(), template)  # in Kyshtut
    client = client_for(users[role])
    assert client.get(url("stakeholders:assessment-list")).status_code == LIST[role]
    expected_detail = {"la_kerben": 404, "reviewer": 404}.get(role, LIST[role])
    assert client.get(url("stakeholders:assessment-detail", assessment.pk)).status_code == expected_detail
    expected_edit = {"admin": 200, "staff": 200, "anonymous": 302, "la_kerben": 404, "reviewer": 404}.get(role, 403)
    assert client.get(url("stakeholders:assessment-edit", assessment.pk)).status_code == expected_edit
    expected_capacity = {"la_kerben": 404, "reviewer": 403}.get(role, LIST[role])
    assert (
        client.get(url("stakeholders:organization-capacity", assessment.organization_id)).status_code
        == expected_capacity
    )


def test_a_local_authority_sees_only_its_sites_assessments(client_for, la_kyshtut, make_organization, template):
    assess(make_organization(name_ky="Кыштут уюму"), template)
    assess(make_organization(name_ky="Кербен уюму", site="kerben"), template)
    page = client_for(la_kyshtut).get(url("stakeholders:assessment-list"))
    assert [a.organization.name for a in page.context["page"]] == ["Кыштут уюму"]


# --- Query counts ---------------------------------------------------------------------------


def test_list_form_detail_and_comparison_keep_their_query_counts(client_for, staff, make_organization, template):
    client = client_for(staff)
    all_scores = dict.fromkeys(["a1", "a2", "b1", "b2", "b3"], 2)
    first = make_organization()
    baseline = assess(first, template, scores=all_scores, final=True)
    assess(first, template, kind="endline", date="2026-10-01", scores=dict.fromkeys(all_scores, 3), final=True)
    before = [
        count_queries(client, url("stakeholders:assessment-list")),
        count_queries(client, url("stakeholders:assessment-detail", baseline.pk)),
        count_queries(client, url("stakeholders:assessment-edit", assess(first, template, kind="midline").pk)),
        count_queries(client, url("stakeholders:organization-capacity", first.pk)),
        count_queries(client, url("stakeholders:capacity-change")),
    ]
    for number in range(8):
        other = make_organization()
        assess(other, template, scores=all_scores, final=True)
        assess(other, template, kind="endline", date=f"2026-10-{number + 10}", scores=all_scores, final=True)
    baseline.actions.create(what="Уставды жаңыртуу", who="Төрага")
    after = [
        count_queries(client, url("stakeholders:assessment-list")),
        count_queries(client, url("stakeholders:assessment-detail", baseline.pk)),
        count_queries(client, url("stakeholders:assessment-edit", first.assessments.get(kind="midline").pk)),
        count_queries(client, url("stakeholders:organization-capacity", first.pk)),
        count_queries(client, url("stakeholders:capacity-change")),
    ]
    assert before == after


# --- Comparison and change -----------------------------------------------------------------


def test_the_comparison_shows_baseline_against_the_latest(client_for, staff, make_organization, template):
    organization = make_organization()
    assess(organization, template, scores={"a1": 1, "a2": 1, "b1": 2, "b2": 2, "b3": "na"}, final=True)
    assess(
        organization,
        template,
        kind="midline",
        date="2026-06-01",
        scores=dict.fromkeys(["a1", "a2", "b1", "b2", "b3"], 2),
        final=True,
    )
    assess(
        organization,
        template,
        kind="endline",
        date="2026-10-01",
        scores={"a1": 3, "a2": 4, "b1": 2, "b2": 1, "b3": 3},
        final=True,
    )
    response = client_for(staff).get(url("stakeholders:organization-capacity", organization.pk))
    chart = response.context["chart"]
    assert [d["data"] for d in chart["datasets"]] == [[1.0, 2.0], [3.5, 2.0]]
    changes = {indicator.code: difference for _d, indicator, _b, _a, difference in response.context["changes"]}
    assert changes == {"a1": 2, "a2": 3, "b1": 0, "b2": -1, "b3": None}


def test_average_change_by_site_and_type(client_for, staff, viewer, make_organization, template):
    low, high = dict.fromkeys(["a1", "a2", "b1", "b2", "b3"], 1), dict.fromkeys(["a1", "a2", "b1", "b2", "b3"], 3)
    for site in ["kyshtut", "kyshtut", "kerben"]:
        organization = make_organization(site=site)
        assess(organization, template, scores=low, final=True)
        assess(organization, template, kind="endline", date="2026-10-01", scores=high, final=True)
    assess(make_organization(), template, scores=low, final=True)  # a baseline alone is not a change
    response = client_for(staff).get(url("stakeholders:capacity-change"))
    by_site = {name: (n, change) for name, n, _b, _a, change in response.context["tables"][0][1]}
    assert by_site == {"Kerben town": (1, Decimal("2.00")), "Kyshtut ayil aimak": (2, Decimal("2.00"))}
    export = client_for(staff).get(url("stakeholders:capacity-change-export", "csv"))
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "organization_id,organization,site,organization_type,baseline_score,latest_score,change"
    assert len(lines) == 4 and all(line.endswith(",1.00,3.00,2.00") for line in lines[1:])
    # Viewers: aggregates only.
    assert client_for(viewer).get(url("stakeholders:capacity-change-export", "csv")).status_code == 403


def test_the_export_carries_the_computed_scores(client_for, staff, make_organization, template):
    import csv
    import io

    assess(make_organization(), template, scores={"a1": 3, "a2": 4, "b1": 2, "b2": "na", "b3": 1}, final=True)
    response = client_for(staff).get(url("stakeholders:assessment-export", "csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert (rows[0]["overall_score"], rows[0]["domain_scores"], rows[0]["status"]) == (
        "2.50",
        "a=3.50; b=1.50",
        "final",
    )


def test_the_default_template_ships_complete_in_three_languages(registry):
    template = AssessmentTemplate.current()
    domains = list(template.domains.prefetch_related("indicators"))
    assert [d.code for d in domains][:3] == ["governance", "financial-management", "administration"]
    assert [d.indicators.count() for d in domains] == [2, 2, 2, 2, 2, 2, 2, 2, 2, 5]
    for domain in domains:
        assert domain.name_ky and domain.name_ru and domain.name_en
        for indicator in domain.indicators.all():
            texts = [
                getattr(indicator, f"{prefix}_{lang}")
                for prefix in ["text", "level1", "level2", "level3", "level4"]
                for lang in ("ky", "ru", "en")
            ]
            assert all(texts), indicator.code
    gbv = AssessmentIndicator.objects.get(code="thematic-directions-gbv-prevention")
    assert "case" not in gbv.text_en.lower() and "survivor" not in gbv.text_en.lower()
