"""`make bench`: server-side timings and query counts of the portal's pages on the development database.

Reports figures (median, p95, queries per request); it never passes or fails on a timing.
Later capabilities add their pages here, and `seed_demo --scale national` gives the volumes of
DESIGN.md §8.

First, every list page side by side with the Django admin's changelist of the same model (issue 18, item 4):
the same admin user, the same page size (25: the admin's own default is 100, so the compared ModelAdmins are set
to 25 in this process only), one process, timed alternately (portal, admin, portal, admin …); median, p95, the
ratio of the medians and the queries per request. `make bench` runs it with DEBUG off (template debug off, no
query log, WhiteNoise as in production); `BENCH_ROUNDS` sets the rounds (50).
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping_portal.settings")

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mapping_portal.models import User  # noqa: E402

PAGES = [
    ("health", "/healthz", None),
    ("sites GeoJSON", "/api/sites.geojson", None),
    ("home (public)", "/ky/", None),
    ("map (public)", "/ky/map/", None),
    ("home (staff)", "/ky/", "staff"),
    ("site page (local authority)", "/ky/sites/kerben/", "la-kerben"),
    ("organizations list (public)", "/ky/stakeholders/", None),
    ("organizations list (staff)", "/ky/stakeholders/", "staff"),
    ("organizations search (staff)", "/ky/stakeholders/?q=Kyshtut", "staff"),
    ("people list (staff)", "/ky/stakeholders/people/", "staff"),
    ("possible duplicates, organizations (staff)", "/ky/stakeholders/duplicates/?site=kyshtut", "staff"),
    ("possible duplicates, people (staff)", "/ky/stakeholders/duplicates/?kind=people&site=kyshtut", "staff"),
    ("events list (staff)", "/ky/dialogues/", "staff"),
    ("events list (local authority)", "/ky/dialogues/", "la-kerben"),
    ("dialogue results (viewer)", "/ky/dialogues/results/", "viewer"),
    ("centres list (staff)", "/ky/dialogues/centres/", "staff"),
    ("plans list (staff)", "/ky/plans/", "staff"),
    ("plans list (local authority)", "/ky/plans/", "la-kyshtut"),
    ("plan follow-up of a site (local authority)", "/ky/plans/sites/akturpak/", "la-akturpak"),
    ("grant calls list (staff)", "/ky/grants/", "staff"),
    ("grant applications list (staff)", "/ky/grants/applications/", "staff"),
    ("stakeholders GeoJSON (staff)", "/api/stakeholders.geojson", "staff"),
    ("stakeholders GeoJSON (public)", "/api/stakeholders.geojson", None),
]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))


def measure(client, url):
    client.get(url)  # warm-up: templates compiled, connection open
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18], len(queries), len(response.content)


# label, the portal's list page, the model whose admin changelist it is compared with (and the organization type
# the changelist is filtered by, if any)
LIST_PAGES = [
    ("organizations", "/ky/stakeholders/", "stakeholders.Organization"),
    ("people", "/ky/stakeholders/people/", "stakeholders.Person"),
    ("imports", "/ky/stakeholders/imports/", "stakeholders.ImportBatch"),
    ("events", "/ky/dialogues/", "dialogues.Event"),
    ("dialogue centres", "/ky/dialogues/centres/", "dialogues.DialoguePlatform"),
    # The page lists the organizations of type "initiative group" (the admin's InitiativeGroup holds only the
    # project's records of some of them): compared with the organizations' changelist filtered the same way.
    ("initiative groups", "/ky/dialogues/initiative-groups/", "stakeholders.Organization", "initiative-group"),
    ("plans", "/ky/plans/", "dialogues.ConflictPreventionPlan"),
    ("grant calls", "/ky/grants/", "grants.GrantCall"),
    ("grant applications", "/ky/grants/applications/", "grants.GrantApplication"),
    ("applicant accounts", "/ky/grants/registrations/", "grants.ApplicantAccount"),
    ("export log", "/ky/exports/log/", "mapping_portal.ExportLog"),
]
PAGE_SIZE = 25


def timed_get(client, url):
    start = time.perf_counter()
    response = client.get(url, secure=True)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    return len(queries)


def side_by_side():
    """Every list page against the admin changelist of its model, as the admin user, alternately."""
    from django.apps import apps
    from django.contrib import admin

    import mapping_portal.urls  # noqa: F401 — registers the ModelAdmins (the admin is not autodiscovered)

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="admin"))
    print(f"list pages against the Django admin, {PAGE_SIZE} rows a page, {ROUNDS} rounds each, as 'admin'")
    print(
        f"{'list page':<22} {'rows':>8} {'portal median':>14} {'p95':>8} {'q':>4} "
        f"{'admin median':>13} {'p95':>8} {'q':>4} {'ratio':>6}"
    )
    from stakeholders.models import OrganizationType

    for label, url, model_name, *type_code in LIST_PAGES:
        model = apps.get_model(model_name)
        model_admin = admin.site._registry[model]
        model_admin.list_per_page = PAGE_SIZE
        admin_url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        rows = model._default_manager.all()
        if type_code:
            kind = OrganizationType.objects.get(code=type_code[0])
            admin_url += f"?type__id__exact={kind.pk}"
            rows = rows.filter(type=kind)
        for each in (url, admin_url):  # warm-up: templates compiled, caches filled
            timed_get(client, each)
        portal, admin_times = [], []
        for _ in range(ROUNDS):
            portal.append(timed_get(client, url))
            admin_times.append(timed_get(client, admin_url))
        p_median, a_median = statistics.median(portal), statistics.median(admin_times)
        print(
            f"{label:<22} {rows.count():>8} {p_median:>14.1f} {p95(portal):>8.1f} "
            f"{query_count(client, url):>4} {a_median:>13.1f} {p95(admin_times):>8.1f} "
            f"{query_count(client, admin_url):>4} {p_median / a_median:>6.2f}"
        )
    print()


def p95(timings):
    return statistics.quantiles(timings, n=20)[18]


def plan_pages():
    """The demo plan of Ak-Turpak (approved, in implementation): its page and its comparison, when seeded."""
    from dialogues.plans.models import ConflictPreventionPlan

    plan = ConflictPreventionPlan.objects.filter(site__slug="akturpak").order_by("id").first()
    if plan is None:
        return []
    return [
        ("plan page (local authority)", f"/ky/plans/{plan.pk}/", "la-akturpak"),
        ("plan, what changed (staff)", f"/ky/plans/{plan.pk}/changes/", "staff"),
    ]


def main():
    print(f"{'page':<46} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>8}")
    for label, url, username in PAGES + plan_pages():
        client = Client(HTTP_HOST="localhost")
        if username:
            client.force_login(User.objects.get(username=username))
        median, p95, queries, size = measure(client, url)
        reset_queries()
        print(f"{label:<46} {median:>10.2f} {p95:>8.2f} {queries:>8} {size:>8}")


def geojson_against_bare_sql():
    """DESIGN.md §8: the stakeholder GeoJSON within 2x of the bare SQL that builds the same JSON."""
    from mapping_portal.geo import point_layers
    from stakeholders.models import Organization
    from stakeholders.views.registry import map_layer

    layer = map_layer(Organization.objects.all())
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        point_layers(layer)
        timings.append((time.perf_counter() - start) * 1000)
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="admin"))
    view_median, view_p95, _queries, size = measure(client, "/api/stakeholders.geojson")
    bare = statistics.median(timings)
    print(
        f"\nstakeholders GeoJSON, {layer.rows.count()} points: bare SQL median {bare:.1f} ms; "
        f"view median {view_median:.1f} ms, p95 {view_p95:.1f} ms ({view_median / bare:.2f}x); {size} bytes"
    )


def duplicate_comparison():
    """The possible-duplicates comparison of one site from scratch: organizations in full, people one batch
    (the page runs these batches one request after another; the national people would take many)."""
    from mapping_portal.models import PilotSite
    from stakeholders.duplicates import SCAN_BATCH, refresh_candidates
    from stakeholders.models import DuplicateCandidate, DuplicateScan

    site = PilotSite.objects.get(slug="kyshtut")
    for kind in ("organization", "person"):
        DuplicateScan.objects.filter(kind=kind, site=site).delete()
        DuplicateCandidate.objects.filter(kind=kind, site=site).delete()
        batches, start = [], time.perf_counter()
        while True:
            batch_start = time.perf_counter()
            waiting = refresh_candidates(kind, site)
            batches.append((time.perf_counter() - batch_start) * 1000)
            if not waiting or kind == "person":
                break
        pairs = DuplicateCandidate.objects.filter(kind=kind, site=site).count()
        print(
            f"possible duplicates, {kind} records of Kyshtut: {len(batches)} batch(es) of {SCAN_BATCH[kind]} in "
            f"{time.perf_counter() - start:.1f} s (median batch {statistics.median(batches):.0f} ms); "
            f"{pairs} pairs; {waiting} records left"
        )


if __name__ == "__main__":
    side_by_side()
    if os.environ.get("BENCH_ONLY") != "lists":  # BENCH_ONLY=lists: the side-by-side table alone
        main()
        geojson_against_bare_sql()
        duplicate_comparison()
