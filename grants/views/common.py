"""What the grants pages share."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied


def require(allowed):
    if not allowed:
        raise PermissionDenied


def form_errors(request, form):
    """A form posted from a page that shows no form (a button, a small box): each error as a message."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
