"""The access policy: the one place that says who may see and do what (DESIGN.md §4).

Two kinds of answers live here:

* **Scopes** — given a user and a queryset, only the rows the user may see. Views fetch with
  ``get_object_or_404(Model.objects.for_user(user), ...)`` so that anything outside a user's
  scope answers 404 by construction, and lists, exports and map layers start from the same
  ``for_user``. Models get ``for_user`` by using ``SiteScopedQuerySet`` (or a subclass that
  adds rules of its own, e.g. what the public may see) — never by filtering inline.
* **Predicates** — named yes/no rules ("may this user export personal data?"). Views check them
  before acting; templates ask the same ones through ``{% may "name" obj as ok %}``.
"""

from django.db import models

from mapping_portal.roles import Role

PREDICATES = {}


def predicate(func):
    """Register a rule under its name (without the ``can_`` prefix) for templates to ask."""
    PREDICATES[func.__name__.removeprefix("can_")] = func
    return func


def role_of(user) -> str | None:
    """The user's role, or None for anonymous and deactivated users (they get the public view)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def is_project_staff(user) -> bool:
    """Admins and project staff: the people who enter and manage records."""
    return role_of(user) in {Role.ADMIN, Role.STAFF}


# --- Site scope -------------------------------------------------------------------------------


def site_scope_ids(user) -> set[int] | None:
    """The ids of the pilot sites a user works in; None means every site.

    Local authorities are bound to their own sites (none assigned = none seen). The other roles
    with no sites assigned see all sites; with sites assigned, only those. The public has no
    site scope at all (an empty set): what it may see is decided per model.
    """
    role = role_of(user)
    if role is None:
        return set()
    ids = _assigned_site_ids(user)
    if role == Role.LOCAL_AUTHORITY:
        return ids
    if role == Role.ADMIN:
        return None
    return ids or None


def _assigned_site_ids(user) -> set[int]:
    # Cached on the user object: one query per request, however many scopes a page asks for.
    if not hasattr(user, "_site_scope_ids"):
        user._site_scope_ids = set(user.sites.values_list("id", flat=True))
    return user._site_scope_ids


def sees_all_sites(user) -> bool:
    return site_scope_ids(user) is None


def scope_to_sites(queryset, user, site_lookup: str = "site"):
    """Restrict `queryset` to rows whose `site_lookup` is within the user's site scope."""
    ids = site_scope_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{site_lookup}__in": ids})


def can_see_site(user, site) -> bool:
    ids = site_scope_ids(user)
    return ids is None or site.pk in ids


class SiteScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a pilot site; `for_user` keeps those in the user's scope."""

    site_lookup = "site"

    def for_user(self, user):
        return scope_to_sites(self, user, self.site_lookup)


class PilotSiteQuerySet(SiteScopedQuerySet):
    site_lookup = "id"


# --- Predicates -------------------------------------------------------------------------------


@predicate
def can_use_admin(user) -> bool:
    """Only admins reach the Django admin (users, roles, reference data)."""
    return is_admin(user)


@predicate
def can_manage_reference_data(user) -> bool:
    return is_admin(user)


@predicate
def can_set_site_location(user, site=None) -> bool:
    """Placing a site's centre or loading its boundary changes reference data: admins only."""
    return is_admin(user)


@predicate
def can_manage_registry(user) -> bool:
    """Create and edit organizations, people, assessments, events (admins and project staff)."""
    return is_project_staff(user)


@predicate
def can_edit_record(user, record) -> bool:
    """Edit a registry record (organization, person): admins and staff, within their sites."""
    return can_manage_registry(user) and can_see_site(user, record.site)


@predicate
def can_merge_records(user) -> bool:
    """Merge two records of the same organization or person, and review possible duplicates: admins
    and staff (merging people touches personal data)."""
    return is_project_staff(user)


@predicate
def can_import_records(user) -> bool:
    """Import organizations and people from a spreadsheet: admins and staff (the files carry
    personal data)."""
    return is_project_staff(user)


