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


def is_public(user) -> bool:
    """Nobody signed in (or a deactivated account): the public view."""
    return role_of(user) is None


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def is_project_staff(user) -> bool:
    """Admins and project staff: the people who enter and manage records."""
    return role_of(user) in {Role.ADMIN, Role.STAFF}


def is_reviewer(user) -> bool:
    """A grant reviewer: reads the applications assigned to them (and their organizations), nothing else."""
    return role_of(user) == Role.REVIEWER


def is_applicant(user) -> bool:
    """A grant applicant's team with an account: outside the project, it sees its own applications and nothing
    else a signed-in role sees (no site scope, no registry, no contacts)."""
    return role_of(user) == Role.APPLICANT


def applicant_person_id(user) -> int | None:
    """The registry person an applicant's account speaks for, or None (any other user, or no link yet).

    The link is `grants.ApplicantAccount` (`user.applicant_account`), read through the relation so that the core
    does not import grants; cached on the user object (one query per request).
    """
    if not is_applicant(user):
        return None
    if not hasattr(user, "_applicant_person_id"):
        account = getattr(user, "applicant_account", None)
        user._applicant_person_id = account.person_id if account is not None else None
    return user._applicant_person_id


# --- Site scope -------------------------------------------------------------------------------


def site_scope_ids(user) -> set[int] | None:
    """The ids of the pilot sites a user works in; None means every site.

    Local authorities are bound to their own sites (none assigned = none seen). The other project
    roles with no sites assigned see all sites; with sites assigned, only those. The public and
    applicants have no site scope at all (an empty set): what they may see is decided per model
    (applicants: their own applications, and the calls of their person's site).
    """
    role = role_of(user)
    if role is None or role == Role.APPLICANT:
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


def site_scope_within(user, site) -> set[int] | None:
    """The user's site scope narrowed to one chosen site (None: no site chosen): that site if the user sees it,
    no site at all otherwise. None still means every site."""
    ids = site_scope_ids(user)
    if site is None:
        return ids
    return {site.pk} if ids is None or site.pk in ids else set()


class SiteScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a pilot site; `for_user` keeps those in the user's scope."""

    site_lookup = "site"

    def for_user(self, user):
        return scope_to_sites(self, user, self.site_lookup)


class PilotSiteQuerySet(SiteScopedQuerySet):
    site_lookup = "id"


class _System:
    """Who a management command acts as when it is run without a user (`import_stakeholders` without --user): an
    administrator's scope and rights — every site — with nobody recorded in the history. Not a user: it cannot
    sign in, and nothing stores it (the command records no user)."""

    is_authenticated = True
    is_active = True
    role = Role.ADMIN
    _site_scope_ids = frozenset()  # no sites assigned (an administrator sees every site)

    def __str__(self):
        return "system"


SYSTEM = _System()


# --- Predicates -------------------------------------------------------------------------------


@predicate
def can_use_admin(user) -> bool:
    """Only admins reach the Django admin (users, roles, reference data)."""
    return is_admin(user)


