"""Query-string fuzz: every GET parameter of every list, export and API each role reaches, sent every bad value.

A page answers a value it cannot read with the page and a message (or ignores it, as the filter panel does), an
export with a readable file or a 4xx — never a 500 (issue #21, item 3: `?site=%00` was one). `make test` runs a
seeded random sample; `make fuzz` runs every case.
"""

import os
import random
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests import fuzz

SAMPLE = int(os.environ.get("FUZZ_SAMPLE", "500"))  # requests in `make test`


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def walks(django_db_setup, django_db_blocker):
    yield from fuzz.walk_every_role(django_db_blocker)


def cases(walks):
    """(role, address, parameter, label, value) for every parameter of every address of every role."""
    _users, found = walks
    every = []
    for role, walk in found.items():
        for name, address in sorted(walk.addresses.items()):
            for parameter in sorted(walk.parameters[name]):
                for label, value in fuzz.BAD_VALUES:
                    every.append((role, name, address, parameter, label, value))
    return every


def run(walks, chosen):
    users, found = walks
    clients = {}
    for role, name in fuzz.ROLES.items():
        clients[role] = Client()
        if name:
            clients[role].force_login(users[name])
    failures = []
    for role, _view_name, address, parameter, label, value in chosen:
        parts = urlsplit(address)
        data = parse_qs(parts.query, keep_blank_values=True)
        data[parameter] = value
        try:
            problem = fuzz.check_answer(clients[role].get(parts.path, data))
        except Exception as error:  # noqa: BLE001 — the test client re-raises the view's exception: a 500
            problem = f"{type(error).__name__}: {str(error)[:200]}"
        if problem:
            failures.append(f"[{role}] {fuzz.request_label('GET', parts.path, data)} ({label}): {problem}")
    problems = [problem for walk in found.values() for problem in walk.problems]
    return failures + problems


def report(kind, chosen, failures):
    addresses = {(c[0], c[1]) for c in chosen}
    parameters = {(c[0], c[1], c[3]) for c in chosen}
    print(
        f"{kind}: {len(chosen)} requests ({len(addresses)} role×address, {len(parameters)} role×address×parameter, "
        f"{len(fuzz.BAD_VALUES)} values), {len(failures)} failed"
    )


def test_a_seeded_sample_of_bad_query_values_never_answers_500(walks):
    every = cases(walks)
    chosen = random.Random(fuzz.SEED).sample(every, min(SAMPLE, len(every)))
    failures = run(walks, chosen)
    fuzz.write_report("queries-sample", failures)
    report(f"sample of {len(every)} (seed {fuzz.SEED})", chosen, failures)
    assert not failures, "\n".join(failures[:40])


@pytest.mark.fuzz
def test_every_bad_query_value_on_every_parameter_never_answers_500(walks):
    every = cases(walks)
    failures = run(walks, every)
    fuzz.write_report("queries-all", failures)
    report("all", every, failures)
    assert not failures, f"{len(failures)} failed:\n" + "\n".join(failures[:80])


def test_the_walk_finds_the_lists_exports_and_apis(walks):
    """The fuzz is only as good as its walk: the main lists, an export and the map layers must be in it."""
    _users, found = walks
    staff = found["staff"]
    for view_name in ("stakeholders:organization-list", "grants:application-list", "map", "stakeholders-geojson"):
        assert view_name in staff.addresses, sorted(staff.addresses)
    assert any("export" in name for name in staff.addresses), sorted(staff.addresses)
    assert {"site", "page"} <= staff.parameters["stakeholders:organization-list"]
