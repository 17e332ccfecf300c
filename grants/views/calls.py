"""Calls for applications: the list, a call's page with its figures, the call form with its criteria."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grants.filters import GrantCallFilterSet
from grants.forms import ChangedMeanwhile, CriterionFormSet, GrantCallForm, NotSaved
from grants.models import GrantApplication, GrantCall, Score
from grants.views.applications import applicant_person
from grants.views.common import require
from mapping_portal import access
from mapping_portal.history import recent_changes
from mapping_portal.listing import filtered_page


def call_queryset(user):
    """Calls the user may see, each with its awarded and paid totals and its sites, in a fixed number of queries."""
    return GrantCall.objects.for_user(user).with_totals().prefetch_related("sites")


@login_required
def call_list(request):
    require(access.can_view_grants(request.user))
    filterset, page = filtered_page(request, GrantCallFilterSet, call_queryset(request.user))
    return render(request, "grants/call_list.html", {"filter": filterset, "page": page})


@login_required
def call_detail(request, pk):
    user = request.user
    require(access.can_view_grants(user))
    call = get_object_or_404(call_queryset(user).prefetch_related("criteria", "training_sites"), pk=pk)
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
    call = get_object_or_404(GrantCall.objects.for_user(request.user), pk=pk)
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
