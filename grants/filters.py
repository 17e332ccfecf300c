"""One FilterSet per list of the small grants; each list page and its export use the same one."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import ApplicationStatus, GrantApplication, GrantCall, ProjectKind
from mapping_portal.models import PilotSite
from stakeholders.filters import BooleanChoiceFilter

REPORT_DAYS = 30  # as the filter's label says


class GrantCallFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), method="filter_q")
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"),
        queryset=PilotSite.objects.all(),
        to_field_name="slug",
        empty_label=_("All sites"),
        method="filter_site",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GrantCall.Status.choices, empty_label=_("Any"))

    class Meta:
        model = GrantCall
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title_ky__icontains=value) | Q(title_ru__icontains=value) | Q(title_en__icontains=value)
        )

    def filter_site(self, queryset, name, value):
        through = GrantCall.sites.through.objects.filter(grantcall=OuterRef("pk"), pilotsite=value)
        return queryset.filter(Exists(through))


class GrantApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Project title"), field_name="title", lookup_expr="icontains")
    call = django_filters.ModelChoiceFilter(
        label=_("Call"), queryset=GrantCall.objects.all(), empty_label=_("All calls")
    )
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"), queryset=PilotSite.objects.all(), to_field_name="slug", empty_label=_("All sites")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices, empty_label=_("Any"))
    kind = django_filters.ChoiceFilter(label=_("Kind of project"), choices=ProjectKind.choices, empty_label=_("Any"))
    # The staff home's work queue links here (mapping_portal.homes): tranches to pay, reports to read.
    tranche_due = BooleanChoiceFilter(label=_("A tranche is due, not paid"), method="filter_tranche_due")
    recent_report = BooleanChoiceFilter(label=_("A report came in the last 30 days"), method="filter_recent_report")
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("created_at", "date"), ("title", "title"), ("requested_amount", "requested")],
        field_labels={"created_at": _("date"), "title": _("title"), "requested_amount": _("amount requested")},
    )

    class Meta:
        model = GrantApplication
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["call"].queryset = GrantCall.objects.for_user(user)

    def filter_tranche_due(self, queryset, name, value):
        due = tranche_due_q()
        return queryset.filter(due) if value else queryset.exclude(due)

    def filter_recent_report(self, queryset, name, value):
        recent = recent_report_q()
        return queryset.filter(recent) if value else queryset.exclude(recent)


def tranche_due_q():
    """An application with a tranche whose planned date has come and that is not paid yet."""
    from grants.models import Tranche

    today = timezone.localdate()
    return Q(Exists(Tranche.objects.filter(award__application=OuterRef("pk"), planned_date__lte=today, paid_date=None)))


def recent_report_q():
    """An application whose grantees sent a report in the last REPORT_DAYS days."""
    from grants.models import GrantReport

    since = timezone.now() - datetime.timedelta(days=REPORT_DAYS)
    return Q(Exists(GrantReport.objects.filter(award__application=OuterRef("pk"), created_at__gte=since)))
