"""Form fuzz: every `<form method=post>` each role reaches, each field sent every bad value, a wrong choice, or
left out — with the page's CSRF token, as a browser would post it.

The answer is a page with a message (200 or 4xx) or the form's success (a redirect) — never a 500 — and a form
error saves nothing: the row counts of the portal's tables are as before. Each post runs in a savepoint that is
rolled back, so the next one finds the demo as it was. `make test` runs a seeded random sample; `make fuzz` all.
"""

import os
import random
import re

import pytest
from django.db import transaction

from tests import fuzz

pytestmark = pytest.mark.django_db

SAMPLE = int(os.environ.get("FUZZ_SAMPLE_FORMS", "200"))  # posts in `make test`

CHOICE_KINDS = {"select", "select-multiple", "radio", "checkbox"}
# An answer that says the form was refused: Bootstrap's invalid state, Django's error list, an alert.
REFUSED = re.compile(rb"is-invalid|invalid-feedback|errorlist|alert-danger|alert-warning")
SUCCESS_HEADERS = ("HX-Redirect", "HX-Refresh", "HX-Location")


@pytest.fixture(scope="module")
def walks(django_db_setup, django_db_blocker):
    yield from fuzz.walk_every_role(django_db_blocker)


def forms_once(walks):
    """Every form once, as the first role (most rights first) that reaches it: (role, view name, Form)."""
    _users, found = walks
    chosen = {}
    for role, walk in found.items():
        for (view_name, names), form in walk.forms.items():
            chosen.setdefault((view_name, names), (role, view_name, form))
    return list(chosen.values())


def cases(walks):
    every = []
    for role, view_name, form in forms_once(walks):
        for name in form.fields:
            values = list(fuzz.BAD_VALUES) + [("missing", None)]
            if form.kinds[name] in CHOICE_KINDS:
                values += fuzz.WRONG_CHOICES
            every += [(role, view_name, form, name, label, value) for label, value in values]
    return every


def run(walks, chosen):
    users, found = walks
    sql = fuzz.row_counts_sql()
    failures = []
    for role, _view_name, form, name, label, value in chosen:
        client = found[role].client
        data = form.data(**{name: value})
        data["csrfmiddlewaretoken"] = form.values["csrfmiddlewaretoken"][0]
        where = f"[{role}] {fuzz.request_label('POST', form.action, {name: value})} ({label}, form of {form.page})"
        with transaction.atomic():
            before = fuzz.row_counts(sql)
            try:
                response = client.post(form.action, data)
                problem = fuzz.check_answer(response)
            except Exception as error:  # noqa: BLE001 — the test client re-raises the view's exception: a 500
                problem, response = f"{type(error).__name__}: {str(error)[:200]}", None
            if response is not None and not problem:
                content = response.content if not response.streaming else b""
                refused = response.status_code >= 400 or (
                    response.status_code == 200
                    and not any(header in response for header in SUCCESS_HEADERS)
                    and REFUSED.search(content)
                )
                if refused:
                    after = fuzz.row_counts(sql)
                    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                    if changed:
                        problem = f"refused with HTTP {response.status_code}, yet rows changed: {changed}"
                if response.status_code == 403 and b"CSRF" in content:
                    problem = "the page's CSRF token was refused"
            transaction.set_rollback(True)
        user = users.get(fuzz.ROLES[role])
        if user is not None and client.session.get("_auth_user_id") != str(user.pk):
            client.force_login(user)  # the post changed the session, which was rolled back: sign in again
        if problem:
            failures.append(f"{where}: {problem}")
    return failures


def report(kind, chosen, failures):
    forms = {(c[0], c[1]) for c in chosen}
    fields = {(c[0], c[1], c[3]) for c in chosen}
    print(f"{kind}: {len(chosen)} posts ({len(forms)} forms, {len(fields)} form×field), {len(failures)} failed")


def test_a_seeded_sample_of_bad_form_values_never_answers_500_nor_saves_part(walks):
    every = cases(walks)
    chosen = random.Random(fuzz.SEED).sample(every, min(SAMPLE, len(every)))
    failures = run(walks, chosen)
    fuzz.write_report("forms-sample", failures)
    report(f"sample of {len(every)} (seed {fuzz.SEED})", chosen, failures)
    assert not failures, "\n".join(failures[:40])


@pytest.mark.fuzz
def test_every_bad_value_in_every_field_of_every_form_never_answers_500_nor_saves_part(walks):
    every = cases(walks)
    failures = run(walks, every)
    fuzz.write_report("forms-all", failures)
    report("all", every, failures)
    assert not failures, f"{len(failures)} failed:\n" + "\n".join(failures[:80])


def test_the_walk_finds_the_forms_with_their_fields(walks):
    """The fuzz is only as good as its walk: the registry's, the events' and the applicant's forms are in it."""
    found = {view_name: form for _role, view_name, form in forms_once(walks)}
    assert "stakeholders:organization-create" in found, sorted(found)
    organization = found["stakeholders:organization-create"]
    assert {"name_ky", "site", "type"} <= set(organization.fields)
    assert organization.options["site"], "the select's options are read"
    assert "csrfmiddlewaretoken" in organization.values
    assert any(name.startswith("grants:") for name in found), sorted(found)
