"""Pages of capacity assessments: the list (with export), an assessment's long form and its results,
the comparison on an organization (radar chart, indicator changes), and the average change by site
and organization type."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mapping_portal import access
from mapping_portal.forms import ChangedMeanwhile
from mapping_portal.history import recent_changes
from mapping_portal.listing import export_response, export_rows, filtered_page
from mapping_portal.shortcuts import error_messages, get_for_user_or_404, require
from stakeholders import workflow
from stakeholders.exports import assessment_export_spec
from stakeholders.filters import AssessmentFilterSet
from stakeholders.forms import AssessmentForm, DevelopmentActionForm, ReopenForm, ScoresForm
from stakeholders.models import (
    AssessmentDomain,
    AssessmentIndicator,
    AssessmentTemplate,
    CapacityAssessment,
    DevelopmentAction,
    Organization,
)
from stakeholders.views.registry import organization_queryset


def assessment_queryset(user):
    """Assessments the user may see, with what computing their scores needs, in a fixed number of queries."""
    indicators = Prefetch("indicators", queryset=AssessmentIndicator.objects.order_by("order", "id"))
    domains = Prefetch("template__domains", queryset=AssessmentDomain.objects.prefetch_related(indicators))
    return (
        CapacityAssessment.objects.for_user(user)
        .select_related("organization__site", "organization__type", "template")
        .prefetch_related(domains, "scores")
    )


@login_required
def assessment_list(request):
    require(access.can_view_assessments(request.user))
    filterset, page = filtered_page(request, AssessmentFilterSet, assessment_queryset(request.user))
    return render(request, "stakeholders/assessment_list.html", {"filter": filterset, "page": page})


@login_required
def assessment_export(request, fmt):
    require(access.can_view_assessments(request.user) and access.can_export(request.user))
    filterset = AssessmentFilterSet(request.GET, queryset=assessment_queryset(request.user))
    return export_response(request, assessment_export_spec(), filterset, fmt)


@login_required
def assessment_create(request, organization_pk):
    organization = get_for_user_or_404(Organization, request.user, pk=organization_pk)
    require(access.can_edit_record(request.user, organization))
    template = AssessmentTemplate.current()
    if template is None:
        messages.error(request, _("No assessment template is offered yet: ask an administrator."))
        return redirect("stakeholders:organization-detail", pk=organization.pk)
    assessment = CapacityAssessment(organization=organization, template=template, created_by=request.user)
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        assessment = form.save_checked(request.user)
        messages.success(request, _("The assessment was started. Enter the scores; you can save and come back."))
        return redirect("stakeholders:assessment-edit", pk=assessment.pk)
    return render(
        request,
        "stakeholders/assessment_start.html",
        {"form": form, "organization": organization, "template": template},
    )


@login_required
def assessment_detail(request, pk):
    assessment = get_object_or_404(
        assessment_queryset(request.user).prefetch_related("actions", "reopenings__by"), pk=pk
    )
    rows, overall = assessment.results()
    return render(
        request,
        "stakeholders/assessment_detail.html",
        {
            "assessment": assessment,
            "rows": rows,
            "overall": overall,
            "action_form": DevelopmentActionForm(),
            "reopen_form": ReopenForm(),
            # Its last changes and its scores' and actions', old → new (the whole history on its own page).
            "history": recent_changes(assessment, limit=10) if access.can_view_history(request.user) else [],
        },
    )


@login_required
def assessment_edit(request, pk):
    """The long form: header and every indicator; saved as a draft as often as needed, then finalized."""
    assessment = get_object_or_404(assessment_queryset(request.user), pk=pk)
    require(access.can_edit_record(request.user, assessment))
    if assessment.is_final:
        messages.error(request, _("This assessment is final and locked. Reopen it (with a reason) to change it."))
        return redirect("stakeholders:assessment-detail", pk=assessment.pk)
    indicators = [indicator for domain in assessment.template.domains.all() for indicator in domain.indicators.all()]
    header = AssessmentForm(request.POST or None, instance=assessment)
    scores = ScoresForm(request.POST or None, assessment=assessment, indicators=indicators)
    if request.method == "POST" and header.is_valid() and scores.is_valid():
        try:
            assessment = header.save_checked(request.user)
        except ChangedMeanwhile:
            pass
        else:
            scores.save()
            if "finalize" not in request.POST:
                messages.success(request, _("Saved. The assessment stays a draft until you finalize it."))
                return redirect("stakeholders:assessment-edit", pk=assessment.pk)
            try:
                workflow.finalize(assessment, request.user)
            except ValidationError as error:
                error_messages(request, error)
                return redirect("stakeholders:assessment-edit", pk=assessment.pk)
            messages.success(request, _("The assessment is final."))
            return redirect("stakeholders:assessment-detail", pk=assessment.pk)
    return render(
        request,
        "stakeholders/assessment_form.html",
        {
            "assessment": assessment,
            "form": header,
            "scores": scores,
            "domains": scores.by_domain(assessment.template.domains.all()),
        },
    )


@login_required
@require_POST
def assessment_reopen(request, pk):
    assessment = get_for_user_or_404(CapacityAssessment, request.user, pk=pk)
    require(access.can_edit_record(request.user, assessment))
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the assessment is reopened."))
        workflow.reopen(assessment, request.user, form.cleaned_data["reason"])
    except ValidationError as error:
        error_messages(request, error)
        return redirect("stakeholders:assessment-detail", pk=assessment.pk)
    messages.success(request, _("The assessment is open for corrections again."))
    return redirect("stakeholders:assessment-edit", pk=assessment.pk)


@login_required
@require_POST
def action_add(request, pk):
    assessment = get_for_user_or_404(CapacityAssessment, request.user, pk=pk)
    require(access.can_edit_record(request.user, assessment))
    form = DevelopmentActionForm(request.POST, instance=DevelopmentAction(assessment=assessment))
    if form.is_valid():
        form.save()
        messages.success(request, _("The action was added to the capacity-development plan."))
    else:
        error_messages(request, form)
    return redirect("stakeholders:assessment-detail", pk=assessment.pk)


@login_required
@require_POST
def action_status(request, pk, action_pk):
    assessment = get_for_user_or_404(CapacityAssessment, request.user, pk=pk)
    require(access.can_edit_record(request.user, assessment))
    action = get_object_or_404(assessment.actions, pk=action_pk)
    status = request.POST.get("status")
    if status not in DevelopmentAction.Status.values:
        messages.error(request, _("Unknown status."))
    else:
        action.status = status
        action.save()
    return redirect("stakeholders:assessment-detail", pk=assessment.pk)


def compare(assessments):
    """Baseline (the earliest final baseline) against the latest final assessment after it."""
    finals = sorted((a for a in assessments if a.is_final), key=lambda a: (a.date, a.pk))
    baseline = next((a for a in finals if a.kind == CapacityAssessment.Kind.BASELINE), None)
    later = [a for a in finals if baseline and a.pk != baseline.pk and a.date >= baseline.date]
    return baseline, (later[-1] if later else None)


@login_required
def organization_capacity(request, organization_pk):
    """The comparison on one organization: radar of domain scores and the change of every indicator."""
    require(access.can_view_assessments(request.user))
    organization = get_object_or_404(organization_queryset(request.user), pk=organization_pk)
    assessments = list(assessment_queryset(request.user).filter(organization=organization).prefetch_related("actions"))
    baseline, latest = compare(assessments)
    chart, changes, domains = None, [], []
    if baseline:
        base_rows, base_overall = baseline.results()
        chart = {
            "labels": [domain.name for domain, _score, _items in base_rows],
            "datasets": [
                {
                    "label": f"{baseline.get_kind_display()} {baseline.date:%d.%m.%Y}",
                    "data": [float(s) if s is not None else None for _d, s, _i in base_rows],
                }
            ],
        }
        latest_scores = latest.domain_scores() if latest else {}
        domains = [
            (domain, score, latest_scores.get(domain.code), _difference_of(score, latest_scores.get(domain.code)))
            for domain, score, _items in base_rows
        ]
        if latest:
            chart["datasets"].append(
                {
                    "label": f"{latest.get_kind_display()} {latest.date:%d.%m.%Y}",
                    "data": [
                        float(latest_scores[d.code]) if latest_scores.get(d.code) is not None else None
                        for d, _s, _i in base_rows
                    ],
                }
            )
            latest_by_code = {
                indicator.code: score for _domain, _score, items in latest.results()[0] for indicator, score in items
            }
            for domain, _score, items in base_rows:
                for indicator, score in items:
                    after = latest_by_code.get(indicator.code)
                    changes.append((domain, indicator, score, after, _difference(score, after)))
    actions = [action for assessment in assessments for action in assessment.actions.all()]
    return render(
        request,
        "stakeholders/organization_capacity.html",
        {
            "organization": organization,
            "assessments": assessments,
            "baseline": baseline,
            "latest": latest,
            "chart": chart,
            "domains": domains,
            "changes": changes,
            "actions": actions,
        },
    )


def _difference(before, after):
    if before is None or after is None:
        return None
    return _difference_of(before.score, after.score)


def _difference_of(before, after):
    if before is None or after is None:
        return None
    return after - before


@login_required
def capacity_change(request, fmt=None):
    """Average change, baseline → latest, per site and per organization type (final assessments only);
    with `fmt`, the organization-by-organization table behind it as CSV or XLSX."""
    require(access.can_view_assessments(request.user))
    require(not fmt or access.can_export(request.user))
    by_organization = {}
    for assessment in assessment_queryset(request.user).filter(status=CapacityAssessment.Status.FINAL):
        by_organization.setdefault(assessment.organization_id, []).append(assessment)
    pairs = []
    for assessments in by_organization.values():
        baseline, latest = compare(assessments)
        if baseline and latest:
            before, after = baseline.overall_score(), latest.overall_score()
            if before is not None and after is not None:
                pairs.append((baseline.organization, before, after))
    if fmt:
        header = [
            "organization_id",
            "organization",
            "site",
            "organization_type",
            "baseline_score",
            "latest_score",
            "change",
        ]
        rows = ([o.pk, o.name, o.site.slug, o.type.code, before, after, after - before] for o, before, after in pairs)
        return export_rows(request, "capacity-change", header, rows, fmt)
    return render(
        request,
        "stakeholders/capacity_change.html",
        {
            "tables": [
                (_("By pilot site"), _averages(pairs, lambda organization: organization.site.name)),
                (_("By organization type"), _averages(pairs, lambda organization: organization.type.name)),
            ],
            "pairs": pairs,
        },
    )


def _averages(pairs, group):
    from stakeholders.models.assessments import mean

    groups = {}
    for organization, before, after in pairs:
        groups.setdefault(group(organization), []).append((before, after))
    return [
        (name, len(values), mean(b for b, _a in values), mean(a for _b, a in values), mean(a - b for b, a in values))
        for name, values in sorted(groups.items())
    ]
