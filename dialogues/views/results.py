"""The results: unique people reached and trained at the events the filters select, disaggregated, tallies
apart (the same counts on a pilot site's page: dialogues.hooks)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from dialogues import counting
from dialogues.filters import EventFilterSet
from dialogues.models import Event
from mapping_portal import access, suppression
from mapping_portal.forms import style_filter_form
from mapping_portal.listing import export_rows
from mapping_portal.models import PilotSite
from mapping_portal.shortcuts import require


@login_required
def results(request):
    """Unique people reached and trained at the events the filters select, disaggregated; tallies apart.
    Small cells are suppressed for everyone but admins and staff."""
    user = request.user
    require(access.can_view_dialogue_results(user))
    # Viewers see every site's aggregates; the events themselves stay out of their reach.
    events = Event.objects.for_user(user) if access.can_view_events(user) else Event.objects.for_aggregates(user)
    filterset = EventFilterSet(request.GET or None, queryset=events)
    style_filter_form(filterset.form)
    # Only held events count: status and overdue actions say nothing here.
    hidden = ["order", "status", "overdue"]
    if not access.can_view_events(user):
        hidden += ["q", "platform", "organization"]
    for name in hidden:  # viewers filter aggregates by site, kind, direction and dates, never by one event
        del filterset.form.fields[name]
    counts = _count_results(user, filterset)
    suppressing = not access.can_view_small_counts(user)
    sites = [(site.pk, site.name) for site in PilotSite.objects.for_user(user)]
    tables = counting.breakdowns(counts, sites, suppressing)
    tally_tables = counting.breakdowns(counts, sites, suppressing, tallies=True)
    if request.GET.get("format") in ("csv", "xlsx"):
        # Viewers and local authorities export the figures as the page shows them (small cells suppressed).
        require(access.can_export_aggregates(user))
        return _export(request, counting.summary(counts, suppressing), tables, tally_tables)
    return render(
        request,
        "dialogues/results.html",
        {
            "filter": filterset,
            "summary": counting.summary(counts, suppressing),
            "tables": tables,
            "tally_tables": tally_tables,
            "suppressing": suppressing,
            "notes": suppression.notes([table.rows for table in tables + tally_tables]),
            "query": request.GET.urlencode(),
        },
    )


def _export(request, summary, tables, tally_tables):
    """The page's own cells, in the page's order: the totals, then each breakdown — suppressed cells as the page
    writes them ("<5"), never the counts behind them."""
    rows = [
        ["named", _("In all"), "", _as_shown(summary["reached"]), _as_shown(summary["trained"])],
        ["tallies", _("In all"), "", _as_shown(summary["tally_reached"]), _as_shown(summary["tally_trained"])],
    ]
    rows += [
        [kind, table.title, label, _as_shown(reached), _as_shown(trained)]
        for kind, group in (("named", tables), ("tallies", tally_tables))
        for table in group
        for label, reached, trained in table.rows
    ]
    header = ["counted", "breakdown", "group", "reached", "completed_training"]
    return export_rows(request, "dialogue-results", header, rows, request.GET["format"])


def _as_shown(cell):
    # A count is written as a number; anything else (a suppressed cell's mark) as the text the page shows.
    return cell if isinstance(cell, int) else str(cell)


# The filters the reach summaries answer (with the site); any other (a direction, a title, a centre, an organizer)
# counts the chosen events live.
WITHIN = {"date_from", "date_to", "kind"}


def _count_results(user, filterset):
    """The counts of the results page. Whole sites (no filter but the site) are read from the reach
    summary the database keeps — the page as it opens, 200 ms rather than seconds at national scale; dates
    and a kind from the reach of any period it keeps (every site or one); any other filter (directions, one
    centre), or several sites but not all, counts the chosen events live."""
    if not filterset.is_bound or filterset.is_valid():
        cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
        chosen = {name: value for name, value in cleaned.items() if value not in (None, "", [])}
        sites = access.site_scope_within(user, chosen.pop("site", None))
        if not chosen:
            return counting.count_people_at_sites(sites, filterset.qs)
        if set(chosen) <= WITHIN:
            counts = counting.count_people_within(
                sites,
                chosen.get("date_from"),
                chosen.get("date_to"),
                filterset.qs,
                kind=chosen.get("kind", ""),
                overlapping=True,  # the event list's dates: events that end on or after "from", start by "to"
            )
            if counts is not None:
                return counts
    return counting.count_people(filterset.qs)
