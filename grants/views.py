"""Pages of the small grants: calls (list, page with its figures, forms), applications (list with export,
page, form with budget lines, workflow buttons), reviews, awards and tranches."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Max, Min, Prefetch, Q, StdDev, Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grants import eligibility, letters, workflow
from grants.exports import applicant_export_spec, application_export_spec
from grants.filters import GrantApplicationFilterSet, GrantCallFilterSet
from grants.forms import (
    ApplicantApplicationForm,
    ApplicationForm,
    ApplicationStepForm,
    AssignReviewerForm,
    AttachmentForm,
    BudgetLineFormSet,
    ChangedMeanwhile,
    CriterionFormSet,
    DeclarationForm,
    GrantCallForm,
    NotSaved,
    PaymentForm,
    ReportForm,
    ScoreForm,
    SomField,
    TrancheForm,
    save_application,
)
from grants.models import (
    ApplicationStatus,
    Award,
    GrantApplication,
    GrantCall,
    GrantReport,
    ReportSpending,
    Review,
    Score,
    StatusChange,
)
from mapping_portal import access
from mapping_portal.forms import style_filter_form
from mapping_portal.history import recent_changes
from mapping_portal.listing import PAGE_SIZE, export_response, filtered_page
from mapping_portal.roles import Role
from stakeholders.models import Organization, Person


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def call_queryset(user):
    """Calls the user may see, each with its awarded and paid totals and its sites, in a fixed number of queries."""
    return GrantCall.objects.for_user(user).with_totals().prefetch_related("sites")


def application_queryset(user):
    return GrantApplication.objects.for_user(user).select_related("call", "site", "organization", "lead_applicant")


# --- Calls ----------------------------------------------------------------------------------------------


@login_required
def call_list(request):
    _require(access.can_view_grants(request.user))
    filterset, page = filtered_page(request, GrantCallFilterSet, call_queryset(request.user))
    return render(request, "grants/call_list.html", {"filter": filterset, "page": page})


@login_required
def call_detail(request, pk):
    user = request.user
    _require(access.can_view_grants(user))
    call = get_object_or_404(call_queryset(user).prefetch_related("criteria", "training_sites"), pk=pk)
    status_counts = []
    if access.can_view_applications(user):
        counts = dict(
            GrantApplication.objects.for_user(user)
            .filter(call=call)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        status_counts = [(value, label, counts[value]) for value, label in ApplicationStatus.choices if value in counts]
    apply_sites = []
    if access.can_manage_grants(user) and call.status in {GrantCall.Status.OPEN, GrantCall.Status.CLOSED}:
        apply_sites = [site for site in call.sites.all() if access.can_see_site(user, site)]
    elif access.can_apply_online(user, call):
        apply_sites = [site for site in call.sites.all() if site.pk == _applicant_person(user).site_id]
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "remaining": call.envelope - call.awarded_total,
            "figures": access.can_view_grant_figures(user),
            "status_counts": status_counts,
            "apply_sites": apply_sites,
            "history": recent_changes(call) if access.can_manage_grants(user) else [],
        },
    )


@login_required
def call_create(request):
    _require(access.can_manage_grants(request.user))
    return _call_form(request, GrantCall())


@login_required
def call_edit(request, pk):
    call = get_object_or_404(GrantCall.objects.for_user(request.user), pk=pk)
    _require(access.can_manage_grants(request.user))
    return _call_form(request, call)


def _call_form(request, call):
    data = request.POST if request.method == "POST" else None
    form = GrantCallForm(data, instance=call, user=request.user)
    # Criteria are edited until the first score is given: after that, changing them would change the scores.
    scored = call.pk and Score.objects.filter(criterion__call=call).exists()
    criteria = CriterionFormSet(data, instance=call, prefix="criteria") if call.pk and not scored else None
    if request.method == "POST" and form.is_valid() and (criteria is None or criteria.is_valid()):
        try:
            call = form.save_with_criteria(request.user, criteria)
        except (ChangedMeanwhile, NotSaved):
            pass
        else:
            messages.success(request, _("The call “%(title)s” was saved.") % {"title": call.title})
            return redirect("grants:call-detail", pk=call.pk)
    return render(request, "grants/call_form.html", {"form": form, "criteria": criteria, "call": call})


# --- Applications -----------------------------------------------------------------------------------------


@login_required
def application_list(request):
    user = request.user
    _require(access.can_view_applications(user))
    queryset = application_queryset(user).select_related("award")
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
    _require(access.can_view_applications(user) and access.can_export(user))
    queryset = application_queryset(user).select_related("award")
    filterset = GrantApplicationFilterSet(request.GET, queryset=queryset, user=user)
    return export_response(request, application_export_spec(), filterset, fmt)


@login_required
def applicant_export(request, fmt):
    """The applications with their applicants' names and contacts: personal data, admins only, logged."""
    _require(access.can_export_personal_data(request.user))
    queryset = application_queryset(request.user).select_related("award").prefetch_related("team")
    filterset = GrantApplicationFilterSet(request.GET, queryset=queryset, user=request.user)
    return export_response(request, applicant_export_spec(), filterset, fmt)


