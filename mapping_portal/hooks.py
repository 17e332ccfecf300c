"""The one place where apps plug into each other's pages without the providing side being imported by them.

Each hook point below is a `Hook`. An app registers its providers in its own `hooks.py`, which its AppConfig's
`ready()` imports (never from a view module). A provider fetches what it returns in a fixed number of queries and
applies its own app's access rules, so the page that gathers them keeps a constant query count and shows only what
the user may see.

Providers are kept in the order they were registered, keyed by a name or by the provider itself, so registering
the same one twice changes nothing.
"""

from dataclasses import dataclass, field


class Hook:
    def __init__(self, doc: str):
        self.__doc__ = doc
        self._providers: dict = {}

    def register(self, provider=None, *, key=None):
        """Add a provider (usable as a decorator); `key` names it where pages look providers up by name."""
        if provider is None:
            return lambda function: self.register(function, key=key)
        self._providers[provider if key is None else key] = provider
        return provider

    def unregister(self, key):
        self._providers.pop(key, None)

    def get(self, key):
        return self._providers.get(key)

    def keys(self) -> list:
        return list(self._providers)

    def gather(self, *args) -> list:
        """Every provider's items, one list, in registration order."""
        return [item for provider in list(self._providers.values()) for item in provider(*args)]

    def answers(self, *args) -> list:
        """Every provider's answer that is not None, in registration order."""
        answers = (provider(*args) for provider in list(self._providers.values()))
        return [answer for answer in answers if answer is not None]


@dataclass
class Figure:
    label: str
    value: int
    url: str = ""


site_figures = Hook("`(user, site) -> list[Figure]`: the counts a site's page shows, scoped by the providing app.")

organization_timeline = Hook("`(user, organization) -> list[TimelineItem]`: what happened to an organization.")

person_timeline = Hook("`(user, person) -> list[TimelineItem]`: what a person took part in (admins and staff).")

person_sections = Hook("`(user, person) -> PersonSection | None`: a section of a person's profile.")

reviewer_scopes = Hook(
    "`(user) -> queryset of organization ids`: organizations a grant reviewer reads (of what they review)."
)

media = Hook("Keyed by upload folder: `(user, path) -> bool`, whether the user may see that file.")

exports = Hook("Keyed by name: `() -> ExportSpec`, the full admin-level export that `manage.py export NAME` writes.")


@dataclass
class HomeItem:
    """One line of a signed-in user's home: a figure (a count linking to the filtered list), a record (a plan to
    review, a review to do, an application and its next step) or a change. `section` says where the home puts it
    (mapping_portal.homes.SECTIONS); `urgent` items come first, plainly; `action` labels the link as a button."""

    section: str
    label: str
    value: int | str | None = None
    url: str = ""
    detail: str = ""
    urgent: bool = False
    action: str = ""
    when: object = None  # a date or datetime: the latest changes are merged by it


home_items = Hook(
    "`(user) -> list[HomeItem]`: what a signed-in user's home shows, scoped by the providing app "
    "(mapping_portal.homes); a fixed number of queries each."
)


@dataclass(frozen=True)
class AuditedKind:
    """A kind of record whose changes the audit pages list (mapping_portal.changes)."""

    model: type
    # The page an entry links to (the record's own page, or its parent's): history entry → URL.
    link: object
    # What reading the records' names needs (select_related).
    names: tuple = ()
    # The records a user may see, for the record's own history page (None: no such page).
    scope: object = None
    # Leave out the entries identical to the one before (a user's sign-in saves its last login, which the history
    # does not keep: every sign-in would be an empty line).
    quiet: bool = False
    # The page the record's history page leads back to (record → URL); None: `link` of the record.
    page: object = None


def link_to(name, attname):
    """An audited entry's link: the page `name` of the record (or parent) whose id the entry holds in `attname`."""
    from django.urls import reverse

    return lambda entry: reverse(name, args=[getattr(entry, attname)])


def history_page(kind):
    """An audited entry's link to its record's own history page (for records without a page of their own)."""
    from django.urls import reverse

    return lambda entry: reverse("changes:record", args=[kind, entry.id])


audited = Hook(
    "Keyed by a kind's name in the URL: an `AuditedKind` — a kind of record whose changes the admins' recent "
    "changes list and whose history pages show (mapping_portal.changes)."
)


@dataclass
class Scope:
    """What an indicator is measured over: the records of `site_ids` (None: every site) dated from `start` to
    `end`, as `user` may see them."""

    user: object
    start: object  # datetime.date
    end: object
    site_ids: set | None = None
    # Shared by the providers of one build over the same dates and sites, for what several indicators count alike
    # (the people counted once for reached, trained and the women's shares); it lives as long as the build.
    memo: dict = field(default_factory=dict)


@dataclass
class Breakdown:
    """One disaggregation of a measure: `dimension` is its IATI-style name ("sex", "age", "site", "disability",
    "type", "direction"); rows are (key, label, value)."""

    dimension: str
    title: str
    rows: list
    people: bool = True  # counts of people: small cells are suppressed


@dataclass
class Measure:
    """An indicator's actual value, computed from the records: a number (`value`), or a share of people (`part`
    of `whole`, the percentage worked out by the framework); raw, the framework suppresses small cells."""

    value: object = None
    people: bool = False  # `value` counts people
    part: int | None = None
    whole: int | None = None
    breakdowns: list = None
    url: str = ""  # the records behind the figure, for a user who may see them
    note: str = ""

    def __post_init__(self):
        self.breakdowns = self.breakdowns or []


indicators = Hook(
    "Keyed by an indicator's measure: `(scope: Scope) -> Measure`, computed from the providing app's records "
    "within the scope (mapping_portal.results); a fixed number of queries each."
)


job_work = Hook(
    "`(job) -> None`, keyed by a `Job.Kind`: does a background job's work in the worker (mapping_portal.jobs). It "
    "may report progress (`jobs.progress`), raise `jobs.Refused(message)` for a reason its owner should read, and "
    "must leave nothing half-written if the worker dies part way (one transaction, or work that can run again)."
)
