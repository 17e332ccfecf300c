"""Pages of the conflict-prevention plans: the list, a plan (heat map of its risks, actions, review comments,
workflow buttons), the forms of the plan, its risks and actions, the comparison with the last reviewed version,
the printable PDF, and each pilot site's follow-up dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogues import plan_diff, plan_pdf, workflow
from dialogues.exports import plan_action_export_spec, plan_export_spec
from dialogues.filters import PlanFilterSet
from dialogues.models import (
    APPROVED_STATUSES,
    ActionStatus,
    ConflictPreventionPlan,
    PlanAction,
    PlanComment,
    PlanFocus,
    PlanStatus,
    PlanStatusChange,
    Risk,
    RiskLevel,
    risk_level,
)
from dialogues.plan_forms import ActionForm, CommentForm, PlanForm, ProgressForm, RiskForm, TransitionForm
from mapping_portal import access
from mapping_portal.forms import ChangedMeanwhile, QueryForm, posted_id, site_field
from mapping_portal.history import recent_changes
from mapping_portal.listing import export_response, filtered_page
from mapping_portal.models import PilotSite


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def plan_queryset(user):
    """Plans the user may see, with their site, authoring body and figures, in a fixed number of queries."""
    return ConflictPreventionPlan.objects.for_user(user).with_figures()


# --- List, detail ---------------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    _require(access.can_view_plans(request.user))
    queryset = plan_queryset(request.user).annotate(
        open_comments=Coalesce(
            Subquery(
                PlanComment.objects.filter(plan=OuterRef("pk"), resolved_at__isnull=True)
                .order_by()
                .values("plan")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            Value(0),
        )
    )
    filterset, page = filtered_page(request, PlanFilterSet, queryset)
    sites = PilotSite.objects.for_user(request.user)  # each site's follow-up page
    return render(request, "dialogues/plans/plan_list.html", {"filter": filterset, "page": page, "sites": sites})


@login_required
def plan_export(request, fmt):
    """The plans the list shows (its filters applied), as CSV or XLSX; logged like every export."""
    _require(access.can_view_plans(request.user) and access.can_export(request.user))
    filterset = PlanFilterSet(request.GET, queryset=plan_queryset(request.user))
    return export_response(request, plan_export_spec(), filterset, fmt)


@login_required
def plan_action_export(request, fmt):
    """Every action of the plans the list's filters select, for following them up in a spreadsheet."""
    _require(access.can_view_plans(request.user) and access.can_export(request.user))
    plans = PlanFilterSet(request.GET, queryset=ConflictPreventionPlan.objects.for_user(request.user))
    actions = (
        PlanAction.objects.filter(plan__in=plans.qs.values("pk"))
        .select_related("plan__site")
        .prefetch_related("responsible_organizations", "partner_organizations")
        .order_by("plan_id", "start_date", "id")
    )
    return export_response(request, plan_action_export_spec(), _Rows(actions), fmt)


class _Rows:
    """What export_response reads of a FilterSet: its rows."""

    def __init__(self, queryset):
        self.qs = queryset


def heat_map(risks) -> list[list[dict]]:
    """Rows of impact 5 → 1, each with cells of likelihood 1 → 5: the risks' numbers in it and its level."""
    cells = {}
    for number, risk in risks:
        cells.setdefault((risk.likelihood, risk.impact), []).append(number)
    return [
        {
            "impact": impact,
            "cells": [
                {
                    "likelihood": likelihood,
                    "impact": impact,
                    "level": risk_level(likelihood, impact),
                    "risks": cells.get((likelihood, impact), []),
                }
                for likelihood in range(1, 6)
            ],
        }
        for impact in range(5, 0, -1)
    ]


