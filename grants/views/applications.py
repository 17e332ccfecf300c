"""Applications: the list and its exports, an application's page, the form with its budget lines (staff, and
the applicants' own accounts), the workflow buttons."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants import eligibility, workflow
from grants.exports import applicant_export_spec, application_export_spec
from grants.filters import GrantApplicationFilterSet
from grants.forms import (
    ApplicantApplicationForm,
    ApplicationForm,
    ApplicationStepForm,
    AssignReviewerForm,
    AttachmentForm,
    BudgetLineFormSet,
    TrancheForm,
    save_application,
)
from grants.models import ApplicationStatus, Award, GrantApplication, GrantCall, Review, StatusChange
from mapping_portal import access
from mapping_portal.forms import ChangedMeanwhile, SomField, style_filter_form
from mapping_portal.listing import PAGE_SIZE, export_response
from mapping_portal.shortcuts import error_messages, get_for_user_or_404, require
from stakeholders.models import Person


def applications():
    """Applications with what their lists and pages show of them (scope them with `for_user`)."""
    return GrantApplication.objects.select_related("call", "site", "organization", "lead_applicant")


@login_required
def application_list(request):
    user = request.user
    require(access.can_view_applications(user))
    queryset = applications().for_user(user).select_related("award")
    # Like listing.filtered_page, with the call filter narrowed to the user's calls.
    filterset = GrantApplicationFilterSet(request.GET or None, queryset=queryset, user=user)
    style_filter_form(filterset.form)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.query_without_page = query.urlencode()
    return render(request, "grants/application_list.html", {"filter": filterset, "page": page})


@login_required
def application_export(request, fmt):
    user = request.user
    require(access.can_view_applications(user) and access.can_export(user))
    queryset = applications().for_user(user).select_related("award")
    filterset = GrantApplicationFilterSet(request.GET, queryset=queryset, user=user)
    return export_response(request, application_export_spec(), filterset, fmt)


@login_required
def applicant_export(request, fmt):
    """The applications with their applicants' names and contacts: personal data, admins only, logged."""
    require(access.can_export_personal_data(request.user))
    queryset = applications().for_user(request.user).select_related("award").prefetch_related("team")
    filterset = GrantApplicationFilterSet(request.GET, queryset=queryset, user=request.user)
    return export_response(request, applicant_export_spec(), filterset, fmt)


@login_required
def application_detail(request, pk):
    user = request.user
    staff = access.can_manage_grants(user)
    queryset = (
        applications()
        .select_related("lead_applicant__site")
        .prefetch_related("team", "budget_lines", "call__sites", "call__training_sites")
    )
    if staff:
        queryset = queryset.prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("by"))
        )
    application = get_for_user_or_404(queryset, user, pk=pk)
    checks = eligibility.check(application) if staff and application.status != ApplicationStatus.DRAFT else []
    reviews = own_review = None
    if access.can_view_review_results(user):
        reviews = Review.objects.for_user(user).filter(application=application).select_related("reviewer")
    elif access.can_review_applications(user):
        own_review = Review.objects.assigned_to(user).filter(application=application).first()
    can_assign = staff and application.status in {ApplicationStatus.SCREENING, ApplicationStatus.IN_REVIEW}
    award = tranches = award_totals = reports = None
    if application.status == ApplicationStatus.APPROVED:
        award = Award.objects.filter(application=application).select_related("decided_by").first()
        if award is not None:
            tranches = list(award.tranches.all())
            reports = list(award.reports.all())
            award_totals = Award.totals_of(tranches)
    return render(
        request,
        "grants/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "lines": application.budget_lines.all(),
            "contacts": access.can_view_applicant_contacts(user),
            "applicant_names": access.can_view_applicant_names(user),
            "moves": workflow.moves_for(user, application),
            "checks": checks,
            "eligible": all(c.passed for c in checks),
            "can_edit": access.can_edit_application(user, application),
            "status_changes": application.status_changes.all() if staff else [],
            "remaining": workflow.remaining_in_envelope(application.call) if staff else None,
            "reviews": reviews,
            "own_review": own_review,
            "attachments": application.attachments.all() if access.can_view_application_documents(user) else None,
            "attachment_form": AttachmentForm() if access.can_attach_documents(user, application) else None,
            "assign_form": AssignReviewerForm(application=application) if can_assign else None,
            "award": award,
            "tranches": tranches,
            "reports": reports,
            "award_totals": award_totals,
            "tranche_form": TrancheForm() if award and staff else None,
            "letters": [("ky", "кыргызча"), ("ru", "по-русски")]
            if staff and application.status in {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}
            else [],
        },
    )


