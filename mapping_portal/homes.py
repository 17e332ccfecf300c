"""The signed-in home: what needs the user, per role (issue 16). The public home stays the brochure.

Each app adds its items through `hooks.home_items` (providers in its own hooks.py, scoped by access.py); this
module adds the core's own (a local authority's site figures, an admin's users and export log), groups the items
into the sections of the user's role and hands them to one template per role. Every provider runs a fixed number
of queries, so a home's query count does not grow with the data (tests/mapping_portal/test_homes.py).
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from mapping_portal import access, hooks
from mapping_portal.models import ExportLog, PilotSite, User
from mapping_portal.roles import Role

CHANGES_SHOWN = 10


@dataclass
class Section:
    key: str
    title: str
    empty: str = ""
    items: list = field(default_factory=list)
    figures: bool = True  # counts (a grid of figures) rather than a list of records


# The sections of each role's home, in the order shown. A section without items shows its `empty` sentence (or
# nothing when it has none).
SECTIONS = {
    Role.STAFF: [
        ("drafts", _("Drafts to finish"), "", True),
        ("follow-up", _("Follow-up"), "", True),
        ("grants", _("Small grants"), "", True),
        ("registry", _("Registry"), "", True),
        ("changes", _("Latest changes"), _("No changes yet."), False),
    ],
    Role.LOCAL_AUTHORITY: [
        ("plan-review", _("Waiting for your review"), "", False),
        ("plan-actions", _("Plan actions"), _("No approved plan is being followed yet."), True),
        ("site", _("The site in figures"), "", True),
        ("events", _("Events coming up"), _("No event is planned yet."), False),
    ],
    Role.REVIEWER: [
        ("reviews", _("Your reviews"), _("No application is assigned to you yet."), False),
    ],
    Role.VIEWER: [
        ("results", _("Results"), "", True),
        ("results-by-sex", _("People reached, by sex"), "", True),
    ],
    Role.APPLICANT: [
        ("own-applications", _("Your applications"), _("You have no application yet."), False),
        ("open-calls", _("Calls you may apply to"), _("No call takes applications online now."), False),
    ],
}
SECTIONS[Role.ADMIN] = SECTIONS[Role.STAFF][:-1] + [
    ("users", _("Users"), "", True),
    ("exports", _("Latest exports"), _("Nothing was exported yet."), False),
    SECTIONS[Role.STAFF][-1],
]


def shows(user, section: str) -> bool:
    """Whether the user's home has this section: providers skip the queries of a section the role's home does not
    show (which role sees what data stays the querysets' and predicates' of access.py)."""
    return any(key == section for key, *_rest in SECTIONS.get(access.role_of(user), []))


TEMPLATES = {
    Role.ADMIN: "mapping_portal/home_staff.html",
    Role.STAFF: "mapping_portal/home_staff.html",
    Role.LOCAL_AUTHORITY: "mapping_portal/home_local_authority.html",
    Role.REVIEWER: "mapping_portal/home_reviewer.html",
    Role.VIEWER: "mapping_portal/home_viewer.html",
    Role.APPLICANT: "mapping_portal/home_applicant.html",
}


def core_items(user, sites) -> list[hooks.HomeItem]:
    """The core's own items: a local authority's site figures (hooks.site_figures, per site of `sites`), an admin's
    users by role and latest exports (each opening the export log, filtered to that export)."""
    items = []
    for site in sites:  # the sites whose figures the home shows (a local authority's)
        for figure in hooks.site_figures.gather(user, site):
            where = site.name if len(sites) > 1 else ""  # one site: the heading names it
            items.append(hooks.HomeItem("site", figure.label, figure.value, figure.url, where))
    if access.can_use_admin(user):
        labels = dict(Role.choices)
        by_role = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("pk")).order_by())
        users_url = reverse("admin:mapping_portal_user_changelist")
        items += [
            hooks.HomeItem("users", labels[role], by_role.get(role, 0), f"{users_url}?role__exact={role}")
            for role in Role.values
        ]
        log_url = reverse("export-log")
        latest = list(ExportLog.objects.select_related("user").order_by("-created_at")[:5])
        items += [
            hooks.HomeItem(
                "exports",
                f"{entry.export}.{entry.format}",
                url=f"{log_url}?{urlencode({'export': entry.export})}",
                detail=" · ".join(
                    str(part)
                    for part in (entry.user.username if entry.user else "", entry.rows, entry.channel)
                    if part not in ("", None)
                ),
                when=entry.created_at,
            )
            for entry in latest
        ]
        if latest:
            items.append(hooks.HomeItem("exports", _("The whole export log"), url=log_url))
    return items


def home_context(user) -> tuple[str, dict]:
    """The template of the user's home and its sections, filled."""
    role = access.role_of(user)
    sites = list(PilotSite.objects.for_user(user)) if shows(user, "site") else []
    items = hooks.home_items.gather(user) + core_items(user, sites)
    sections = {key: Section(key, title, empty, [], figures) for key, title, empty, figures in SECTIONS[role]}
    for item in items:
        if item.section in sections:
            sections[item.section].items.append(item)
    if "changes" in sections:
        # The latest change of each record, newest first (a record saved five times is one line).
        latest = {}
        for item in sorted(sections["changes"].items, key=lambda item: item.when, reverse=True):
            latest.setdefault(item.url, item)
        sections["changes"].items = list(latest.values())[:CHANGES_SHOWN]
    for section in sections.values():
        section.items.sort(key=lambda item: not item.urgent)  # stable: urgent first, the providers' order kept
    return TEMPLATES[role], {"sections": list(sections.values()), "role": role, "sites": sites}
