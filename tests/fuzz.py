"""What the fuzz tests share: the bad values, the walk that finds every address and form per role, and the checks.

The portal was attacked as a tester would (issue #21): every query parameter of every list, export and API, and
every field of every form, sent values a person or a script could type. These pieces keep that attack in the suite:

- `BAD_VALUES`: NUL, very long, RTL and zero-width characters, far dates, negative and huge numbers, wrong types,
  repeated keys (lists), unicode digits, SQL and HTML metacharacters.
- `discover(user)`: from the home page, every address the user reaches by links (and by the addresses the pages
  name for scripts: htmx, GeoJSON layers, exports), one per kind of page, with the GET parameters each one knows
  (its filter form's fields, its links' query keys, the names its view reads from `request.GET`), and every
  `<form method=post>` with its fields (hidden ones and select options included).
- `check_download(response)`: an export or API answer is a readable file (CSV, XLSX, JSON) or a 4xx.

`make test` runs a seeded random sample of the cases (FUZZ_SEED to vary it); `make fuzz` (marker `fuzz`) runs all.
"""

import csv
import html
import inspect
import io
import json
import os
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from django.utils import translation

from tests.browser.gate import ROLES  # role → the demo user who plays it

SEED = int(os.environ.get("FUZZ_SEED", "21"))

# (label, value): a value is a string or, for a repeated key, a list of strings.
BAD_VALUES = [
    ("nul", "\x00"),
    ("nul-inside", "1\x00' or 1=1"),
    ("long", "x" * 10_000),
    ("long-digits", "9" * 10_000),
    ("rtl", "\u202e\u200fکیرگیز\u202c"),
    ("zero-width", "\u200b1\u200d\ufeff"),
    ("date-0001", "0001-01-01"),
    ("date-9999", "9999-12-31"),
    ("date-dotted-9999", "31.12.9999"),
    ("date-impossible", "2026-02-30"),
    ("negative", "-1"),
    ("huge", str(10**30)),
    ("float-overflow", "1e309"),
    ("nan", "NaN"),
    ("wrong-type", "abc"),
    ("empty", ""),
    ("blank", "   "),
    ("list", ["1", "2"]),
    ("list-mixed", ["", "\x00", "abc"]),
    ("unicode-digits", "١٢٣"),
    ("fullwidth-digits", "１２"),
    ("superscript-digit", "²"),  # str.isdigit() says yes, int() refuses it
    ("sql", "' OR '1'='1'; DROP TABLE x; --"),
    ("html", '"><script>alert(1)</script><img src=x onerror=alert(2)>'),
    ("percent", "%_\\"),
    ("json", '{"a": [1, {"b": null}]}'),
]
# For a choice (select, radio, checkbox): a value none of its options has.
WRONG_CHOICES = [("wrong-choice", "no-such-choice"), ("wrong-pk", "999999999")]

# Addresses the walk never takes: the Django admin (Django's own), media files, signing out, switching language.
SKIP = re.compile(r"^/admin/|^/media/|/accounts/logout/|^/i18n/")
# A query parameter that is the same on every page: the walk fuzzes it on every address.
ALWAYS = ("page",)
LANGUAGE = "ky"