@login_required
def plan_detail(request, pk):
    user = request.user
    reviewing = access.can_comment_on_plans(user)
    actions = PlanAction.objects.order_by("start_date", "id").prefetch_related(
        "risks", "responsible_organizations", "partner_organizations", "notes"
    )
    queryset = (
        plan_queryset(user)
        .select_related("previous_version")
        .prefetch_related(
            Prefetch("risks", queryset=Risk.objects.select_related("thematic_area").order_by("id")),
            Prefetch("actions", queryset=actions),
        )
    )
    if reviewing:
        queryset = queryset.prefetch_related(
            Prefetch("comments", queryset=PlanComment.objects.select_related("by", "resolved_by")),
            Prefetch("status_changes", queryset=PlanStatusChange.objects.select_related("by")),
        )
    plan = get_object_or_404(queryset, pk=pk)
    risks = list(enumerate(plan.risks.all(), 1))
    numbers = {risk.pk: number for number, risk in risks}
    comments = list(plan.comments.all()) if reviewing else []
    on_risk, on_action = {}, {}
    for comment in comments:
        if comment.risk_id:
            on_risk.setdefault(comment.risk_id, []).append(comment)
        elif comment.action_id:
            on_action.setdefault(comment.action_id, []).append(comment)
    action_rows = [
        {
            "action": action,
            "risk_numbers": sorted(numbers[r.pk] for r in action.risks.all() if r.pk in numbers),
            "comments": on_action.get(action.pk, []),
        }
        for action in plan.actions.all()
    ]
    can_edit = access.can_edit_plan(user, plan)
    can_track = (
        plan.status in APPROVED_STATUSES
        and access.can_track_plan_actions(user)
        and access.can_see_site(user, plan.site)
    )
    has_next = (
        ConflictPreventionPlan.objects.for_user(user).filter(previous_version=plan).values_list("pk", flat=True).first()
    )
    return render(
        request,
        "dialogues/plans/plan_detail.html",
        {
            "plan": plan,
            "risks": [{"number": n, "risk": r, "comments": on_risk.get(r.pk, [])} for n, r in risks],
            "heat_map": heat_map(risks),
            "levels": RiskLevel,
            "action_rows": action_rows,
            "plan_comments": [c for c in comments if not c.risk_id and not c.action_id],
            "open_comments": sum(1 for c in comments if c.is_open),
            "reviewing": reviewing,
            "can_edit": can_edit,
            "can_track": can_track,
            "action_statuses": ActionStatus.choices,
            "moves": workflow.moves_for(user, plan),
            "status_changes": plan.status_changes.all() if reviewing else [],
            "next_version_pk": has_next,
            "can_open_version": plan.status in APPROVED_STATUSES
            and not has_next
            and access.can_draft_plans(user)
            and access.can_see_site(user, plan.site),
            "pdf_languages": [("ky", "кыргызча"), ("ru", "по-русски")] if plan.status in APPROVED_STATUSES else [],
            "today": timezone.localdate(),
            "history": recent_changes(plan, limit=10) if reviewing else [],
        },
    )


# --- Plan, risk and action forms ------------------------------------------------------------------------------


@login_required
def plan_create(request):
    _require(access.can_draft_plans(request.user))
    plan = ConflictPreventionPlan()
    site = QueryForm(request.GET, fields={"site": site_field(PilotSite.objects.for_user(request.user))}).get("site")
    if site is not None:
        plan.site = site
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        form.instance._history_user = request.user
        plan = form.save()
        messages.success(request, _("The plan “%(title)s” was created. Add its risks and actions.") % {"title": plan})
        return redirect("plans:plan-detail", pk=plan.pk)
    return render(request, "dialogues/plans/plan_form.html", {"form": form, "plan": plan})


def _editable_plan(request, pk):
    """The plan, if the user may edit it; 404 outside their scope, 403 without the right, and a message (back to
    the plan) when it is no longer a draft."""
    plan = get_object_or_404(ConflictPreventionPlan.objects.for_user(request.user).select_related("site"), pk=pk)
    _require(access.can_draft_plans(request.user))
    if not access.can_edit_plan(request.user, plan):
        messages.error(request, _not_editable_message(plan))
        return plan, redirect("plans:plan-detail", pk=plan.pk)
    return plan, None


