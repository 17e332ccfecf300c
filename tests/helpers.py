"""Helpers every test module shares: the address of a page, the number of queries a page takes, and work run in
threads at once.

(The cast of users per role, and `ROLES`, are in tests/conftest.py.)
"""

import re
import threading

from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation


def url(name, *args, language="en"):
    """The path of the page `name` ("grants:call-detail", "home") with `args`, in `language`: English unless
    said, the language the tests read the portal's messages in."""
    with translation.override(language):
        return reverse(name, args=args)


def count_queries(client, path, data=None):
    """The number of database queries a GET of `path` (with the query parameters `data`) takes. The page must
    answer 200: the count of an error page or a redirect would compare nothing."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, data)
    assert response.status_code == 200, path
    return len(captured)


def run_at_once(work, count):
    """Run `work(n)` in `count` threads released together; each thread has its own database connection.
    Returns the outcomes: the value returned, or the exception raised."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(n):
        try:
            barrier.wait()
            outcomes[n] = work(n)
        except Exception as error:  # noqa: BLE001 — an outcome to count, not to hide
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


_JOB_PAGE = re.compile(r"^/[a-z]{2}/jobs/(?P<pk>[0-9a-f-]{36})/$")


def follow_job(client, response):
    """A download the portal made in the background, as its owner gets it: when `response` sends the owner to a
    job's page, the job's work is done here (what the worker does), and the file is fetched as the owner would,
    returned as a plain response (its `content`, its headers). Any other response is returned as it is.

    The fault tests (tests/mapping_portal/test_jobs_faults.py) and the browser tests run a real worker."""
    from mapping_portal.jobs import runner

    match = _JOB_PAGE.match(response.get("Location", "")) if response.status_code == 302 else None
    if match is None:
        return response
    runner.run(match["pk"])
    download = client.get(response["Location"] + "download/")
    if download.status_code != 200:
        return client.get(response["Location"])
    plain = HttpResponse(b"".join(download.streaming_content), content_type=download["Content-Type"])
    plain["Content-Disposition"] = download["Content-Disposition"]
    return plain
