"""An event's follow-up actions: added on the event's profile, their status changed there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogues.forms import ActionStatusForm, FollowUpActionForm
from dialogues.models import FollowUpAction
from dialogues.views.events import editable_event
from mapping_portal.shortcuts import error_messages


@login_required
@require_POST
def action_add(request, pk):
    event = editable_event(request, pk)
    form = FollowUpActionForm(request.POST, instance=FollowUpAction(event=event), user=request.user, event=event)
    if form.is_valid():
        form.save()
        messages.success(request, _("The follow-up action was added."))
    else:
        error_messages(request, form)
    return redirect("dialogues:event-detail", pk=event.pk)


@login_required
@require_POST
def action_status(request, pk, action_pk):
    event = editable_event(request, pk)
    action = get_object_or_404(event.actions, pk=action_pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        action.status = form.cleaned_data["status"]
        action._history_user = request.user
        action.save()
        messages.success(request, _("The status of the follow-up action was changed."))
    else:
        messages.error(request, _("Choose one of the statuses offered."))
    return redirect("dialogues:event-detail", pk=event.pk)