def _not_editable_message(plan):
    if plan.status in APPROVED_STATUSES:
        return _("An approved plan is not edited: open a new version of it instead.")
    return _("The plan is “%(status)s”: it can be edited again when changes are requested.") % {
        "status": plan.get_status_display()
    }


def _save_in_plan(request, plan, form, save):
    """Run `save()` under the plan's lock (workflow.editing). True when saved; otherwise the form or a message
    says why, and nothing was saved."""
    try:
        with workflow.editing(plan, request.user) as locked:
            save(locked)
    except ChangedMeanwhile:
        return False
    except workflow.NotEditable:
        plan.refresh_from_db()
        form.add_error(None, _not_editable_message(plan) + " " + _("Your changes were not saved."))
        return False
    return True


@login_required
def plan_edit(request, pk):
    plan, refused = _editable_plan(request, pk)
    if refused:
        return refused
    form = PlanForm(request.POST or None, instance=plan, user=request.user)

    def save(locked):
        if locked.version != form.cleaned_data.get("version"):
            form.report_conflict(locked)
            raise ChangedMeanwhile
        form.instance._history_user = request.user
        form.save()

    if request.method == "POST" and form.is_valid() and _save_in_plan(request, plan, form, save):
        messages.success(request, _("The plan was saved."))
        return redirect("plans:plan-detail", pk=plan.pk)
    return render(request, "dialogues/plans/plan_form.html", {"form": form, "plan": plan})


def _item_form(request, pk, form_class, model, item_pk, template, form_kwargs):
    plan, refused = _editable_plan(request, pk)
    if refused:
        return refused
    item = get_object_or_404(model.objects.filter(plan=plan), pk=item_pk) if item_pk else model(plan=plan)
    form = form_class(request.POST or None, instance=item, **form_kwargs(plan))

    def save(locked):
        form.instance.plan = locked
        form.instance._history_user = request.user
        form.save_checked(request.user)

    if request.method == "POST" and form.is_valid() and _save_in_plan(request, plan, form, save):
        messages.success(request, _("Saved."))
        anchor = "risks" if model is Risk else "actions"
        return redirect(reverse("plans:plan-detail", args=[plan.pk]) + f"#{anchor}")
    return render(request, template, {"form": form, "plan": plan, "item": item})


@login_required
def risk_form(request, pk, risk_pk=None):
    return _item_form(request, pk, RiskForm, Risk, risk_pk, "dialogues/plans/risk_form.html", lambda plan: {})


@login_required
def action_form(request, pk, action_pk=None):
    return _item_form(
        request,
        pk,
        ActionForm,
        PlanAction,
        action_pk,
        "dialogues/plans/action_form.html",
        lambda plan: {"plan": plan, "user": request.user},
    )


@login_required
@require_POST
def item_delete(request, pk, kind, item_pk):
    plan, refused = _editable_plan(request, pk)
    if refused:
        return refused
    model = {"risks": Risk, "actions": PlanAction}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model.objects.filter(plan=plan), pk=item_pk)
    try:
        with workflow.editing(plan, request.user):
            item._history_user = request.user
            item.delete()
    except workflow.NotEditable:
        messages.error(request, _not_editable_message(plan))
    else:
        messages.success(request, _("Removed: “%(item)s”.") % {"item": item})
    return redirect(reverse("plans:plan-detail", args=[plan.pk]) + f"#{kind}")


# --- Review: comments, workflow, new version, comparison --------------------------------------------------------


