"""Applicant accounts: the section of a person's page (invite, link, invite again), the public registration form,
and the registrations waiting for staff (confirm the registry person, or refuse). The rules are grants.accounts'."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants import accounts
from grants.forms import (
    ApplicantRegistrationForm,
    ConfirmRegistrationForm,
    InviteApplicantForm,
    LinkApplicantForm,
)
from grants.models import ApplicantAccount, ApplicantRegistration
from mapping_portal import access
from mapping_portal.accounts import Throttle, throttled
from mapping_portal.shortcuts import error_messages, get_for_user_or_404, require
from stakeholders.duplicates import similar_people
from stakeholders.models import Person


def _person_for(request, pk) -> Person:
    """The person of the page, in the user's scope (404 otherwise), for someone who manages their account (403)."""
    require(access.can_manage_applicant_accounts(request.user))
    person = get_for_user_or_404(Person.objects.select_related("site"), request.user, pk=pk)
    require(access.can_manage_applicant_account_of(request.user, person))
    return person


def _invitation_messages(request, account, sent):
    if sent:
        messages.success(
            request,
            _("The invitation was sent to %(email)s: the link to set the password works once.")
            % {"email": account.user.email},
        )
    else:
        messages.warning(
            request, _("The account is ready but the email could not be sent: send the invitation again later.")
        )


def _to_person(person):
    return redirect("stakeholders:person-detail", pk=person.pk)


@login_required
@require_POST
def account_invite(request, person_pk):
    person = _person_for(request, person_pk)
    form = InviteApplicantForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return _to_person(person)
    try:
        account, sent = accounts.invite(
            person, form.cleaned_data["email"], form.cleaned_data["language"], request.user, request
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        _invitation_messages(request, account, sent)
    return _to_person(person)


@login_required
@require_POST
def account_link(request, person_pk):
    person = _person_for(request, person_pk)
    form = LinkApplicantForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return _to_person(person)
    try:
        account = accounts.link(person, form.cleaned_data["user"], request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request, _("%(username)s is now linked to this person.") % {"username": account.user.get_username()}
        )
    return _to_person(person)


@login_required
@require_POST
def account_invite_again(request, pk):
    require(access.can_manage_applicant_accounts(request.user))
    account = get_object_or_404(
        ApplicantAccount.objects.select_related("user", "person__site").filter(
            person__in=Person.objects.for_user(request.user)
        ),
        pk=pk,
    )
    try:
        sent = accounts.invite_again(account, request.user, request)
    except ValidationError as error:
        error_messages(request, error)
    else:
        _invitation_messages(request, account, sent)
    return _to_person(account.person)


def register(request):
    """The public form: anyone may ask for an applicant account; staff confirm it. Throttled like the password
    reset (per address and per client IP); the answer is the same page whatever happened next."""
    if request.user.is_authenticated:
        return redirect("home")
    form = ApplicantRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = get_client_ip_address(request) or "unknown"
        if not Throttle("applicant-register-ip").allow(ip) or not Throttle("applicant-register-email").allow(
            form.cleaned_data["email"]
        ):
            return throttled(request)
        accounts.register(form, translation.get_language())
        return redirect("grants:applicant-register-done")
    return render(request, "grants/register_form.html", {"form": form})


def register_done(request):
    return render(request, "grants/register_done.html")


def registrations():
    return ApplicantRegistration.objects.select_related("site")


@login_required
def registration_list(request):
    """The registrations waiting for staff in their sites (oldest first), and the latest decided."""
    require(access.can_manage_applicant_accounts(request.user))
    scoped = registrations().for_user(request.user)
    waiting = scoped.filter(status=ApplicantRegistration.Status.WAITING)
    decided = (
        scoped.exclude(status=ApplicantRegistration.Status.WAITING)
        .select_related("decided_by", "account__person")
        .order_by("-decided_at", "-id")[:20]
    )
    return render(request, "grants/registration_list.html", {"waiting": waiting, "decided": decided})


def _candidates(user, registration):
    return similar_people(Person.objects.for_user(user), registration.full_name, site=registration.site)


@login_required
def registration_detail(request, pk):
    """One registration: what the person wrote, the people of the registry like them, confirm or refuse."""
    require(access.can_manage_applicant_accounts(request.user))
    registration = get_for_user_or_404(
        registrations().select_related("decided_by", "account__person", "account__user"), request.user, pk=pk
    )
    waiting = registration.status == ApplicantRegistration.Status.WAITING
    candidates = _candidates(request.user, registration) if waiting else []
    form = ConfirmRegistrationForm(request.POST or None, candidates=candidates) if waiting else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            account, sent = accounts.confirm(
                registration,
                request.user,
                request,
                person=form.cleaned_data["person_obj"],
                sex=form.cleaned_data.get("sex", ""),
            )
        except ValidationError as error:
            error_messages(request, error)
            return redirect("grants:registration-detail", pk=registration.pk)
        _invitation_messages(request, account, sent)
        return redirect("stakeholders:person-detail", pk=account.person_id)
    history = registration.history.select_related("history_user").order_by("history_date")[:50]
    return render(
        request,
        "grants/registration_detail.html",
        {"registration": registration, "form": form, "history": history},
    )


@login_required
@require_POST
def registration_refuse(request, pk):
    require(access.can_manage_applicant_accounts(request.user))
    registration = get_for_user_or_404(ApplicantRegistration, request.user, pk=pk)
    try:
        accounts.refuse(registration, request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The registration of %(name)s was refused.") % {"name": registration.full_name})
    return redirect("grants:registration-list")
