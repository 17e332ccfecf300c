"""A training's knowledge check: staff and admins enter the maximum score and each participant's score before
and after (or, without names, how many scored in each band); local authorities of the site read the change and
the distribution, without names. The figures are `dialogues.outcomes.knowledge_change`'s."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dialogues.forms import KnowledgeCheckForm
from dialogues.models import BAND_COUNT, AttendanceRole, Event, EventKind, band_scores
from dialogues.models.outcomes import band_label
from dialogues.outcomes import knowledge_change, shown_change
from mapping_portal import access, suppression
from mapping_portal.shortcuts import get_for_user_or_404, require


@login_required
def knowledge_check(request, pk):
    user = request.user
    event = get_for_user_or_404(Event.objects.select_related("site", "knowledge_check"), user, pk=pk)
    if event.kind != EventKind.TRAINING:
        raise Http404
    attendances = event.attendances.filter(role=AttendanceRole.PARTICIPANT).order_by("person__sort_key", "id")
    if not access.can_edit_record(user, event):
        # Local authorities: the change and the distribution, never a name nor a form.
        require(request.method == "GET")
        suppressing = not access.can_view_small_counts(user)
        context = {
            "event": event,
            "change": shown_change(knowledge_change(Event.objects.filter(pk=event.pk)), suppressing),
            "distribution": _distribution(event, attendances, suppressing),
        }
        return render(request, "dialogues/knowledge_check.html", context)
    form = KnowledgeCheckForm(request.POST or None, event=event, attendances=attendances.select_related("person"))
    if request.method == "POST" and form.is_valid() and form.save(user):
        messages.success(request, _("The knowledge check was saved."))
        return redirect("dialogues:event-detail", pk=event.pk)
    return render(request, "dialogues/knowledge_check.html", {"event": event, "form": form})


def _distribution(event, attendances, suppressing):
    """[(band label, people before, people after)]: the named scores put in bands, plus the anonymous counts."""
    check = getattr(event, "knowledge_check", None)
    if check is None:
        return []
    before, after = [0] * BAND_COUNT, [0] * BAND_COUNT
    bands = [band_scores(check.max_score, band) for band in range(BAND_COUNT)]

    def band_of(score):
        return next((band for band, scores in enumerate(bands) if scores and scores[0] <= score <= scores[1]), None)

    for pre, post in attendances.values_list("pre_score", "post_score"):
        for score, counts in ((pre, before), (post, after)):
            band = band_of(score) if score is not None else None
            if band is not None:
                counts[band] += 1
    for band, count in enumerate(check.before_bands):
        before[band] += count
    for band, count in enumerate(check.after_bands):
        after[band] += count
    if suppressing:
        before, after = suppression.breakdown(before), suppression.breakdown(after)
    return [(band_label(band), before[band], after[band]) for band in range(BAND_COUNT) if bands[band]]