@predicate
def can_send_password_reset(user) -> bool:
    """Only admins send other users a password-reset link (the user list of the Django admin)."""
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
    """An organization's phone, email and address: the project's signed-in roles, never the public nor
    applicants."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.REVIEWER, Role.VIEWER}


@predicate
def can_browse_registry(user) -> bool:
    """The organization list (and the menu's link to it): the public (organizations that consented) and the
    project's roles. Not applicants: their account opens their own applications only."""
    return not is_applicant(user)


@predicate
def can_view_record_status(user) -> bool:
    """Whether an organization consented to public listing, needs validation or was deactivated (the list's
    status and its filters): the project's signed-in roles. The public sees only active, consented
    organizations, so these say nothing to it, and "needs validation" is the project's own bookkeeping."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.REVIEWER, Role.VIEWER}


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
def can_view_history(user) -> bool:
    """A record's history field by field (old and new values, who changed them), on the pages of organizations,
    people, assessments, reviews and awards: admins and staff, for the records in their scope. Not reviewers, even
    of their own review (DESIGN.md §4 gives them their assignments to score, not the audit trail, which names
    others), nor local authorities or viewers (they read records, not who changed them)."""
    return is_project_staff(user)


@predicate
def can_view_all_changes(user) -> bool:
    """The recent changes across every kind of record, with names and personal data: admins only."""
    return is_admin(user)


@predicate
def can_export(user) -> bool:
    """Exports without personal data: admins, staff and local authorities (their own sites)."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_export_personal_data(user) -> bool:
    """Exports containing personal data are for admins only, and every one is logged."""
    return is_admin(user)


@predicate
def can_export_aggregates(user) -> bool:
    """Exports of figures that name nobody, small cells suppressed as the page shows them (the results): those who
    export, and viewers (DESIGN.md §4: viewers export aggregates)."""
    return can_export(user) or role_of(user) == Role.VIEWER


@predicate
def can_run_jobs(user) -> bool:
    """Background jobs (big downloads, imports, searches): any signed-in role may have them, each sees only its own
    (`Job.objects.for_user`); what a job makes is decided by the page that started it, as that user."""
    return not is_public(user)


@predicate
def can_view_export_log(user) -> bool:
    """The export log (who exported what, when, with which filters): admins only; everyone else gets a 404."""
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
    """Counts of people reached and trained (disaggregated): admins, staff, local authorities and viewers (not
    reviewers, who score applications, nor applicants, who see their own applications only)."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.VIEWER}


@predicate
def can_view_small_counts(user) -> bool:
    """Disaggregated counts under 5 could point at a person: shown as they are to admins and staff only,
    suppressed for everyone else."""
    return is_project_staff(user)


# --- Results and reports (DESIGN.md §3 "Results and reports") ------------------------------------------------


@predicate
def can_view_results(user) -> bool:
    """The results framework and the donor report: aggregates, so everyone who reads counts of people (admins,
    staff, local authorities for their sites, viewers); small cells suppressed as can_view_small_counts says."""
    return can_view_dialogue_results(user)


@predicate
def can_edit_results_framework(user) -> bool:
    """Indicators, targets and the programme's dates: admins only (DESIGN.md §3: "Targets are editable by
    admins")."""
    return is_admin(user)


# --- Small grants: calls, applications, reviews, awards (DESIGN.md §4 "grants") --------------------------


@predicate
def can_view_grants(user) -> bool:
    """The grants pages: calls for every signed-in role (viewers read aggregates, reviewers their assignments,
    applicants the open calls of their site that take applications online); never the public."""
    return role_of(user) is not None


@predicate
def can_view_staff_names(user) -> bool:
    """Who decided an award (a staff member's username): the project's own roles and the local authorities.
    Applicants read only when: a name could expose a colleague to pressure."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_view_grant_figures(user) -> bool:
    """A call's envelope, awarded, paid and remaining: every role that reads grants but applicants (the other
    applicants' awards are not theirs to see)."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.REVIEWER, Role.VIEWER}


@predicate
def can_manage_grants(user) -> bool:
    """Create calls, enter applications, move them through the workflow, assign reviewers, award and pay:
    admins and staff."""
    return is_project_staff(user)


@predicate
def can_manage_application(user, application) -> bool:
    """Manage one application (its workflow, reviewers, award, tranches and reports): admins and staff, within
    the application's site."""
    return can_manage_grants(user) and can_see_site(user, application.site)


@predicate
def can_manage_applicant_accounts(user) -> bool:
    """Give people an applicant account — invite them from their page, link an existing applicant user, confirm or
    refuse a registration — and see the registrations waiting: admins and staff, within their sites (a person's
    or a registration's site: `can_manage_applicant_account_of`, `ApplicantRegistration.objects.for_user`)."""
    return can_manage_grants(user) and can_view_personal_data(user)


@predicate
def can_manage_applicant_account_of(user, person) -> bool:
    """The applicant account of one registry person: admins and staff within the person's site."""
    return can_manage_applicant_accounts(user) and can_see_site(user, person.site)


@predicate
def can_view_applications(user) -> bool:
    """The applications list: staff and admins (their sites), local authorities (their site's approved
    ones), reviewers (the ones assigned to them), applicants (their own: lead applicant or team member)."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.REVIEWER, Role.APPLICANT}


def is_own_application(user, application) -> bool:
    """The application's lead applicant is the person the applicant's account speaks for. (Team members with an
    account read the application; the lead applicant acts for the team.)"""
    person_id = applicant_person_id(user)
    return person_id is not None and application.lead_applicant_id == person_id


@predicate
def can_apply_online(user, call) -> bool:
    """Start an application online: applicants, to a call that takes applications online now (the call's site is
    their person's: `GrantCall.objects.for_user`)."""
    return is_applicant(user) and applicant_person_id(user) is not None and call.takes_online_applications()


@predicate
def can_edit_application(user, application) -> bool:
    """Edit an application's texts and budget while it is a draft: admins and staff within their sites; the lead
    applicant's account, while the call takes applications online."""
    if not application.is_editable:
        return False
    if can_manage_grants(user):
        return can_manage_application(user, application)
    return is_own_application(user, application) and application.call.takes_online_applications()


@predicate
def can_submit_own_application(user, application) -> bool:
    """The lead applicant's account submits its draft while the call takes applications online."""
    return is_own_application(user, application) and application.call.takes_online_applications()


@predicate
def can_withdraw_own_application(user, application) -> bool:
    """The lead applicant's account withdraws its application, if the call takes applications online (a paper
    application is withdrawn through staff)."""
    return is_own_application(user, application) and application.call.accepts_online_applications


@predicate
def can_attach_documents(user, application) -> bool:
    """Attach a document: admins and staff within their sites (at any step), the lead applicant's account while
    it may edit the draft."""
    if can_manage_grants(user):
        return can_manage_application(user, application)
    return can_edit_application(user, application)


@predicate
def can_view_application_documents(user) -> bool:
    """The attachments of the applications in a user's scope: admins and staff, applicants (their own), and
    reviewers (the applications assigned to them and not recused from — the documents are what they score)."""
    return is_project_staff(user) or is_applicant(user) or can_review_applications(user)


@predicate
def can_view_report_photos(user) -> bool:
    """The photos of grant reports show people: admins and staff, for the applications in their scope
    (`ReportPhoto.objects.for_user`)."""
    return is_project_staff(user)


@predicate
def can_view_applicant_names(user) -> bool:
    """The names of an application's lead applicant and team members, and the team as the applicants wrote it:
    admins and staff, reviewers (the applications assigned to them), applicants (their own). Local authorities read
    their site's awards — project, organization, settlement, amounts, progress — with the people as a count only
    (DESIGN.md §4); viewers read aggregates."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.REVIEWER, Role.APPLICANT}


@predicate
def can_view_applicant_contacts(user) -> bool:
    """Applicants' phone, email and year of birth: admins and staff; reviewers score without them."""
    return is_project_staff(user)


@predicate
def can_review_applications(user) -> bool:
    """Review the applications assigned to them — declare, score, recommend — and read those applications: grant
    reviewers (`Review.objects.assigned_to`)."""
    return role_of(user) == Role.REVIEWER


def reviewers(users):
    """Of a queryset of users, those `can_review_applications` says yes to (active grant reviewers): the ones staff
    may assign to an application."""
    return users.filter(role=Role.REVIEWER, is_active=True)


@predicate
def can_score_review(user, review) -> bool:
    """Declare and score a review: only the reviewer it is assigned to, until it is submitted or recused."""
    return can_review_applications(user) and review.reviewer_id == user.pk and review.status in {"assigned", "scoring"}


@predicate
def can_view_awards_on_map(user) -> bool:
    """Awards one by one on the map: admins and staff (their sites) and local authorities (their sites' awards).
    Viewers read aggregates only, reviewers score their assignments, applicants and the public see no grants there
    (DESIGN.md §4)."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_view_review_results(user) -> bool:
    """Every reviewer's scores, averages, spread and the ranking of a call: admins and staff."""
    return is_project_staff(user)


# --- Conflict-prevention plans (DESIGN.md §4 "plans") ------------------------------------------------------
# Explicit role sets only: a role added later (e.g. grant applicants) sees no plan until it is named here.


@predicate
def can_view_plans(user) -> bool:
    """The plans pages: admins and staff (their sites), local authorities (their own sites), viewers (approved
    plans, to read: `ConflictPreventionPlan.objects.for_user`). Reviewers and the public: nothing."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY, Role.VIEWER}


@predicate
def can_view_unapproved_plans(user) -> bool:
    """Plans in every status (drafts, under review, sent back): admins and staff (their sites) and local
    authorities (their own sites). Viewers read approved plans only."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_draft_plans(user) -> bool:
    """Start a plan, edit a draft (or one sent back with changes requested), open a new version of an approved
    one: admins, staff and local authorities, within their sites."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_comment_on_plans(user) -> bool:
    """Review comments (add, resolve), the status changes and the comparison of versions: the roles that draft,
    facilitate or review plans; viewers read approved plans without the review."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_facilitate_plans(user) -> bool:
    """Submit a plan for review (and resubmit it), start and complete its implementation: admins and staff (the
    project facilitates and tracks; the local authority reviews)."""
    return is_project_staff(user)


@predicate
def can_review_plans(user) -> bool:
    """Request changes to a submitted plan or approve it: the local authorities of its site, and admins."""
    return role_of(user) in {Role.ADMIN, Role.LOCAL_AUTHORITY}


@predicate
def can_track_plan_actions(user) -> bool:
    """Record an approved plan's progress (action status, money spent, dated notes): admins, staff and the local
    authorities of its site."""
    return role_of(user) in {Role.ADMIN, Role.STAFF, Role.LOCAL_AUTHORITY}


@predicate
def can_draft_plan(user, plan) -> bool:
    """Work on this plan as its drafter (edit it while editable, open a new version once approved): who drafts
    plans, within the plan's site."""
    return can_draft_plans(user) and can_see_site(user, plan.site)


@predicate
def can_edit_plan(user, plan) -> bool:
    """Edit a plan's content (fields, risks, actions): who drafts plans, within their sites, while it is a draft
    or changes were requested. Nobody edits a submitted or approved plan."""
    return can_draft_plan(user, plan) and plan.is_editable


@predicate
def can_track_plan(user, plan) -> bool:
    """Record this plan's progress (once it is approved): who tracks plan actions, within the plan's site."""
    return can_track_plan_actions(user) and can_see_site(user, plan.site)
