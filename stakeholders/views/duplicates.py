"""Possible duplicates and merges: the per-site list of look-alike pairs, the side-by-side comparison
where staff choose what the kept record says, the merge itself (stakeholders.merging), and the record
of each merge. Admins and staff only: merging touches personal data and rewrites links."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mapping_portal import access, jobs
from mapping_portal.forms import BootstrapFormMixin, QueryForm, posted_id, site_field
from mapping_portal.jobs.models import Job
from mapping_portal.models import PageVisit, PilotSite
from mapping_portal.shortcuts import require
from stakeholders import merging
from stakeholders.duplicates import SCAN_BATCH, candidate_pairs, pending_count, refresh_candidates, similar_people
from stakeholders.models import (
    DistinctPair,
    DuplicateCandidate,
    Organization,
    OrganizationMerge,
    Person,
    PersonMerge,
    RecordKind,
)
from stakeholders.views.registry import SimilarQuery

KINDS = {
    "organizations": (RecordKind.ORGANIZATION, Organization),
    "people": (RecordKind.PERSON, Person),
}
# A backlog of more than this many batches is compared in the background.
BACKGROUND_BATCHES = 4
MERGE_URLS = {Organization: "stakeholders:organization-merge", Person: "stakeholders:person-merge"}
DETAIL_URLS = {Organization: "stakeholders:organization-detail", Person: "stakeholders:person-detail"}


def _scoped(model, user):
    queryset = model.objects.for_user(user).select_related("site", "settlement")
    return queryset.select_related("type") if model is Organization else queryset


@login_required
def duplicate_list(request):
    """A site's pairs of organizations (or people) whose names look alike, best first."""
    require(access.can_merge_records(request.user))
    sites = PilotSite.objects.for_user(request.user)
    kinds = forms.ChoiceField(choices=[(code, code) for code in KINDS], required=False, label=_("Records"))
    query = QueryForm(request.GET, fields={"kind": kinds, "site": site_field(sites)})
    kind_name = query.get("kind", "organizations")
    kind, model = KINDS[kind_name]
    site = query.get("site") or sites.first()
    waiting = pending_count(kind, site) if site else 0
    background = _compare_in_background(request.user, kind_name, site, waiting) if site else None
    # The home counts the possible duplicates found after this visit as new (mapping_portal.homes).
    PageVisit.record(request.user, "duplicates", DuplicateCandidate.objects.aggregate(last=Max("id"))["last"])
    pairs = candidate_pairs(kind, site, model.objects.for_user(request.user)) if site else []
    page = Paginator(pairs, 25).get_page(request.GET.get("page"))
    page.query_without_page = f"kind={kind_name}&site={site.slug}" if site else ""
    ids = {pk for pair in page for pk in (pair.first_id, pair.second_id)}
    records = _scoped(model, request.user).in_bulk(ids)
    rows = [
        ((records[pair.first_id], records[pair.second_id]), pair.score)
        for pair in page
        if pair.first_id in records and pair.second_id in records
    ]
    return render(
        request,
        "stakeholders/duplicate_list.html",
        {
            "query_form": query,
            "sites": sites,
            "site": site,
            "kind": kind_name,
            "kinds": [("organizations", _("Organizations")), ("people", _("People"))],
            "page": page,
            "rows": rows,
            "waiting": waiting,
            "background": background,
            "merge_url": MERGE_URLS[model],
            "detail_url": DETAIL_URLS[model],
        },
    )


def _compare_in_background(user, kind_name, site, waiting):
    """A backlog of more than a few batches (after a big import) is compared by the worker, not by the page's
    requests: the job already running for this site and kind, or a new one of this user's."""
    kind = KINDS[kind_name][0]
    if waiting <= BACKGROUND_BATCHES * SCAN_BATCH[kind]:
        return None
    running = Job.objects.filter(
        kind=Job.Kind.DUPLICATES,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        params__site=site.pk,
        params__kind=kind,
    ).first()
    if running is not None:
        return running
    page = reverse("stakeholders:duplicate-list") + f"?kind={kind_name}&site={site.slug}"
    return jobs.start(
        user,
        Job.Kind.DUPLICATES,
        _("Possible duplicates at %(site)s") % {"site": site},
        params={"site": site.pk, "kind": kind, "next": page},
        total=waiting,
    )


@login_required
@require_POST
def duplicate_compare(request):
    """htmx, sent by the duplicates page after it loads: compare the next batch of changed records, and
    answer with the progress (which asks for the next batch) or, when all are compared, a page reload."""
    require(access.can_merge_records(request.user))
    kinds = forms.ChoiceField(choices=[(code, code) for code in KINDS])
    sent = QueryForm(request.POST, fields={"kind": kinds, "site": site_field(PilotSite.objects.for_user(request.user))})
    kind_name, site = sent.get("kind"), sent.get("site")
    if kind_name is None or site is None:
        raise Http404
    waiting = refresh_candidates(KINDS[kind_name][0], site)
    response = render(
        request, "stakeholders/partials/duplicate_progress.html", {"waiting": waiting, "kind": kind_name, "site": site}
    )
    if not waiting:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def distinct_pair(request):
    """Staff judge a pair to be two different records: it is not offered again."""
    require(access.can_merge_records(request.user))
    kind_name = request.POST.get("kind")
    if kind_name not in KINDS:
        raise Http404
    kind, model = KINDS[kind_name]
    ids = [posted_id(request.POST.get("first")), posted_id(request.POST.get("second"))]
    if None in ids or ids[0] == ids[1]:
        raise Http404
    records = model.objects.for_user(request.user).filter(pk__in=ids)
    if records.count() != 2:
        raise Http404
    DistinctPair.record(kind, ids[0], ids[1], request.user)
    messages.success(request, _("Noted: these are different records. The pair will not be offered again."))
    site = records.first().site
    return redirect(f"{reverse('stakeholders:duplicate-list')}?kind={kind_name}&site={site.slug}")


