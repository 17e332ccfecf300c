"""Awards: tranches planned and paid, progress and final reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.forms import PaymentForm, ReportForm, TrancheForm
from grants.models import Award, GrantApplication, GrantReport
from mapping_portal import access
from mapping_portal.shortcuts import error_messages, get_for_user_or_404, require


def _award_of(request, pk):
    application = get_for_user_or_404(GrantApplication.objects.select_related("site"), request.user, pk=pk)
    require(access.can_manage_application(request.user, application))
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
            error_messages(request, error)
        else:
            messages.success(request, _("Tranche %(number)s was planned.") % {"number": tranche.number})
    else:
        error_messages(request, form)
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
            error_messages(request, error)
        else:
            messages.success(request, _("The payment of tranche %(number)s was recorded.") % {"number": tranche.number})
    else:
        error_messages(request, form)
    return redirect("grants:application-detail", pk=application.pk)


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
    report = get_for_user_or_404(
        GrantReport.objects.select_related("award__application__call", "created_by"), user, pk=pk
    )
    application = report.award.application
    rows, totals = report.spending_against_budget()
    photos = report.photos.all() if access.can_view_report_photos(user) else []
    return render(
        request,
        "grants/report_detail.html",
        {"report": report, "application": application, "rows": rows, "totals": totals, "photos": photos},
    )
