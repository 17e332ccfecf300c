"""Calls for applications: the list, a call's page with its figures, the call form with its criteria."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants.exports import call_export_spec
from grants.filters import GrantCallFilterSet
from grants.forms import CriterionFormSet, GrantCallForm, NotSaved
from grants.models import GrantApplication, GrantCall, Score
from grants.views.applications import applicant_person
from mapping_portal import access
from mapping_portal.forms import ChangedMeanwhile
from mapping_portal.history import recent_changes
from mapping_portal.listing import export_response, filtered_page
from mapping_portal.shortcuts import get_for_user_or_404, require


def calls():
    """Calls with their awarded and paid totals and their sites, in a fixed number of queries (scope them with
    `for_user`)."""
    return GrantCall.objects.with_totals().prefetch_related("sites")


@login_required
def call_list(request):
    """The calls of the user's scope; with `?format=csv|xlsx` (and the list's filters), the same calls as a file for
    those who export (calls name nobody)."""
    user = request.user
    require(access.can_view_grants(user))
    fmt = request.GET.get("format")
    if fmt:
        require(access.can_export(user))
        filterset = GrantCallFilterSet(request.GET, queryset=calls().for_user(user))
        return export_response(request, call_export_spec(), filterset, fmt)
    filterset, page = filtered_page(request, GrantCallFilterSet, calls().for_user(user))
    return render(request, "grants/call_list.html", {"filter": filterset, "page": page})


@login_required
def call_detail(request, pk):
    user = request.user
    require(access.can_view_grants(user))
    call = get_for_user_or_404(calls().prefetch_related("criteria", "training_sites"), user, pk=pk)
    status_counts = []
    if access.can_view_applications(user):
        status_counts = GrantApplication.objects.for_user(user).filter(call=call).status_counts()
    apply_sites = []
    if access.can_manage_grants(user) and call.status in {GrantCall.Status.OPEN, GrantCall.Status.CLOSED}:
        apply_sites = [site for site in call.sites.all() if access.can_see_site(user, site)]
    elif access.can_apply_online(user, call):
        apply_sites = [site for site in call.sites.all() if site.pk == applicant_person(user).site_id]
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
    require(access.can_manage_grants(request.user))
    return _call_form(request, GrantCall())


@login_required
def call_edit(request, pk):
    call = get_for_user_or_404(GrantCall, request.user, pk=pk)
    require(access.can_manage_grants(request.user))
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
