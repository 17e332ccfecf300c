"""One FilterSet per list of the small grants; each list page and its export use the same one."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from grants.models import ApplicationStatus, GrantApplication, GrantCall, ProjectKind
from mapping_portal.models import PilotSite


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
        from django.db.models import Q

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
