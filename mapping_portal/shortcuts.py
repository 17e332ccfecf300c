"""What every view does the same way: refuse a user the policy refuses, fetch a record within the user's scope,
and tell the user why a form or a step was not accepted.

Records outside a user's scope answer 404 (the same as one that does not exist, so nothing is confirmed); a page
or an action the user's role may not use answers 403. The decisions themselves are `mapping_portal.access`'s.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.shortcuts import get_object_or_404

from mapping_portal.forms import ChangedMeanwhile


def require(allowed: bool) -> None:
    """403 unless the policy allows it: `require(access.can_manage_grants(request.user))`."""
    if not allowed:
        raise PermissionDenied


def get_for_user_or_404(queryset, user, **lookup):
    """The one record matching `lookup` among those `user` may see (`for_user`), or 404.

    `queryset` is a model, or a queryset of one (to add `select_related`, say): it is scoped here either way."""
    if isinstance(queryset, type) and issubclass(queryset, Model):
        queryset = queryset.objects.all()
    return get_object_or_404(queryset.for_user(user), **lookup)


def error_messages(request, source) -> None:
    """Show why something was not accepted, as messages on the next page.

    `source` is a bound form (each field's errors, prefixed by its label; the form's own errors as they are) or a
    ValidationError (each of its messages)."""
    if isinstance(source, ValidationError):
        for message in source.messages:
            messages.error(request, message)
        return
    for name, errors in source.errors.items():
        field = source.fields.get(name)
        text = " ".join(str(error) for error in errors)
        messages.error(request, f"{field.label}: {text}" if field is not None and field.label else text)


def save_posted(request, form):
    """The record a posted `VersionCheckedForm` saved, or None when the page is to be shown again: it was opened
    (not posted), the form has errors, or someone saved the record meanwhile (the form then says what differs)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return form.save_checked(request.user)
    except ChangedMeanwhile:
        return None