@login_required
@require_POST
def comment_add(request, pk):
    plan = get_object_or_404(ConflictPreventionPlan.objects.for_user(request.user), pk=pk)
    _require(access.can_comment_on_plans(request.user))
    form = CommentForm(request.POST, plan=plan)
    if form.is_valid():
        kind, item = form.cleaned_data["about"]
        PlanComment.objects.create(
            plan=plan,
            risk=item if kind == "risk" else None,
            action=item if kind == "action" else None,
            subject=str(item)[:500] if item else "",
            text=form.cleaned_data["text"].strip(),
            by=request.user,
        )
        messages.success(request, _("Your comment was added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("plans:plan-detail", args=[plan.pk]) + "#review")


@login_required
@require_POST
def comment_resolve(request, pk, comment_pk):
    plan = get_object_or_404(ConflictPreventionPlan.objects.for_user(request.user), pk=pk)
    _require(access.can_comment_on_plans(request.user))
    comment = get_object_or_404(PlanComment.objects.filter(plan=plan), pk=comment_pk)
    reopen = request.POST.get("reopen") == "1"
    comment.resolved_at, comment.resolved_by = (None, None) if reopen else (timezone.now(), request.user)
    comment.save(update_fields=["resolved_at", "resolved_by"])
    messages.success(request, _("The comment is open again.") if reopen else _("The comment is resolved."))
    return redirect(reverse("plans:plan-detail", args=[plan.pk]) + "#review")


@login_required
@require_POST
def plan_transition(request, pk):
    """A workflow button: the status it moves to, a comment, the version the page showed (for approval, the
    approving body's decision)."""
    plan = get_object_or_404(ConflictPreventionPlan.objects.for_user(request.user), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "decision_date" in form.errors:
            messages.error(request, form.errors["decision_date"][0])
        else:
            messages.error(request, _("That step is not understood. Reload the page and try again."))
        return redirect("plans:plan-detail", pk=plan.pk)
    data = form.cleaned_data
    try:
        workflow.transition(
            plan,
            data["to"],
            request.user,
            data["comment"],
            version=data["version"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            approving_body=data["approving_body"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is now “%(status)s”.") % {"status": PlanStatus(data["to"]).label})
    return redirect("plans:plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_new_version(request, pk):
    plan = get_object_or_404(ConflictPreventionPlan.objects.for_user(request.user), pk=pk)
    version = posted_id(request.POST.get("version"))
    if version is None:
        messages.error(request, _("That step is not understood. Reload the page and try again."))
        return redirect("plans:plan-detail", pk=plan.pk)
    try:
        copy = workflow.open_new_version(plan, request.user, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:plan-detail", pk=plan.pk)
    messages.success(
        request, _("Version %(number)s is a draft copy of the approved plan.") % {"number": copy.version_number}
    )
    return redirect("plans:plan-detail", pk=copy.pk)


@login_required
def plan_diff_page(request, pk):
    """What changed since the last reviewed version: the latest submission (or, while the plan is edited, its
    current content) against the last submission a reviewer acted on."""
    plan = get_object_or_404(
        ConflictPreventionPlan.objects.for_user(request.user).select_related("site", "authoring_body"), pk=pk
    )
    _require(access.can_comment_on_plans(request.user))
    newer = None if plan.is_editable else plan.snapshots.order_by("-number").first()
    baseline = plan_diff.baseline_for(plan, newer)
    diff = None
    if baseline is not None:
        diff = plan_diff.compare(baseline.data, newer.data if newer else plan_diff.serialize(plan))
    return render(
        request,
        "dialogues/plans/plan_diff.html",
        {"plan": plan, "baseline": baseline, "newer": newer, "diff": diff},
    )


# --- Printable plan -------------------------------------------------------------------------------------------


@login_required
def plan_pdf_download(request, pk, language):
    """The approved plan as a PDF in Kyrgyz or Russian, for signing."""
    plan = get_object_or_404(
        ConflictPreventionPlan.objects.for_user(request.user).select_related("site", "authoring_body"), pk=pk
    )
    if language not in plan_pdf.LANGUAGES or plan.status not in APPROVED_STATUSES:
        raise Http404
    try:
        pdf = plan_pdf.plan_pdf(plan, language)
    except plan_pdf.FontMissing:
        return HttpResponse(
            _("The PDF needs the DejaVu fonts on the server (Debian package fonts-dejavu-core)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"plan-{plan.pk}-v{plan.version_number}-{language}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Follow-up ------------------------------------------------------------------------------------------------


@login_required
@require_POST
def action_progress(request, pk, action_pk):
    plan = get_object_or_404(ConflictPreventionPlan.objects.for_user(request.user), pk=pk)
    action = get_object_or_404(PlanAction.objects.filter(plan=plan), pk=action_pk)
    _require(access.can_track_plan_actions(request.user))
    form = ProgressForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.record_progress(
                action,
                request.user,
                status=data["status"],
                spent=data["spent"],
                note=data["note"],
                note_date=data["note_date"],
                version=data["version"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The progress of “%(title)s” was recorded.") % {"title": action.title})
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect(reverse("plans:plan-detail", args=[plan.pk]) + f"#action-{action.pk}")


def followed_plans(user, site):
    """The site's plans being followed: approved, in implementation or completed, and not replaced by a later
    approved version."""
    return (
        ConflictPreventionPlan.objects.for_user(user)
        .filter(site=site, status__in=APPROVED_STATUSES)
        .exclude(next_version__status__in=APPROVED_STATUSES)
    )


def site_figures(user, site):
    """The site page's plan figures, in one query: plans approved and followed, their actions done and delayed;
    linked to the site's follow-up page."""
    if not access.can_view_plans(user):
        return []
    from mapping_portal.hooks import Figure

    figures = followed_plans(user, site).aggregate(
        plans=Count("pk", distinct=True),
        done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
        delayed=Count("actions", filter=PlanAction.delayed_q("actions__", today=timezone.localdate())),
    )
    dashboard = reverse("plans:site-dashboard", args=[site.slug])
    return [
        Figure(_("Conflict-prevention plans approved"), figures["plans"], dashboard),
        Figure(_("Plan actions done"), figures["done"], dashboard),
        Figure(_("Plan actions delayed"), figures["delayed"], dashboard),
    ]


@login_required
def site_dashboard(request, slug):
    """A site's follow-up: its plans' actions by status, the delayed ones, budget planned against spent — sums
    and counts computed by PostgreSQL."""
    user = request.user
    _require(access.can_view_plans(user))
    site = get_object_or_404(PilotSite.objects.for_user(user), slug=slug)
    plans = followed_plans(user, site)
    actions = PlanAction.objects.filter(plan__in=plans)
    today = timezone.localdate()
    delayed = PlanAction.delayed_q(today=today)
    totals = actions.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        in_progress=Count("pk", filter=Q(status=ActionStatus.IN_PROGRESS) & ~delayed),
        not_started=Count("pk", filter=Q(status=ActionStatus.NOT_STARTED) & ~delayed),
        delayed=Count("pk", filter=delayed),
        planned=Coalesce(Sum("budget"), Value(0), output_field=DecimalField()),
        spent=Coalesce(Sum("spent"), Value(0), output_field=DecimalField()),
    )
    by_focus = {
        row["focus"]: row
        for row in actions.order_by()
        .values("focus")
        .annotate(
            count=Count("pk"),
            planned=Sum("budget"),
            spent=Sum("spent"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        )
    }
    focus_rows = [
        {"label": label, **by_focus.get(code, {"count": 0, "planned": 0, "spent": 0, "done": 0})}
        for code, label in PlanFocus.choices
    ]
    late = (
        actions.filter(delayed)
        .select_related("plan")
        .prefetch_related("responsible_organizations")
        .order_by("end_date", "id")[:50]
    )
    return render(
        request,
        "dialogues/plans/dashboard.html",
        {
            "site": site,
            "plans": list(plans.select_related("authoring_body")),
            "totals": totals,
            "focus_rows": focus_rows,
            "late": late,
            "today": today,
        },
    )
