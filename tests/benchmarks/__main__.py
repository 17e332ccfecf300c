"""`make bench`: server-side timings and query counts of the portal's pages on the development database.

Reports figures (median, p95, queries per request); it never passes or fails on a timing.
Later capabilities add their pages here, and `seed_demo --scale national` gives the volumes of
DESIGN.md §8.
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


def main():
    print(f"{'page':<30} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>8}")
    for label, url, username in PAGES:
        client = Client(HTTP_HOST="localhost")
        if username:
            client.force_login(User.objects.get(username=username))
        median, p95, queries, size = measure(client, url)
        reset_queries()
        print(f"{label:<30} {median:>10.2f} {p95:>8.2f} {queries:>8} {size:>8}")


if __name__ == "__main__":
    main()
