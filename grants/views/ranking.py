"""A call's ranking of its applications by their submitted reviews (staff), and its export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from grants.exports import ranked, ranking_export_spec
from grants.models import GrantApplication, GrantCall, Score
from mapping_portal import access
from mapping_portal.listing import PAGE_SIZE, export_rows
from mapping_portal.shortcuts import get_for_user_or_404, require


@login_required
def call_ranking(request, pk):
    """Staff: each application's submitted reviews — average weighted total, lowest, highest, spread, the
    recommendations, and per criterion the average score and its lowest–highest — ranked by the average, 25 to a
    page; computed in SQL (recused reviewers and reviews not yet submitted do not count). With `?format=csv|xlsx`,
    the whole ranking as a file (no reviewer's or applicant's name)."""
    user = request.user
    require(access.can_view_review_results(user))
    call = get_for_user_or_404(GrantCall, user, pk=pk)
    applications = GrantApplication.objects.for_user(user).filter(call=call)
    criteria = list(call.criteria.all())
    fmt = request.GET.get("format")
    if fmt:
        require(access.can_export(user))
        return _export(request, ranked(applications), criteria, fmt)
    applications = applications.ranked().select_related("site")
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # Per criterion, for the page's applications only.
    per_criterion = Score.objects.by_criterion([application.pk for application in rows])
    for application in rows:
        application.criterion_scores = [per_criterion.get((application.pk, c.pk)) for c in criteria]
    return render(
        request,
        "grants/call_ranking.html",
        {"call": call, "applications": rows, "page": page, "criteria": criteria},
    )


def _export(request, applications, criteria, fmt):
    # A call has tens of applications, hundreds at most: read at once, with their criteria in one more query.
    rows = list(applications)
    per_criterion = Score.objects.by_criterion([application.pk for application in rows])
    for application in rows:
        application.criterion_scores = {c.pk: per_criterion.get((application.pk, c.pk)) for c in criteria}
    spec = ranking_export_spec(criteria)
    return export_rows(request, spec.name, spec.header, spec.rows(rows), fmt, personal_data=spec.personal_data)
