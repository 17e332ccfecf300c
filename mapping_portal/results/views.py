"""The results framework's pages: results against targets for a period and a site, and the admin's editing of an
indicator and its targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mapping_portal import access
from mapping_portal.forms import posted_id
from mapping_portal.history import recent_changes
from mapping_portal.results import framework, periods
from mapping_portal.results.forms import IndicatorForm, ResultsQuery, TargetForm
from mapping_portal.results.models import Indicator, Programme, Target
from mapping_portal.shortcuts import require, save_posted


def _programme() -> Programme:
    return Programme.current()


@login_required
def results_page(request):
    """Every indicator's baseline, target and actual value for the chosen period and site, with its breakdowns
    and a link to the records behind it for those who may see them; small cells suppressed outside admin and
    staff."""
    user = request.user
    require(access.can_view_results(user))
    programme = _programme()
    query = ResultsQuery(request.GET, user, programme)
    report = framework.build(user, programme, query.period, query.site)
    return render(
        request,
        "mapping_portal/results/index.html",
        {"report": report, "filter": query, "programme": programme, "query": request.GET.urlencode()},
    )


@login_required
def indicator_detail(request, pk):
    """An indicator as admins edit it: its names, unit and baseline; its targets per period and site (set, changed,
    removed); and the history of both."""
    require(access.can_edit_results_framework(request.user))
    programme = _programme()
    indicator = get_object_or_404(Indicator.objects.select_related("result"), pk=pk)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    form = IndicatorForm(posted if which == "indicator" else None, instance=indicator)
    target_form = TargetForm(
        posted if which == "target" else None, programme=programme, indicator=indicator, prefix="target"
    )
    if which == "indicator":
        if save_posted(request, form):
            messages.success(request, _("The indicator was saved."))
            return redirect("results:indicator", pk=indicator.pk)
    elif which == "target":
        if target_form.is_valid():
            target_form.save()
            messages.success(request, _("The target was saved."))
            return redirect("results:indicator", pk=indicator.pk)
    targets = indicator.targets.select_related("site")
    for target in targets:
        target.period_label = _period_label(target.period, programme)
    return render(
        request,
        "mapping_portal/results/indicator.html",
        {
            "indicator": indicator,
            "form": form,
            "target_form": target_form,
            "targets": targets,
            "history": recent_changes(indicator),
            "target_history": Target.history.filter(indicator_id=indicator.pk)
            .select_related("history_user", "site")
            .order_by("-history_date")[:30],
        },
    )


@login_required
@require_POST
def target_remove(request, pk):
    require(access.can_edit_results_framework(request.user))
    indicator = get_object_or_404(Indicator, pk=pk)
    target = indicator.targets.filter(pk=posted_id(request.POST.get("target"))).first()
    if target is None:
        messages.error(request, _("That target was already removed."))
    else:
        target.delete()
        messages.success(request, _("The target was removed."))
    return redirect("results:indicator", pk=indicator.pk)


def _period_label(key, programme) -> str:
    period = periods.parse(key, programme)
    return period.label if period else key