@login_required
def application_detail(request, pk):
    user = request.user
    staff = access.can_manage_grants(user)
    queryset = (
        application_queryset(user)
        .select_related("lead_applicant__site")
        .prefetch_related("team", "budget_lines", "call__sites", "call__training_sites")
    )
    if staff:
        queryset = queryset.prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("by"))
        )
    application = get_object_or_404(queryset, pk=pk)
    checks = eligibility.check(application) if staff and application.status != ApplicationStatus.DRAFT else []
    reviews = own_review = None
    if access.can_view_review_results(user):
        reviews = application.reviews.select_related("reviewer")
    elif access.role_of(user) == Role.REVIEWER:
        own_review = application.reviews.filter(reviewer=user).first()
    can_assign = staff and application.status in {ApplicationStatus.SCREENING, ApplicationStatus.IN_REVIEW}
    award = tranches = award_totals = reports = None
    if application.status == ApplicationStatus.APPROVED:
        award = Award.objects.filter(application=application).select_related("decided_by").first()
        if award is not None:
            tranches = list(award.tranches.all())
            reports = list(award.reports.all())
            award_totals = {
                "planned": sum((t.planned_amount for t in tranches), Decimal("0")),
                "paid": sum((t.paid_amount or 0 for t in tranches), Decimal("0")),
            }
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


def _applicant_person(user) -> Person:
    """The registry person an applicant's account speaks for (the lead applicant of what it starts)."""
    if not hasattr(user, "_applicant_person"):
        user._applicant_person = Person.objects.filter(pk=access.applicant_person_id(user)).first()
    return user._applicant_person


@login_required
def application_create(request, call_pk, site):
    user = request.user
    if access.is_applicant(user):
        return _applicant_create(request, call_pk, site)
    _require(access.can_manage_grants(user))
    call = get_object_or_404(GrantCall.objects.for_user(user), pk=call_pk)
    site = get_object_or_404(call.sites.all(), slug=site)
    _require(access.can_see_site(user, site))
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
    call = get_object_or_404(GrantCall.objects.for_user(user), pk=call_pk)
    person = _applicant_person(user)
    site = get_object_or_404(call.sites.all(), slug=slug, pk=person.site_id)
    if not access.can_apply_online(user, call):
        messages.error(request, _("This call does not take applications online now."))
        return redirect("grants:call-detail", pk=call.pk)
    return _application_form(request, GrantApplication(call=call, site=site, lead_applicant=person))


@login_required
def application_edit(request, pk):
    user = request.user
    application = get_object_or_404(application_queryset(user), pk=pk)
    if not access.can_edit_application(user, application):
        # Those who edit drafts are told why this one is closed to them; anyone else is refused.
        own = access.is_own_application(user, application)
        if not application.is_editable and (own or access.can_manage_grants(user)):
            messages.error(request, _("Only a draft application can be edited."))
        elif own:
            messages.error(request, _("The call does not take applications online any more: ask the project staff."))
        else:
            raise PermissionDenied
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
    application = get_object_or_404(GrantApplication.objects.for_user(request.user), pk=pk)
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
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The application is now “%(status)s”.") % {"status": ApplicationStatus(to).label})
    return redirect("grants:application-detail", pk=application.pk)


def _amount(value) -> Decimal:
    """The amount typed on the approval button, read like every amount field (som only)."""
    return SomField(label=_("Amount awarded (som)")).clean(value or "")


# --- Reviews ------------------------------------------------------------------------------------------------