@predicate
def can_view_funding_sources(user) -> bool:
    """An organization's funding sources are sensitive: admins and staff only."""
    return is_project_staff(user)


@predicate
def can_view_contacts(user) -> bool:
    """An organization's phone, email and address: signed-in roles, never the public."""
    return role_of(user) is not None


@predicate
def can_view_stakeholder_analysis(user) -> bool:
    """Influence, interest and stance are the project's own judgement of local actors: labelling an
    organization "resistant" could harm it if it travelled, so admins and staff only."""
    return is_project_staff(user)


@predicate
def can_view_network(user) -> bool:
    """Relationships between organizations (not personal): signed-in roles that read the registry."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.VIEWER}


@predicate
def can_view_assessments(user) -> bool:
    """Capacity assessments: staff and admins, local authorities and viewers (their sites); never the public."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.VIEWER}


@predicate
def can_view_personal_data(user) -> bool:
    """Phone, email, birth year, vulnerable-group categories, attendance names: admin and staff only."""
    return is_project_staff(user)


@predicate
def can_export(user) -> bool:
    """Exports without personal data: admins, staff and local authorities (their own sites)."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_export_personal_data(user) -> bool:
    """Exports containing personal data are for admins only, and every one is logged."""
    return is_admin(user)


@predicate
def can_view_site_workspace(user, site) -> bool:
    """The signed-in overview page of a pilot site."""
    return role_of(user) is not None and can_see_site(user, site)


# --- Dialogues: platforms, events, attendance (DESIGN.md §4 "events, attendance") ----------------


@predicate
def can_view_events(user) -> bool:
    """Dialogue platforms and events of a user's sites: admins, staff and local authorities (their own
    site). Viewers get aggregates only; reviewers and the public nothing."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_view_attendee_names(user) -> bool:
    """Who attended (names, and photos that show faces) is personal data: admins and staff only; local
    authorities see counts."""
    return can_view_personal_data(user)


@predicate
def can_view_dialogue_results(user) -> bool:
    """Counts of people reached and trained (disaggregated): every signed-in role but reviewers."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.VIEWER}


@predicate
def can_view_small_counts(user) -> bool:
    """Disaggregated counts under 5 could point at a person: shown as they are to admins and staff only,
    suppressed for everyone else."""
    return is_project_staff(user)


# --- Small grants: calls, applications, reviews, awards (DESIGN.md §4 "grants") --------------------------


@predicate
def can_view_grants(user) -> bool:
    """The grants pages: calls and their figures for every signed-in role (viewers read aggregates,
    reviewers their assignments); never the public."""
    return role_of(user) is not None


@predicate
def can_manage_grants(user) -> bool:
    """Create calls, enter applications, move them through the workflow, assign reviewers, award and pay:
    admins and staff."""
    return is_project_staff(user)


@predicate
def can_view_applications(user) -> bool:
    """The applications list: staff and admins (their sites), local authorities (their site's approved
    ones), reviewers (the ones assigned to them)."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.REVIEWER}


@predicate
def can_edit_application(user, application) -> bool:
    """Edit an application's texts and budget: admins and staff within their sites, while it is a draft."""
    return can_manage_grants(user) and can_see_site(user, application.site) and application.is_editable


@predicate
def can_view_applicant_contacts(user) -> bool:
    """Applicants' phone, email and year of birth: admins and staff; reviewers score without them."""
    return is_project_staff(user)


@predicate
def can_score_review(user, review) -> bool:
    """Declare and score a review: only the reviewer it is assigned to, until it is submitted or recused."""
    return role_of(user) == Role.REVIEWER and review.reviewer_id == user.pk and review.status in {"assigned", "scoring"}


@predicate
def can_view_review_results(user) -> bool:
    """Every reviewer's scores, averages, spread and the ranking of a call: admins and staff."""
    return is_project_staff(user)
