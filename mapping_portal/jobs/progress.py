"""How far a job is, told by the code doing the work without it knowing about jobs.

The runner sets a reporter for the job it runs; `advance` and `counted` are free (nothing happens) anywhere else,
so an export or an import reports progress the same way whether a request or the worker runs it. Progress is
written outside any transaction the work holds open only if the work runs in autocommit (an export); work done in
one transaction (an import's commit) cannot show partial progress to other connections, and its page says so.
"""

import contextlib
import time
from contextvars import ContextVar

_reporter: ContextVar = ContextVar("job_progress", default=None)
# At most one write per this many seconds: progress is for a person watching a bar.
_INTERVAL = 0.5


class _Reporter:
    def __init__(self, job_id):
        self.job_id = job_id
        self.done = 0
        self.written_at = 0.0

    def add(self, count):
        self.set(self.done + count)

    def set(self, done):
        self.done = done
        now = time.monotonic()
        if now - self.written_at >= _INTERVAL:
            self.written_at = now
            self.write(done=self.done)

    def write(self, **fields):
        from mapping_portal.jobs.models import Job

        Job.objects.filter(pk=self.job_id).update(**fields)


@contextlib.contextmanager
def reporting(job_id):
    token = _reporter.set(_Reporter(job_id))
    try:
        yield
    finally:
        _reporter.reset(token)


def set_total(total: int):
    reporter = _reporter.get()
    if reporter is not None:
        reporter.write(total=total)


def advance(count: int = 1):
    reporter = _reporter.get()
    if reporter is not None:
        reporter.add(count)


def set_done(done: int):
    """How many of the total are done now (for work that counts what is left rather than what it did)."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter.set(done)


def counted(rows, every: int = 1000):
    """`rows` again, telling the job (if any) every `every` rows; unchanged when no job is running."""
    if _reporter.get() is None:
        yield from rows
        return
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending >= every:
            advance(pending)
            pending = 0
    if pending:
        advance(pending)