class MergeForm(BootstrapFormMixin, forms.Form):
    """For each field the two records disagree on, which one the kept record takes; and why they are one."""

    KEEP_CHOICES = [("kept", gettext_lazy("record kept")), ("merged", gettext_lazy("record merged into it"))]

    reason = forms.CharField(
        label=gettext_lazy("Why are these the same?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=gettext_lazy("Kept with the merge, so that it can be explained afterwards."),
    )
    kept_version = forms.IntegerField(label=gettext_lazy("version of the record kept"), widget=forms.HiddenInput)
    merged_version = forms.IntegerField(label=gettext_lazy("version of the merged record"), widget=forms.HiddenInput)

    def __init__(self, *args, kept, merged, **kwargs):
        initial = {"kept_version": kept.version, "merged_version": merged.version}
        self.groups = merging.differing_groups(kept, merged)
        for group in self.groups:
            initial[f"take_{group.key}"] = merging.default_choice(kept, merged, group)
        super().__init__(*args, initial=initial, **kwargs)
        for group in self.groups:
            self.fields[f"take_{group.key}"] = forms.ChoiceField(
                label=group.label,
                required=False,  # not sent: the record kept keeps its value
                choices=self.KEEP_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        self.comparison = [
            (group, merging.display(kept, group), merging.display(merged, group), self[f"take_{group.key}"])
            for group in self.groups
        ]

    def taken(self):
        return [group.key for group in self.groups if self.cleaned_data[f"take_{group.key}"] == "merged"]


def _merge_page(request, model, pk, other_pk):
    require(access.can_merge_records(request.user))
    scoped = _scoped(model, request.user)
    kept = get_object_or_404(scoped, pk=pk)
    merged = get_object_or_404(scoped, pk=other_pk)
    if kept.pk == merged.pk:
        raise Http404
    form = MergeForm(request.POST or None, kept=kept, merged=merged)
    if request.method == "POST" and form.is_valid():
        try:
            record = merging.merge(
                kept,
                merged,
                request.user,
                form.cleaned_data["reason"],
                take=form.taken(),
                versions=(form.cleaned_data["kept_version"], form.cleaned_data["merged_version"]),
            )
        except merging.MergeRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(MERGE_URLS[model], pk=kept.pk, other_pk=merged.pk)
        messages.success(request, _("Merged. Every link now points at the record kept; the merge is recorded."))
        return redirect(DETAIL_URLS[model], pk=record.kept_id)
    links = {record.pk: merging.summarise(merging.link_counts(record)) for record in (kept, merged)}
    return render(
        request,
        "stakeholders/merge_form.html",
        {
            "form": form,
            "kept": kept,
            "merged": merged,
            "kept_links": links[kept.pk],
            "merged_links": links[merged.pk],
            "same_site": kept.site_id == merged.site_id,
            "is_person": model is Person,
            "merge_url": MERGE_URLS[model],
            "detail_url": DETAIL_URLS[model],
            "list_kind": "people" if model is Person else "organizations",
        },
    )


@login_required
def organization_merge(request, pk, other_pk):
    return _merge_page(request, Organization, pk, other_pk)


@login_required
def person_merge(request, pk, other_pk):
    return _merge_page(request, Person, pk, other_pk)


def _merge_record(request, merge_model, pk):
    require(access.can_merge_records(request.user))
    model = merge_model._meta.get_field("kept").related_model
    visible = model.objects.for_user(request.user)
    record = get_object_or_404(
        merge_model.objects.select_related("kept", "merged", "merged_by").filter(kept__in=visible), pk=pk
    )
    moved = merging.summarise(record.moved)
    dropped = [(merging.moved_label(item["model"]), item["what"]) for item in record.dropped]
    return render(
        request,
        "stakeholders/merge_detail.html",
        {
            "record": record,
            "moved": moved,
            "dropped": dropped,
            "detail_url": DETAIL_URLS[model],
            "is_person": model is Person,
        },
    )


@login_required
def organization_merge_detail(request, pk):
    return _merge_record(request, OrganizationMerge, pk)


@login_required
def person_merge_detail(request, pk):
    return _merge_record(request, PersonMerge, pk)


@login_required
@require_GET
def person_similar(request):
    """htmx, while a name is typed: people of the site who may be the same person."""
    require(access.can_manage_registry(request.user) and access.can_view_personal_data(request.user))
    sites = PilotSite.objects.for_user(request.user)
    query = SimilarQuery(request.GET, fields={"site": forms.ModelChoiceField(sites, required=False)})
    matches = similar_people(
        Person.objects.for_user(request.user),
        query.get("full_name", "") or query.get("full_name_latin", ""),
        site=query.get("site"),
        birth_year=query.get("birth_year"),
        exclude_pk=query.get("similar_exclude"),
    )
    return render(request, "stakeholders/partials/similar_people.html", {"matches": matches})


def merged_redirect(model, user, pk):
    """Where an address of a merged record now leads: the record kept, if the user may see it."""
    merged = model._base_manager.filter(pk=pk, merged_into__isnull=False).only("merged_into").first()
    if merged is None or not model.objects.for_user(user).filter(pk=merged.merged_into_id).exists():
        return None
    return reverse(DETAIL_URLS[model], args=[merged.merged_into_id])
