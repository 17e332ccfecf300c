"""Applicant accounts without the Django admin (DESIGN.md §3 "Small grants").

- From a person's page, staff within the person's site **invite** them: a user with the applicant role is created,
  linked to the person (`ApplicantAccount`), with no password, and emailed a one-time link to set one (Django's
  token, as in the password reset: mapping_portal.accounts). Or staff **link** an existing applicant user.
- A person **registers** on a public form: a waiting `ApplicantRegistration`, nothing else. Staff within its site
  **confirm** it — choosing the registry person or creating one from it — which invites them as above, or
  **refuse** it.

Invitations are throttled per address like the password reset (`Throttle`, the same limit and window) and logged;
every step is a row of the models' history (`_history_user`).
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import ApplicantAccount, ApplicantRegistration
from mapping_portal import access
from mapping_portal.accounts import Throttle, send_password_link, throttle_minutes
from mapping_portal.roles import Role
from stakeholders.models import Person

INVITATION_SUBJECT = "grants/email/invitation_subject.txt"
INVITATION_BODY = "grants/email/invitation_email.txt"
LANGUAGES = ("ky", "ru")
# What the person agreed to on the registration form, recorded on the person created from it (in the registry's
# language of record).
CONSENT_PURPOSE = "Чакан гранттарга катталуу / Регистрация для малых грантов"


def _check_person(user, person):
    if not access.can_manage_applicant_account_of(user, person):
        raise PermissionDenied
    if not person.is_active or person.merged_into_id:
        raise ValidationError(
            _("Choose an active person of the registry (not a merged or deactivated record)."), code="person"
        )


def _username_for(email) -> str:
    """A free username from the address's local part (``aigerim``, ``aigerim-2``…)."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0].lower())[:140] or "applicant"
    users = get_user_model().objects
    name, n = base, 1
    while users.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _throttle(email):
    if not Throttle("applicant-invite-email").allow(email):
        raise ValidationError(
            _("Too many invitations to this address: try again in %(minutes)s minutes."),
            params={"minutes": throttle_minutes()},
            code="throttled",
        )


@transaction.atomic
def invite(person, email, language, by, request) -> tuple[ApplicantAccount, bool]:
    """Create an applicant user for `person` with no password, link it, and email the link to set one. Returns the
    account and whether the email went out (a mail server down keeps the account: send it again later)."""
    _check_person(by, person)
    email = email.strip()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("This email address already belongs to a user: link that user instead."), code="email_taken"
        )
    _throttle(email)
    user = get_user_model()(
        username=_username_for(email),
        email=email,
        first_name=person.full_name[:150],
        role=Role.APPLICANT,
        preferred_language=language if language in LANGUAGES else "ky",
    )
    user.set_unusable_password()
    user._history_user = by
    user.save()
    account = ApplicantAccount(user=user, person=person, invited_at=timezone.now(), invited_by=by)
    account._history_user = by
    account.save()
    return account, _send(account, request)


def _send(account, request) -> bool:
    user = account.user
    return send_password_link(
        user, request, user.preferred_language, INVITATION_SUBJECT, INVITATION_BODY, person=account.person
    )


@transaction.atomic
def invite_again(account, by, request) -> bool:
    """A new link for an account whose password was never set (once it is, "Forgot your password?" serves)."""
    account = ApplicantAccount.objects.select_for_update().select_related("user", "person__site").get(pk=account.pk)
    _check_person(by, account.person)
    if account.user.has_usable_password():
        raise ValidationError(
            _("This account already has its password: the person can use “Forgot your password?”."), code="has_password"
        )
    if not account.user.is_active:
        raise ValidationError(_("This account is deactivated."), code="inactive")
    _throttle(account.user.email)
    account.invited_at, account.invited_by = timezone.now(), by
    account._history_user = by
    account.save()
    return _send(account, request)


@transaction.atomic
def link(person, user, by) -> ApplicantAccount:
    """Link an existing applicant user (with no link yet) to `person`."""
    _check_person(by, person)
    if not access.is_applicant(user):
        raise ValidationError(_("Only an active user with the role “grant applicant” can be linked."), code="role")
    if ApplicantAccount.objects.filter(user=user).exists():
        raise ValidationError(_("This user is already linked to a person."), code="linked")
    account = ApplicantAccount(user=user, person=person)
    account._history_user = by
    account.save()
    return account


def register(form, language) -> ApplicantRegistration:
    """Keep a registration from the public form (a valid `ApplicantRegistrationForm`), waiting for staff."""
    registration = form.save(commit=False)
    registration.language = language if language in LANGUAGES else "ky"
    registration.save()
    return registration


def _locked_waiting(registration, by) -> ApplicantRegistration:
    try:
        locked = ApplicantRegistration.objects.for_user(by).select_for_update().get(pk=registration.pk)
    except ApplicantRegistration.DoesNotExist:
        raise PermissionDenied from None
    if locked.status != ApplicantRegistration.Status.WAITING:
        raise ValidationError(
            _("This registration was already decided: it is “%(status)s”."),
            params={"status": locked.get_status_display()},
            code="decided",
        )
    return locked


@transaction.atomic
def confirm(registration, by, request, *, person=None, sex="") -> tuple[ApplicantAccount, bool]:
    """Link the registration to `person` (one of the registry, in `by`'s scope) or, without one, to a person created
    from it (`sex` needed), and invite them. Returns the account and whether the email went out."""
    locked = _locked_waiting(registration, by)
    if person is None:
        if sex not in {"female", "male"}:
            raise ValidationError(_("Choose the person's sex to create their record."), code="sex")
        person = Person(
            full_name=locked.full_name,
            sex=sex,
            phone=locked.phone,
            email=locked.email,
            site=locked.site,
            consent_date=timezone.localdate(locked.created_at),
            consent_purpose=CONSENT_PURPOSE,
            consent_recorded_by=by,
        )
        person._history_user = by
        person.save()
    elif not Person.objects.for_user(by).filter(pk=person.pk, site=locked.site_id).exists():
        raise ValidationError(_("Choose a person of the registration's pilot site."), code="person_site")
    account, sent = invite(person, locked.email, locked.language, by, request)
    locked.status, locked.decided_by, locked.decided_at, locked.account = (
        ApplicantRegistration.Status.CONFIRMED,
        by,
        timezone.now(),
        account,
    )
    locked._history_user = by
    locked.save()
    return account, sent


@transaction.atomic
def refuse(registration, by) -> ApplicantRegistration:
    locked = _locked_waiting(registration, by)
    locked.status, locked.decided_by, locked.decided_at = ApplicantRegistration.Status.REFUSED, by, timezone.now()
    locked._history_user = by
    locked.save()
    return locked
