"""manage.py seed_demo: reference data always; demo users and records only in development (or when asked).

Each app may have a `seed` module with `load_reference()` and `load_demo(scale)`; they are found
the way the admin finds admin modules, so the core never imports a later app by name.
"""

import os
import time
from importlib import import_module, util

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import translation

from mapping_portal.models import PilotSite, User
from mapping_portal.reference import load_reference_data
from mapping_portal.roles import Role

# username, role, sites (slugs), preferred language
DEMO_USERS = [
    ("admin", Role.ADMIN, [], "en"),
    ("staff", Role.STAFF, [], "ky"),
    ("la-akturpak", Role.LOCAL_AUTHORITY, ["akturpak"], "ky"),
    ("la-kyshtut", Role.LOCAL_AUTHORITY, ["kyshtut"], "ky"),
    ("la-kerben", Role.LOCAL_AUTHORITY, ["kerben"], "ru"),
    ("reviewer", Role.REVIEWER, [], "ru"),
    ("viewer", Role.VIEWER, [], "en"),
    # Linked to a person of Kyshtut by the grants' demo data: applies online to the open demo call.
    ("applicant", Role.APPLICANT, [], "ky"),
]


class Command(BaseCommand):
    help = "Load reference data (pilot sites, thematic areas) and, in development, demo users. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["pilot", "national"],
            default="pilot",
            help="Size of the demo data set: 'pilot' (three sites) or 'national' (benchmark volumes).",
        )
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Create the demo users even with DEBUG off (never do this on a server people rely on).",
        )

    def handle(self, *args, scale, demo_users, **options):
        created = load_reference_data()
        seeds = self.app_seed_modules()
        for seed in seeds:
            created.update(seed.load_reference())
        self.stdout.write("Reference data created (existing rows kept): " + self.describe(created))
        if not (settings.DEBUG or demo_users):
            self.stdout.write(
                "DEBUG is off: no demo users or records created (use --demo-users to create them anyway)."
            )
            return
        demo = {}
        started = time.monotonic()
        for seed in seeds:
            demo.update(seed.load_demo(scale))
        if scale == "national":
            # After a bulk load, fresh planner statistics at once (autovacuum would come later, and never to a
            # table below its threshold): without them a join over a table just filled is planned as if empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write("Demo records created: " + (self.describe(demo) or "none"))
        if scale == "national":
            self.stdout.write(f"National volumes loaded in {time.monotonic() - started:.0f} s.")
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        new = self.create_demo_users(password)
        told = "the one in DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else f"'{password}'"
        self.stdout.write(f"Demo users ({new} new). Sign in with any of them; the password is {told}:")
        for username, role, slugs, _language in DEMO_USERS:
            where = ", ".join(slugs) if slugs else ("its own applications" if role == Role.APPLICANT else "all sites")
            with translation.override("en"):  # console output for developers, in one language
                self.stdout.write(f"  {username:<12} {role.label} ({where})")

    @staticmethod
    def app_seed_modules():
        modules = []
        for config in apps.get_app_configs():
            name = f"{config.name}.seed"
            if config.name != "mapping_portal" and util.find_spec(name) is not None:
                modules.append(import_module(name))
        return modules

    @staticmethod
    def describe(counts):
        return ", ".join(f"{number} {what.replace('_', ' ')}" for what, number in counts.items())

    @transaction.atomic
    def create_demo_users(self, password) -> int:
        sites = {site.slug: site for site in PilotSite.objects.all()}
        new = 0
        hashed = None  # one hash for the demo users' one password: hashing is slow by design (~0.5 s each)
        for username, role, slugs, language in DEMO_USERS:
            user, was_created = User.objects.get_or_create(
                username=username, defaults={"role": role, "preferred_language": language}
            )
            if was_created:
                # The password is set once; a demo user who changed it keeps the new one.
                hashed = hashed or make_password(password)
                user.password = hashed
                user.save()
                user.sites.set([sites[slug] for slug in slugs])
                new += 1
        return new