@contextmanager
def demo_data(django_db_blocker):
    """The demo the gate walks (seed_demo, every kind of record), for a whole test module: loaded once in a
    transaction that is rolled back when the module is done (each test adds its own savepoint inside it)."""
    from django.core.management import call_command

    from tests.browser import gate

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(PASSWORD_HASHERS=fast):
        call_command("seed_demo", demo_users=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        gate.complete_the_demo()
        yield
        transaction.set_rollback(True)


def walk_every_role(django_db_blocker):
    """For a module-scoped fixture: the demo data and what each role reaches in it, `(users by name, Walk by
    role)`. The tests that use it need the database (`pytestmark = pytest.mark.django_db`)."""
    from mapping_portal.models import User

    with demo_data(django_db_blocker):
        users = {user.username: user for user in User.objects.all()}
        started = time.monotonic()
        found = {role: discover(users.get(name) if name else None, role) for role, name in ROLES.items()}
        print(f"walk of {len(found)} roles: {time.monotonic() - started:.1f} s")
        yield users, found


def signed_in(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


# --- The walk ----------------------------------------------------------------------------------------------------

LOCAL = re.compile(rf"""(?<=["'])(/(?:{LANGUAGE}/|api/)[^"'\s<>]*)""")


@dataclass
class Form:
    """A `<form method=post>` as the page shows it: where it posts and its fields."""

    page: str
    action: str
    # name → list of values the page would send (a repeated name: checkboxes, multiple selects)
    values: dict = field(default_factory=dict)
    # name → the widget: "text", "hidden", "select", "checkbox", "radio", "file", "textarea", "number", "date" …
    kinds: dict = field(default_factory=dict)
    # name → the options a select, radio or checkbox offers
    options: dict = field(default_factory=dict)
    required: set = field(default_factory=set)

    @property
    def fields(self):
        return [name for name in self.kinds if name != "csrfmiddlewaretoken" and self.kinds[name] != "file"]

    def data(self, **override):
        """The form as the page would send it, `override` (name → value, list, or None to leave it out) applied."""
        data = {name: (values if len(values) != 1 else values[0]) for name, values in self.values.items()}
        data.pop("csrfmiddlewaretoken", None)
        for name, value in override.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return data


class _Page(HTMLParser):
    """The GET forms' field names and the POST forms (with their fields) of one page."""

    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.get_fields = set()
        self.forms: list[Form] = []
        self._form = None  # the POST form being read
        self._get = False
        self._select = None
        self._textarea = None
        self._in_template = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        if tag == "form":
            method = (a.get("method") or "get").lower()
            if method == "post":
                action = a.get("action") or self.url
                self._form = Form(page=self.url, action=html.unescape(action) if action else self.url)
                self.forms.append(self._form)
                self._get = False
            else:
                self._form, self._get = None, True
            return
        name = a.get("name")
        if tag not in ("input", "select", "textarea", "option", "button") or (not name and tag != "option"):
            return
        if self._get and tag in ("input", "select", "textarea"):
            self.get_fields.add(name)
            return
        form = self._form
        if form is None:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            form.kinds.setdefault(name, kind)
            if "required" in a:
                form.required.add(name)
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                form.values.setdefault(name, [])
                if "checked" in a:
                    form.values[name].append(a.get("value", "on"))
            else:
                form.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select":
            form.kinds[name] = "select-multiple" if "multiple" in a else "select"
            form.options.setdefault(name, [])
            form.values.setdefault(name, [])
            if "required" in a:
                form.required.add(name)
            self._select = name
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a:
                form.values[self._select].append(value)
        elif tag == "textarea":
            form.kinds[name] = "textarea"
            form.values[name] = [""]
            if "required" in a:
                form.required.add(name)
            self._textarea = name

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template = max(0, self._in_template - 1)
        elif tag == "form":
            if self._form is not None:
                # a single select with nothing marked selected sends its first option, as a browser does
                for name, kind in self._form.kinds.items():
                    if kind == "select" and not self._form.values[name] and self._form.options[name]:
                        self._form.values[name] = [self._form.options[name][0]]
            self._form, self._get = None, False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.values[self._textarea] = [self._form.values[self._textarea][0] + data]


def view_of(path):
    """The view of a Kyrgyz address (i18n_patterns resolve only the active language's prefix)."""
    try:
        with translation.override(LANGUAGE):
            return resolve(path)
    except Resolver404:
        return None


_FILTERSET_NAME = re.compile(r"\b([A-Z]\w*(?:FilterSet|OfEvents|Filter))\b")
_GET_NAME = re.compile(r"""request\.GET(?:\.get|\.getlist)?[\[(]\s*["']([\w-]+)["']""")


def names_read_by(match) -> set[str]:
    """The GET parameters a view reads: names it takes from `request.GET`, and its FilterSets' filters."""
    func = inspect.unwrap(match.func)
    func = getattr(func, "view_class", None) or func
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return set()
    names = set(_GET_NAME.findall(source))
    module = inspect.getmodule(func)
    for class_name in _FILTERSET_NAME.findall(source):
        filterset = getattr(module, class_name, None)
        form_fields = getattr(getattr(filterset, "base_filters", None), "keys", None)
        if form_fields:
            names.update(form_fields())
    return names


@dataclass
class Walk:
    """What one role reaches: addresses (one per view) with the GET parameters each knows, and the POST forms."""

    role: str
    addresses: dict = field(default_factory=dict)  # view name → address
    parameters: dict = field(default_factory=lambda: defaultdict(set))  # view name → names
    forms: dict = field(default_factory=dict)  # (view name of the action, field names) → Form
    problems: list = field(default_factory=list)
    client: Client | None = None  # signed in as the role, holding the CSRF cookie the forms' tokens match


def discover(user, role, limit=300) -> Walk:
    """Walk every page `user` reaches from the home page, in Kyrgyz (one or two addresses per kind of page)."""
    client = signed_in(user, csrf=True)
    walk = Walk(role, client=client)
    start = f"/{LANGUAGE}/"
    queue, seen, kinds = [start], {start}, defaultdict(int)
    pages = 0
    while queue and pages < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        match = view_of(parts.path)
        if match is None:
            continue
        name = match.view_name
        response = client.get(url)
        if response.status_code >= 500:
            walk.problems.append(f"{url}: HTTP {response.status_code}")
        if response.status_code != 200:
            continue  # an address for a script to post to, a template address, a record out of scope
        walk.addresses.setdefault(name, url)
        walk.parameters[name].update(key for key, _ in parse_qsl(parts.query, keep_blank_values=True))
        walk.parameters[name].update(names_read_by(match))
        walk.parameters[name].update(ALWAYS)
        if not response.get("Content-Type", "").startswith("text/html"):
            body(response)
            continue
        pages += 1
        text = response.content.decode()
        parser = _Page(parts.path)
        parser.feed(text)
        walk.parameters[name].update(parser.get_fields)
        for form in parser.forms:
            action = urlsplit(form.action)
            target = view_of(action.path)
            if target is None or SKIP.search(action.path):
                continue
            key = (target.view_name, tuple(sorted(form.kinds)))
            walk.forms.setdefault(key, form)
        for href in {html.unescape(h) for h in LOCAL.findall(text)}:
            link = urlsplit(href)
            if SKIP.search(link.path) or "{" in link.path:
                continue
            address = link.path + (f"?{link.query}" if link.query else "")
            target = view_of(link.path)
            if address in seen or target is None:
                continue
            seen.add(address)
            kind = f"{target.view_name}?{'&'.join(sorted({k for k, _ in parse_qsl(link.query)} - {'page'}))}"
            if kinds[kind] >= 2:
                continue
            kinds[kind] += 1
            queue.append(address)
    return walk


# --- The checks --------------------------------------------------------------------------------------------------


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def check_answer(response) -> str | None:
    """What is wrong with an answer to a fuzzed request: a 5xx, or a download that cannot be read."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    content = body(response)  # a streamed export fails while it is read
    if response.status_code != 200:
        return None
    kind = response.get("Content-Type", "").split(";")[0]
    try:
        if kind == "text/csv":
            list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        elif kind.endswith("spreadsheetml.sheet"):
            from openpyxl import load_workbook

            load_workbook(io.BytesIO(content), read_only=True).close()
        elif "json" in kind:
            json.loads(content)
    except Exception as error:  # noqa: BLE001 — any failure to read the file is the finding
        return f"an unreadable {kind}: {error!r}"
    return None


def write_report(name, lines):
    """The findings of a run, for a person to read: var/fuzz/<name>.txt."""
    from django.conf import settings

    path = settings.BASE_DIR / "var" / "fuzz" / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def request_label(method, url, data) -> str:
    shown = {k: (v if len(str(v)) < 60 else f"{str(v)[:20]}…({len(str(v))} chars)") for k, v in data.items()}
    return f"{method} {url} {shown!r}"


# The tables whose rows a refused form must leave as they were: every table of the portal's own apps but the
# ones that log what happened (exports, sign-in attempts, history of changes).
LOG_TABLES = re.compile(r"exportlog|history|loginattempt|audit|session", re.I)


def row_counts_sql() -> str:
    from django.apps import apps

    tables = sorted(
        model._meta.db_table
        for app in ("mapping_portal", "stakeholders", "dialogues", "grants")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy and not LOG_TABLES.search(model._meta.db_table)
    )
    return "SELECT " + ", ".join(f'(SELECT count(*) FROM "{table}") AS "{table}"' for table in tables)


def row_counts(sql) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))
