"""The load scenario (`make load`): each role of the portal doing its usual pages, on gunicorn with DEBUG off.

Users sign in as the demo users (password `demo`, or DEMO_PASSWORD) through the real sign-in form: they read the
CSRF token from the form and send it back with the cookie and a Referer (Django checks the Referer over HTTPS),
once per simulated user — successful sign-ins reset django-axes' counter, so the throttling never trips. The
server runs over HTTPS (a throw-away self-signed certificate): with DEBUG off the session and CSRF cookies are
`Secure`, and a client keeps them only over HTTPS.

Detail pages are found the way a person finds them: from the user's own list (so each role opens only records in
its scope); they are reported under one name per kind ("organization detail", …). Every answer but a 200 is an
error. Pages are in Kyrgyz, the default and longest language.
"""

import os
import random
import re

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "demo")
LANG = "/ky"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def links(html, pattern, limit=20):
    """The distinct paths in `html` matching `pattern` (a regex of a path), the first `limit` of them."""
    found = []
    for match in re.finditer(rf'href="({pattern})"', html):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found[:limit]


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)  # a person reads a page for a moment before the next one
    insecure = True  # the self-signed certificate of `make load`
    username = None
    # (kind, list path, regex of the detail paths the list links to)
    details = []

    def on_start(self):
        if self.username:
            self.sign_in()
        self.found = {}
        for kind, list_path, pattern in self.details:
            response = self.page(list_path, f"{kind} list (discovery)")
            self.found[kind] = links(response.text or "", pattern) if response.status_code == 200 else []

    def page(self, path, name=None):
        # X-Load-Page names the page in gunicorn's access log too (run.py: the time spent inside the server).
        name = name or path
        with self.client.get(path, name=name, headers={"X-Load-Page": name}, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in (response.url or "") and path != f"{LANG}/accounts/login/":
                response.failure("sent to the sign-in page")
            return response

    def sign_in(self):
        form = self.page(f"{LANG}/accounts/login/", "sign-in form")
        token = TOKEN.search(form.text or "")
        fields = {"csrfmiddlewaretoken": token.group(1) if token else "", "username": self.username}
        with self.client.post(
            f"{LANG}/accounts/login/",
            data=fields | {"password": PASSWORD},
            headers={"Referer": f"{self.host}{LANG}/accounts/login/", "X-Load-Page": "sign in"},
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/accounts/login/" in (response.url or ""):
                response.failure(f"sign-in as {self.username} failed (HTTP {response.status_code}, {response.url})")

    def detail(self, kind):
        paths = self.found.get(kind) or []
        if paths:
            self.page(random.choice(paths), f"{kind} detail")


class Public(PortalUser):
    """The public: the home page, the map and its layers, the organizations that consented to be listed."""

    weight = 4
    details = [("organization", f"{LANG}/stakeholders/", rf"{LANG}/stakeholders/\d+/")]

    @task(3)
    def home(self):
        self.page(f"{LANG}/", "home")

    @task(3)
    def map(self):
        self.page(f"{LANG}/map/", "map")
        self.page("/api/sites.geojson", "sites.geojson")
        self.page("/api/stakeholders.geojson", "stakeholders.geojson")

    @task(2)
    def organizations(self):
        self.page(f"{LANG}/stakeholders/", "organization list")
        self.detail("organization")


class Viewer(PortalUser):
    """A donor or partner: results, the map, aggregates."""

    username = "viewer"
    weight = 2
    details = [("organization", f"{LANG}/stakeholders/", rf"{LANG}/stakeholders/\d+/")]

    @task(2)
    def home(self):
        self.page(f"{LANG}/", "home")

    @task(3)
    def reports(self):
        self.page(f"{LANG}/reports/", "reports")

    @task(2)
    def map(self):
        self.page(f"{LANG}/map/", "map")
        self.page("/api/stakeholders.geojson", "stakeholders.geojson")
        self.page("/api/dialogues.geojson", "dialogues.geojson")
        self.page("/api/grants.geojson", "grants.geojson")

    @task(1)
    def organizations(self):
        self.page(f"{LANG}/stakeholders/", "organization list")
        self.detail("organization")

    @task(1)
    def results(self):
        self.page(f"{LANG}/dialogues/results/", "dialogue results")


class LocalAuthority(PortalUser):
    """A local authority of Kyshtut or Kerben: its site, its plan, its organizations and events."""

    abstract = True
    site = None
    details = [
        ("organization", f"{LANG}/stakeholders/", rf"{LANG}/stakeholders/\d+/"),
        ("event", f"{LANG}/dialogues/", rf"{LANG}/dialogues/\d+/"),
        ("plan", f"{LANG}/plans/", rf"{LANG}/plans/\d+/"),
    ]

    @task(3)
    def home(self):
        self.page(f"{LANG}/", "home")

    @task(2)
    def site_page(self):
        self.page(f"{LANG}/sites/{self.site}/", "site detail")
        self.page(f"{LANG}/plans/sites/{self.site}/", "site plan dashboard")

    @task(2)
    def plans(self):
        self.page(f"{LANG}/plans/", "plan list")
        self.detail("plan")

    @task(2)
    def organizations(self):
        self.page(f"{LANG}/stakeholders/", "organization list")
        self.detail("organization")

    @task(1)
    def events(self):
        self.page(f"{LANG}/dialogues/", "event list")
        self.detail("event")

    @task(1)
    def reports(self):
        self.page(f"{LANG}/reports/", "reports")


class LocalAuthorityKyshtut(LocalAuthority):
    username, site, weight = "la-kyshtut", "kyshtut", 1


class LocalAuthorityKerben(LocalAuthority):
    username, site, weight = "la-kerben", "kerben", 1


class Staff(PortalUser):
    """Project staff: the registry, people, events, grants, the map, reports."""

    username = "staff"
    weight = 4
    details = [
        ("organization", f"{LANG}/stakeholders/", rf"{LANG}/stakeholders/\d+/"),
        ("person", f"{LANG}/stakeholders/people/", rf"{LANG}/stakeholders/people/\d+/"),
        ("event", f"{LANG}/dialogues/", rf"{LANG}/dialogues/\d+/"),
        ("grant call", f"{LANG}/grants/", rf"{LANG}/grants/calls/\d+/"),
    ]

    @task(3)
    def home(self):
        self.page(f"{LANG}/", "home")

    @task(4)
    def organizations(self):
        self.page(f"{LANG}/stakeholders/", "organization list")
        self.detail("organization")

    @task(2)
    def search(self):
        self.page(f"{LANG}/stakeholders/?q=Kyshtut", "organization list (search)")

    @task(3)
    def people(self):
        self.page(f"{LANG}/stakeholders/people/", "person list")
        self.detail("person")

    @task(2)
    def events(self):
        self.page(f"{LANG}/dialogues/", "event list")
        self.detail("event")

    @task(1)
    def grants(self):
        self.page(f"{LANG}/grants/", "grant call list")
        self.detail("grant call")
        self.page(f"{LANG}/grants/applications/", "application list")

    @task(1)
    def map(self):
        self.page(f"{LANG}/map/", "map")
        self.page("/api/stakeholders.geojson", "stakeholders.geojson")

    @task(1)
    def reports(self):
        self.page(f"{LANG}/reports/", "reports")


class Admin(PortalUser):
    """An administrator: what staff see, plus the export log, recent changes and the Django admin."""

    username = "admin"
    weight = 1
    details = [("organization", f"{LANG}/stakeholders/", rf"{LANG}/stakeholders/\d+/")]

    @task(2)
    def home(self):
        self.page(f"{LANG}/", "home")

    @task(2)
    def organizations(self):
        self.page(f"{LANG}/stakeholders/", "organization list")
        self.detail("organization")

    @task(1)
    def audit(self):
        self.page(f"{LANG}/exports/log/", "export log")
        self.page(f"{LANG}/changes/", "recent changes")

    @task(1)
    def django_admin(self):
        self.page("/admin/stakeholders/organization/", "admin: organization changelist")

    @task(1)
    def reports(self):
        self.page(f"{LANG}/reports/", "reports")
