"""The results framework's pages: results against targets for a period and a site, and the admin's editing of
indicators and targets."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from mapping_portal import access
from mapping_portal.models import PilotSite
from mapping_portal.results import framework, periods
from mapping_portal.results.models import Programme
from mapping_portal.shortcuts import require


@login_required
def results_page(request):
    user = request.user
    require(access.can_view_results(user))
    programme = Programme.current()
    if programme is None:
        raise Http404
    period = periods.parse(request.GET.get("period", periods.ALL), programme) or periods.parse(periods.ALL, programme)
    site = PilotSite.objects.for_user(user).filter(slug=request.GET.get("site", "")).first()
    report = framework.build(user, programme, period, site)
    return render(request, "mapping_portal/results/index.html", {"report": report})
