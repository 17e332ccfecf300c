"""Helpers every test module shares: the address of a page, and the number of queries a page takes.

(The cast of users per role, and `ROLES`, are in tests/conftest.py.)
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation


def url(name, *args, language="en"):
    """The path of the page `name` ("grants:call-detail", "home") with `args`, in `language`: English unless
    said, the language the tests read the portal's messages in."""
    with translation.override(language):
        return reverse(name, args=args)


def count_queries(client, path, data=None, status=200):
    """The number of database queries a GET of `path` (with the query parameters `data`) takes. The page must
    answer `status`: the count of an error page or a redirect would compare nothing."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, data)
    assert response.status_code == status, path
    return len(captured)
