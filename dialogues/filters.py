"""One FilterSet per list of the dialogues; each list page, its export, its map layer and the results page use it."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dialogues.models import DialoguePlatform, Event, EventKind, FollowUpAction
from dialogues.plans.models import ConflictPreventionPlan, PlanStatus
from mapping_portal.forms import PortalDateFilter
from mapping_portal.models import PilotSite, ThematicArea
from mapping_portal.text import match_key
from stakeholders.filters import BooleanChoiceFilter

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd.mm.yyyy"})


class EventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), method="filter_q")
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"), queryset=PilotSite.objects.all(), to_field_name="slug", empty_label=_("All sites")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Event.Status.choices, empty_label=_("Any"))
    thematic_area = django_filters.ModelChoiceFilter(
        label=_("Thematic direction"),
        field_name="thematic_areas",
        queryset=ThematicArea.objects.all(),
        to_field_name="code",
        empty_label=_("All directions"),
    )
    date_from = PortalDateFilter(label=_("From"), field_name="end_date", lookup_expr="gte", widget=DATE_WIDGET)
    date_to = PortalDateFilter(label=_("To"), field_name="start_date", lookup_expr="lte", widget=DATE_WIDGET)
    # Reached from a centre's or an organization's page (links), not typed: hidden in the panel.
    platform = django_filters.NumberFilter(
        label=_("Dialogue and resource centre"), field_name="platform_id", widget=forms.HiddenInput
    )
    organization = django_filters.NumberFilter(
        label=_("Organizer"), method="filter_organization", widget=forms.HiddenInput
    )
    overdue = BooleanChoiceFilter(label=_("Has overdue follow-up actions"), method="filter_overdue")
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("start_date", "date"), ("title", "title")],
        field_labels={"start_date": _("date"), "title": _("title")},
    )

    class Meta:
        model = Event
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset

    def filter_organization(self, queryset, name, value):
        # Exists, not a join: an event stays one row whatever it is joined to.
        return queryset.filter(
            Exists(Event.organizers.through.objects.filter(event=OuterRef("pk"), organization=value))
        )

    def filter_overdue(self, queryset, name, value):
        overdue = Exists(FollowUpAction.objects.filter(FollowUpAction.overdue_q(), event=OuterRef("pk")))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PlatformFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_q")
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"), queryset=PilotSite.objects.all(), to_field_name="slug", empty_label=_("All sites")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DialoguePlatform.Status.choices, empty_label=_("Any")
    )

    class Meta:
        model = DialoguePlatform
        fields = []

    def filter_q(self, queryset, name, value):
        key = match_key(value)
        return queryset.filter(Q(name__icontains=value.strip()) | Q(host_organization__search_key__contains=key))


class AttendanceOfEvents:
    """The attendance of the events that the event list's filters select: the attendance export takes the
    event list's FilterSet, so that it holds exactly the events the list shows."""

    def __init__(self, data, queryset, events):
        self.events = EventFilterSet(data, queryset=events)
        self.queryset = queryset

    @property
    def qs(self):
        return self.queryset.filter(event__in=self.events.qs.values("pk"))


class PlanFilterSet(django_filters.FilterSet):
    """The conflict-prevention plans list: by site, status and the period a plan covers."""

    q = django_filters.CharFilter(label=_("Title"), method="filter_q")
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"), queryset=PilotSite.objects.all(), to_field_name="slug", empty_label=_("All sites")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanStatus.choices, empty_label=_("Any"))
    # A plan is in the period when the two overlap: it ends after "from" and starts before "to".
    period_from = PortalDateFilter(
        label=_("Covers from"), field_name="period_end", lookup_expr="gte", widget=DATE_WIDGET
    )
    period_to = PortalDateFilter(label=_("Covers to"), field_name="period_start", lookup_expr="lte", widget=DATE_WIDGET)
    latest = BooleanChoiceFilter(label=_("Latest version only"), method="filter_latest")

    class Meta:
        model = ConflictPreventionPlan
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset

    def filter_latest(self, queryset, name, value):
        return queryset.filter(next_version__isnull=True) if value else queryset.filter(next_version__isnull=False)
