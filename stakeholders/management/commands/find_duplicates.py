"""Compare every changed record with the rest of its site, for the "possible duplicates" page.

The page compares changed records itself, a batch per request, after it loads; this command does the
whole backlog at once — after a large import or on national-scale data, from cron or a task runner.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from mapping_portal.models import PilotSite
from stakeholders.duplicates import refresh_candidates
from stakeholders.models import RecordKind


class Command(BaseCommand):
    help = "Compare changed organizations and people with the rest of their site (possible duplicates)."

    def add_arguments(self, parser):
        parser.add_argument("--site", help="a pilot site's slug (default: every site)")
        parser.add_argument("--kind", choices=[kind.value for kind in RecordKind], help="default: both")

    def handle(self, *args, site=None, kind=None, **options):
        sites = PilotSite.objects.all()
        if site:
            sites = sites.filter(slug=site)
            if not sites:
                known = ", ".join(PilotSite.objects.values_list("slug", flat=True))
                raise CommandError(f"No pilot site {site!r}; the sites are: {known}.")
        kinds = [kind] if kind else list(RecordKind.values)
        for pilot_site in sites:
            for record_kind in kinds:
                start, batches = time.perf_counter(), 0
                while True:
                    batches += 1
                    waiting = refresh_candidates(record_kind, pilot_site)
                    if options["verbosity"] > 1:
                        self.stdout.write(f"  {pilot_site.slug} {record_kind}: {waiting} still to compare")
                    if not waiting:
                        break
                self.stdout.write(
                    f"{pilot_site.slug}, {record_kind}: compared in {batches} batch(es), "
                    f"{time.perf_counter() - start:.1f} s"
                )
