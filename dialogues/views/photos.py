"""An event's photos: added and removed on the event's profile (seen by those who may see the attendees' names)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogues.forms import PhotoForm
from dialogues.views.events import editable_event
from mapping_portal.shortcuts import error_messages


@login_required
@require_POST
def photo_add(request, pk):
    event = editable_event(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        photo = form.save(commit=False)
        photo.event, photo.uploaded_by = event, request.user
        photo.save()
        messages.success(request, _("The photo was added."))
    else:
        error_messages(request, form)
    return redirect("dialogues:event-detail", pk=event.pk)


@login_required
@require_POST
def photo_remove(request, pk, photo_pk):
    event = editable_event(request, pk)
    photo = get_object_or_404(event.photos, pk=photo_pk)
    photo.image.delete(save=False)
    photo.thumbnail.delete(save=False)
    photo.delete()
    messages.success(request, _("The photo was removed."))
    return redirect("dialogues:event-detail", pk=event.pk)