def applicant_person(user) -> Person:
    """The registry person an applicant's account speaks for (the lead applicant of what it starts)."""
    if not hasattr(user, "_applicant_person"):
        user._applicant_person = Person.objects.filter(pk=access.applicant_person_id(user)).first()
    return user._applicant_person


@login_required
def application_create(request, call_pk, site):
    user = request.user
    if access.is_applicant(user):
        return _applicant_create(request, call_pk, site)
    require(access.can_manage_grants(user))
    call = get_for_user_or_404(GrantCall, user, pk=call_pk)
    site = get_object_or_404(call.sites.all(), slug=site)
    require(access.can_see_site(user, site))
    if call.status not in {GrantCall.Status.OPEN, GrantCall.Status.CLOSED}:
        messages.error(
            request,
            _("This call does not take applications: it is “%(status)s”.") % {"status": call.get_status_display()},
        )
        return redirect("grants:call-detail", pk=call.pk)
    return _application_form(request, GrantApplication(call=call, site=site))


def _applicant_create(request, call_pk, slug):
    """An applicant's account starts an application, with its own person as the lead applicant, at that person's
    pilot site, to a call that takes applications online now (other calls and sites answer 404)."""
    user = request.user
    call = get_for_user_or_404(GrantCall, user, pk=call_pk)
    person = applicant_person(user)
    site = get_object_or_404(call.sites.all(), slug=slug, pk=person.site_id)
    if not access.can_apply_online(user, call):
        messages.error(request, _("This call does not take applications online now."))
        return redirect("grants:call-detail", pk=call.pk)
    return _application_form(request, GrantApplication(call=call, site=site, lead_applicant=person))


@login_required
def application_edit(request, pk):
    user = request.user
    application = get_for_user_or_404(applications(), user, pk=pk)
    if not access.can_edit_application(user, application):
        # Those who edit drafts are told why this one is closed to them; anyone else is refused.
        own = access.is_own_application(user, application)
        closed_draft = not application.is_editable and (own or access.can_manage_grants(user))
        require(closed_draft or own)
        if closed_draft:
            messages.error(request, _("Only a draft application can be edited."))
        else:
            messages.error(request, _("The call does not take applications online any more: ask the project staff."))
        return redirect("grants:application-detail", pk=application.pk)
    return _application_form(request, application)


def _application_form(request, application):
    data = request.POST if request.method == "POST" else None
    form_class = ApplicantApplicationForm if access.is_applicant(request.user) else ApplicationForm
    form = form_class(data, instance=application, user=request.user)
    lines = BudgetLineFormSet(data, instance=application, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            application = save_application(form, lines, request.user)
        except ChangedMeanwhile:
            pass
        else:
            messages.success(request, _("The application “%(title)s” was saved.") % {"title": application.title})
            return redirect("grants:application-detail", pk=application.pk)
    return render(
        request,
        "grants/application_form.html",
        {"form": form, "lines": lines, "application": application, "call": application.call},
    )


@login_required
@require_POST
def application_transition(request, pk):
    """A workflow button: the status it moves to, a comment, the version the page showed (and for approval,
    the amount awarded)."""
    application = get_for_user_or_404(GrantApplication, request.user, pk=pk)
    step = ApplicationStepForm(request.POST)
    if not step.is_valid():
        for error in step.errors.get("comment", []) or [
            _("That step is not understood. Reload the page and try again.")
        ]:
            messages.error(request, error)
        return redirect("grants:application-detail", pk=application.pk)
    to, comment, version = (step.cleaned_data[name] for name in ("to", "comment", "version"))
    try:
        if to == ApplicationStatus.APPROVED:
            workflow.approve(application, request.user, _amount(request.POST.get("amount")), comment, version=version)
        else:
            workflow.transition(application, to, request.user, comment, version=version)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The application is now “%(status)s”.") % {"status": ApplicationStatus(to).label})
    return redirect("grants:application-detail", pk=application.pk)


def _amount(value) -> Decimal:
    """The amount typed on the approval button, read like every amount field (som only)."""
    return SomField(label=_("Amount awarded (som)")).clean(value or "")