@login_required
@require_POST
def review_assign(request, pk):
    application = get_object_or_404(GrantApplication.objects.for_user(request.user), pk=pk)
    _require(access.can_manage_grants(request.user))
    form = AssignReviewerForm(request.POST, application=application)
    if form.is_valid():
        try:
            workflow.assign_reviewer(application, form.cleaned_data["reviewer"], request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s was assigned.") % {"name": form.cleaned_data["reviewer"]})
    else:
        messages.error(request, _("Choose a reviewer from the list."))
    return redirect("grants:application-detail", pk=application.pk)


@login_required
def review_list(request):
    """A reviewer's assignments."""
    user = request.user
    _require(access.role_of(user) == Role.REVIEWER)
    reviews = (
        Review.objects.filter(reviewer=user)
        .select_related("application__call", "application__site")
        .order_by("status", "-assigned_at")
    )
    return render(request, "grants/review_list.html", {"reviews": reviews})


@login_required
def review_detail(request, pk):
    """The reviewer's page: the declaration first, then the scores with a running total; other reviewers'
    reviews only once their own is submitted (blind review)."""
    user = request.user
    review = get_object_or_404(
        Review.objects.filter(reviewer=user).select_related(
            "application__call", "application__site", "application__lead_applicant", "application__organization"
        ),
        pk=pk,
    )
    application = review.application
    criteria = list(application.call.criteria.all())
    declaration = score_form = None
    if request.method == "POST" and review.status == Review.Status.ASSIGNED:
        declaration = DeclarationForm(request.POST)
        if declaration.is_valid():
            data = declaration.cleaned_data
            try:
                review = workflow.declare(
                    review,
                    user,
                    conflict=data["conflict"],
                    note=data["conflict_note"],
                    confidentiality=data["confidentiality"],
                    version=data["version"],
                )
            except ValidationError as error:
                declaration.add_error(None, error)
            else:
                if review.status == Review.Status.RECUSED:
                    messages.info(
                        request, _("Your conflict of interest is recorded; you are withdrawn from this review.")
                    )
                    return redirect("grants:review-list")
                return redirect("grants:review-detail", pk=review.pk)
    elif request.method == "POST" and review.status == Review.Status.SCORING:
        score_form = ScoreForm(request.POST, criteria=criteria)
        if score_form.is_valid():
            data = score_form.cleaned_data
            try:
                review = workflow.score(
                    review,
                    user,
                    score_form.scores(),
                    recommendation=data["recommendation"],
                    comment=data["comment"],
                    submit="submit" in request.POST,
                    version=data["version"],
                )
            except ValidationError as error:
                score_form.add_error(None, error)
            else:
                if review.status == Review.Status.SUBMITTED:
                    messages.success(request, _("Your review was submitted. Thank you."))
                else:
                    messages.success(request, _("Your scores were saved; submit when you are done."))
                return redirect("grants:review-detail", pk=review.pk)
    elif request.method == "POST":
        messages.error(request, _("This review can no longer be changed."))
        return redirect("grants:review-detail", pk=review.pk)
    if review.status == Review.Status.ASSIGNED and declaration is None:
        declaration = DeclarationForm(initial={"version": review.version})
    if review.status == Review.Status.SCORING and score_form is None:
        given = {s.criterion_id: s for s in review.scores.all()}
        score_form = ScoreForm(
            initial={"version": review.version, "recommendation": review.recommendation, "comment": review.comment},
            criteria=criteria,
            scores=given,
        )
    others = []
    if review.status == Review.Status.SUBMITTED:
        # Blind until submitted: only now the reviewer sees the others' submitted reviews.
        others = (
            application.reviews.filter(status=Review.Status.SUBMITTED)
            .exclude(pk=review.pk)
            .select_related("reviewer")
            .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        )
    return render(
        request,
        "grants/review_detail.html",
        {
            "review": review,
            "application": application,
            "criteria": criteria,
            "declaration": declaration,
            "form": score_form,
            "own_scores": review.scores.select_related("criterion") if review.status == Review.Status.SUBMITTED else [],
            "others": others,
            "lines": application.budget_lines.all(),
        },
    )


@login_required
def call_ranking(request, pk):
    """Staff: each application's submitted reviews — average weighted total, lowest, highest, spread, the
    recommendations, and per criterion the average score and its lowest–highest — ranked by the average, 25 to a
    page; computed in SQL (recused reviewers and reviews not yet submitted do not count)."""
    user = request.user
    _require(access.can_view_review_results(user))
    call = get_object_or_404(GrantCall.objects.for_user(user), pk=pk)
    submitted = Q(reviews__status=Review.Status.SUBMITTED)
    applications = (
        GrantApplication.objects.for_user(user)
        .filter(call=call)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .select_related("site")
        .annotate(
            reviewed=Count("reviews", filter=submitted),
            assigned=Count("reviews", filter=~Q(reviews__status=Review.Status.RECUSED)),
            recused=Count("reviews", filter=Q(reviews__status=Review.Status.RECUSED)),
            average=Avg("reviews__weighted_total", filter=submitted),
            lowest=Min("reviews__weighted_total", filter=submitted),
            highest=Max("reviews__weighted_total", filter=submitted),
            deviation=StdDev("reviews__weighted_total", filter=submitted),
            yes=Count("reviews", filter=submitted & Q(reviews__recommendation="yes")),
            maybe=Count("reviews", filter=submitted & Q(reviews__recommendation="maybe")),
            no=Count("reviews", filter=submitted & Q(reviews__recommendation="no")),
        )
        # The id breaks ties, so the order is the same from one page to the next.
        .order_by(F("average").desc(nulls_last=True), "id")
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    criteria = list(call.criteria.all())
    rows = list(page.object_list)
    # Per criterion, for the page's applications only: one grouped query over the submitted reviews' scores.
    per_criterion = {
        (row["review__application"], row["criterion"]): row
        for row in Score.objects.filter(
            review__application__in=[application.pk for application in rows],
            review__status=Review.Status.SUBMITTED,
        )
        .order_by()
        .values("review__application", "criterion")
        .annotate(average=Avg("score"), lowest=Min("score"), highest=Max("score"))
    }
    for application in rows:
        application.criterion_scores = [per_criterion.get((application.pk, c.pk)) for c in criteria]
    return render(
        request,
        "grants/call_ranking.html",
        {"call": call, "applications": rows, "page": page, "criteria": criteria},
    )


# --- Awards: tranches -------------------------------------------------------------------------------------


def _award_of(request, pk):
    application = get_object_or_404(GrantApplication.objects.for_user(request.user).select_related("site"), pk=pk)
    _require(access.can_manage_grants(request.user) and access.can_see_site(request.user, application.site))
    return application, get_object_or_404(Award, application=application)


@login_required
@require_POST
def tranche_add(request, pk):
    application, award = _award_of(request, pk)
    form = TrancheForm(request.POST)
    if form.is_valid():
        try:
            tranche = award.plan_tranche(
                request.user, form.cleaned_data["planned_date"], form.cleaned_data["planned_amount"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tranche %(number)s was planned.") % {"number": tranche.number})
    else:
        _form_errors(request, form)
    return redirect("grants:application-detail", pk=application.pk)


@login_required
@require_POST
def tranche_pay(request, pk, tranche_pk):
    application, award = _award_of(request, pk)
    tranche = get_object_or_404(award.tranches, pk=tranche_pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tranche.record_payment(request.user, data["paid_date"], data["paid_amount"], version=data["version"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The payment of tranche %(number)s was recorded.") % {"number": tranche.number})
    else:
        _form_errors(request, form)
    return redirect("grants:application-detail", pk=application.pk)


def _form_errors(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


# --- Decision letter ------------------------------------------------------------------------------------------


@login_required
def decision_letter(request, pk, language):
    """The decision on an approved or rejected application as a PDF in Kyrgyz or Russian, for signing."""
    application = get_object_or_404(
        GrantApplication.objects.for_user(request.user).select_related("call", "lead_applicant"), pk=pk
    )
    _require(access.can_manage_grants(request.user))
    if language not in letters.LANGUAGES or application.status not in {
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
    }:
        raise Http404
    try:
        pdf = letters.decision_letter(application, language)
    except letters.FontMissing:
        return HttpResponse(
            _("The letter needs the DejaVu fonts on the server (Debian package fonts-dejavu-core)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"decision-{application.pk}-{language}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Progress and final reports -----------------------------------------------------------------------------


@login_required
def report_create(request, pk):
    application, award = _award_of(request, pk)
    lines = list(application.budget_lines.all())
    form = ReportForm(request.POST or None, request.FILES or None, award=award, lines=lines)
    if request.method == "POST" and form.is_valid():
        report = form.save_report(request.user)
        messages.success(request, _("The report was saved."))
        return redirect("grants:report-detail", pk=report.pk)
    return render(request, "grants/report_form.html", {"form": form, "application": application})


@login_required
def report_detail(request, pk):
    """A report with its spending against the budget, line by line (this report, all reports so far)."""
    user = request.user
    report = get_object_or_404(
        GrantReport.objects.filter(award__application__in=GrantApplication.objects.for_user(user)).select_related(
            "award__application__call", "created_by"
        ),
        pk=pk,
    )
    application = report.award.application
    spent_here = {s.budget_line_id: s.spent for s in report.spending.all()}
    spent_so_far = dict(
        ReportSpending.objects.filter(report__award=report.award, report__period_end__lte=report.period_end)
        .order_by()
        .values_list("budget_line")
        .annotate(total=Sum("spent"))
    )
    rows = [
        {
            "line": line,
            "here": spent_here.get(line.pk),
            "so_far": spent_so_far.get(line.pk, Decimal("0")),
            "over": spent_so_far.get(line.pk, Decimal("0")) > line.total,
        }
        for line in application.budget_lines.all()
    ]
    totals = {
        "budget": sum((row["line"].total for row in rows), Decimal("0")),
        "here": sum((row["here"] or 0 for row in rows), Decimal("0")),
        "so_far": sum((row["so_far"] for row in rows), Decimal("0")),
    }
    photos = report.photos.all() if access.can_manage_grants(user) else []
    return render(
        request,
        "grants/report_detail.html",
        {"report": report, "application": application, "rows": rows, "totals": totals, "photos": photos},
    )


# --- Attachments -----------------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, pk):
    """A document handed in with the application, checked by its content (never a program)."""
    application = get_object_or_404(
        GrantApplication.objects.for_user(request.user).select_related("site", "call"), pk=pk
    )
    _require(access.can_attach_documents(request.user, application))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        from grants.attachments import stored_name
        from grants.models import ApplicationAttachment

        upload = form.cleaned_data["file"]
        attachment = ApplicationAttachment(
            application=application,
            name=form.cleaned_data["name"] or upload.name[:200],
            kind=form.kind,
            size=upload.size,
            uploaded_by=request.user,
        )
        attachment.file.save(stored_name(upload.name, form.kind), upload, save=False)
        attachment.save()
        messages.success(request, _("The document was attached."))
    else:
        _form_errors(request, form)
    return redirect("grants:application-detail", pk=application.pk)


# --- The map layer ------------------------------------------------------------------------------------------


@require_GET
def awards_geojson(request):
    """The awarded grants the user may see one by one, as points at the applicant organization's point
    (an application without an organization, or whose organization has no point, is left out), filtered like
    the applications list. Admins and staff: their sites; local authorities: their sites' awards; everyone else
    an empty layer (viewers read the aggregates on the calls' pages). The link to the application only for those
    who may open it."""
    user = request.user
    features = []
    if access.can_view_awards_on_map(user):
        filterset = GrantApplicationFilterSet(
            request.GET, queryset=GrantApplication.objects.awarded_on_map(user), user=user
        )
        rows = (
            filterset.qs.filter(
                organization__in=Organization.objects.for_user(user),
                organization__lat__isnull=False,
                organization__lon__isnull=False,
            )
            .order_by("id")
            .values(
                "id",
                "title",
                "call_id",
                "call__title_ky",
                "call__title_ru",
                "call__title_en",
                "award__amount",
                "site__slug",
                "site__name_ky",
                "site__name_ru",
                "site__name_en",
                "organization__lat",
                "organization__lon",
            )
        )
        may_open = access.can_view_applications(user)
        features = [_award_feature(row, may_open) for row in rows]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "private, no-store"
    return response


def _award_feature(row, may_open) -> dict:
    properties = {
        "id": row["id"],
        "title": row["title"],
        "call_id": row["call_id"],
        "call": {language: row[f"call__title_{language}"] for language in ("ky", "ru", "en")},
        "amount": row["award__amount"],
        "site": row["site__slug"],
        "site_names": {language: row[f"site__name_{language}"] for language in ("ky", "ru", "en")},
    }
    if may_open:
        properties["url"] = reverse("grants:application-detail", args=[row["id"]])
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(row["organization__lon"], 5), round(row["organization__lat"], 5)],
        },
        "properties": properties,
    }
