"""A workflow button's post on an application is read through a form: a value it cannot read is a message on the
application's page and nothing moves (issue #21: "²" passed `isdigit()` and a NUL reached the database — 500s)."""

import pytest
from django.utils import translation

from grants.models import GrantApplication
from mapping_portal.forms import TEXT_LIMIT, posted_id
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("version", "²", "That step is not understood"),
        ("version", "9" * 5000, "That step is not understood"),
        ("version", "", "That step is not understood"),
        ("to", "no-such-status", "That step is not understood"),
        ("comment", "\x00", "Null characters are not allowed"),
        ("comment", "ө" * (TEXT_LIMIT + 1), "at most 10000 characters"),
    ],
)
def test_a_step_posted_with_a_value_it_cannot_read_is_a_message_and_moves_nothing(
    client_for, staff, make_application, field, value, said
):
    application = make_application(status="submitted")
    post = {"to": "screening", "comment": "", "version": application.version} | {field: value}
    with translation.override("en"):
        response = client_for(staff).post(url("grants:application-transition", application.pk), post, follow=True)
        page = response.content.decode()
    assert response.status_code == 200
    assert said in page
    assert GrantApplication.objects.get(pk=application.pk).status == "submitted"


def test_a_readable_step_still_moves_the_application(client_for, staff, make_application):
    application = make_application(status="submitted")
    post = {"to": "screening", "comment": "Экспертизага", "version": application.version}
    client_for(staff).post(url("grants:application-transition", application.pk), post)
    assert GrantApplication.objects.get(pk=application.pk).status == "screening"


@pytest.mark.parametrize(
    ("value", "read"),
    [("12", 12), ("0", 0), ("²", None), ("١٢", None), ("9" * 19, None), ("-1", None), ("", None), (None, None)],
)
def test_a_posted_record_number_is_ascii_digits_within_a_bigint(value, read):
    assert posted_id(value) == read
