"""Password reset: Django's flow under /<language>/accounts/, in the reader's language, throttled, never telling
whether an address has an account.

- `PasswordResetView` takes an address and always answers with the same "check your email" page. Active users with
  a usable password and that address get a link (inactive users and users without a password get nothing).
- Requests are counted per address and per client IP in the shared "throttle" cache: at most
  `PASSWORD_RESET_LIMIT` each in `PASSWORD_RESET_WINDOW` seconds; the next one gets a 429 page.
- The email (subject, body and the link's language prefix) is in the language of the page the request came from;
  a link sent by an administrator (`send_reset_links`, the user list's action) is in the user's preferred language.
- Setting a new password clears the account's failed sign-ins (django-axes), so the new password works at once.
- The same token, throttle and log serve other "set your password" emails: an applicant's invitation
  (grants.accounts) is `send_password_link` with its own templates, to a user who has no password yet.
"""

import hashlib
import logging
import time

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import caches
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import render
from django.template import loader
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

logger = logging.getLogger(__name__)

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
BODY_TEMPLATE = "registration/password_reset_email.txt"


def send_reset_link(user, request, language) -> bool:
    """Email `user` a one-time link to set a new password, in `language`; False when it could not be sent."""
    if not user.has_usable_password():
        return False
    return send_password_link(user, request, language, SUBJECT_TEMPLATE, BODY_TEMPLATE)


def send_password_link(user, request, language, subject_template, body_template, **extra) -> bool:
    """Email `user` a one-time link to set their password (Django's token: it stops working once the password is
    set, or after PASSWORD_RESET_TIMEOUT), in `language`, with the subject and body templates given (a reset, an
    invitation: `extra` is added to their context); False when it could not be sent (no address, an inactive user,
    the mail server down — logged)."""
    if not user.email or not user.is_active:
        return False
    with translation.override(language):
        context = {
            "user": user,
            "protocol": request.scheme,
            "domain": request.get_host(),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            **extra,
        }
        subject = "".join(loader.render_to_string(subject_template, context).splitlines())
        body = loader.render_to_string(body_template, context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    try:
        message.send()
    except Exception:  # a mail server down must not become a 500, nor tell the asker anything
        logger.exception("Could not send a password email (%s) to user %s", body_template, user.pk)
        return False
    logger.info("Password email (%s) sent to user %s", body_template, user.pk)
    return True


def send_reset_links(users, request) -> int:
    """Send each user a link in their preferred language; the number sent."""
    return sum(send_reset_link(user, request, user.preferred_language) for user in users)


class PortalPasswordResetForm(PasswordResetForm):
    def save(self, request=None, **kwargs):
        # Django's save() renders in the active language too, but mails through its own templates and the
        # Sites framework; ours names the page's host and the reader's language.
        language = translation.get_language()
        for user in self.get_users(self.cleaned_data["email"]):
            send_reset_link(user, request, language)


class Throttle:
    """At most `limit` events per key in a sliding window of `window` seconds, counted in the shared cache."""

    def __init__(self, scope, limit=None, window=None):
        self.scope = scope
        self.limit = settings.PASSWORD_RESET_LIMIT if limit is None else limit
        self.window = settings.PASSWORD_RESET_WINDOW if window is None else window

    def _key(self, value):
        digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()  # no address stored in clear
        return f"throttle:{self.scope}:{digest}"

    def allow(self, value) -> bool:
        """Count one event for `value`; False (and not counted) once the window already holds `limit` of them."""
        cache = caches["throttle"]
        key, now = self._key(value), time.time()
        recent = [moment for moment in cache.get(key, []) if moment > now - self.window]
        if len(recent) >= self.limit:
            return False
        cache.set(key, [*recent, now], timeout=self.window)
        return True


def throttle_minutes() -> int:
    return max(1, settings.PASSWORD_RESET_WINDOW // 60)


def throttled(request):
    """The answer to one request too many: a page in the reader's language, 429, with when to try again."""
    minutes = throttle_minutes()
    response = render(request, "registration/password_reset_throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(settings.PASSWORD_RESET_WINDOW)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Only well-formed requests count (a mistyped address costs nothing); the IP first, so that one
        # connection trying many addresses is held back before any of them is counted.
        ip = get_client_ip_address(self.request) or "unknown"
        if not Throttle("password-reset-ip").allow(ip) or not Throttle("password-reset-email").allow(
            form.cleaned_data["email"]
        ):
            return throttled(self.request)
        form.save(request=self.request)
        return super(auth_views.PasswordResetView, self).form_valid(form)  # FormView: on to the "done" page


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A forgotten password usually came with failed sign-ins: they must not lock out the new one.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
