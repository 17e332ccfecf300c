"""One FilterSet per list of the registry; each list page, its export and its map layer use the same one."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mapping_portal import access
from mapping_portal.models import PilotSite, ThematicArea
from mapping_portal.text import match_key, match_words
from stakeholders.models import (
    CapacityAssessment,
    Membership,
    Organization,
    OrganizationType,
    Person,
    Sex,
    TargetGroup,
)

YES_NO = [("", _("Any")), ("true", _("yes")), ("false", _("no"))]


def search_names(queryset, value, field="search_key"):
    """Names in Kyrgyz, Russian or Latin spelling, matched word by word (`names_match`).

    `field` is the key to match: "organization__search_key" for records listed by their organization."""
    if not match_key(value):
        return queryset
    return queryset.filter(names_match(value, field))


def names_match(value, field="search_key"):
    """A record matches when every typed word — its script-independent key (`match_words`) — is part of the
    name's key or trigram-close to it (pg_trgm's %>), in any order, so a word may be left out: "Kerben meriyasy"
    finds "Кербен шаардык мэриясы". A single word, or the whole phrase typed without its spaces, is matched as
    one key, as before. Every condition is one the name key's trigram index answers.

    Measured on 20,000 organizations: a trigram test of the whole phrase as well would cost 5–40 times more on
    common words (every name shares their trigrams) for little gain, so a phrase of several words is only
    looked for as it is."""
    key = match_key(value)
    words = match_words(value)
    if len(words) < 2:
        return Q(**{f"{field}__contains": key}) | Q(**{f"{field}__trigram_word_similar": key})
    every_word = Q()
    for word in words:
        found = Q(**{f"{field}__contains": word})
        # A two-letter word is too short to be trigram-close to anything meaningful: part of the key only.
        if len(word) >= 3:
            found |= Q(**{f"{field}__trigram_word_similar": word})
        every_word &= found
    return every_word | Q(**{f"{field}__contains": key})


class BooleanChoiceFilter(django_filters.TypedChoiceFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=YES_NO, coerce=lambda value: value == "true", empty_value=None, **kwargs)


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_q")
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"), queryset=PilotSite.objects.all(), to_field_name="slug", empty_label=_("All sites")
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type"), queryset=OrganizationType.objects.all(), to_field_name="code", empty_label=_("All types")
    )
    thematic_area = django_filters.ModelChoiceFilter(
        label=_("Thematic direction"),
        field_name="thematic_areas",
        queryset=ThematicArea.objects.all(),
        to_field_name="code",
        empty_label=_("All directions"),
    )
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"),
        field_name="target_groups",
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        empty_label=_("All target groups"),
    )
    women_led = BooleanChoiceFilter(label=_("Women-led"))
    youth_led = BooleanChoiceFilter(label=_("Youth-led"))
    consent = BooleanChoiceFilter(label=_("Consents to public listing"), field_name="public_listing_consent")
    needs_validation = BooleanChoiceFilter(label=_("Needs validation"))
    active = BooleanChoiceFilter(label=_("Active"), field_name="is_active")
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("sort_key", "name"), ("updated_at", "updated"), ("year_founded", "founded")],
        field_labels={"sort_key": _("name"), "updated_at": _("last change"), "year_founded": _("year founded")},
    )

    class Meta:
        model = Organization
        fields = []

    # Filters on the record's status: only for those who may see it (access.can_view_record_status).
    RECORD_STATUS_FILTERS = ("consent", "needs_validation", "active")

    def __init__(self, *args, user=None, **kwargs):
        """With `user`, the filters are those the user may use: the public filters public fields only (a
        status filter would be meaningless, or tell which consented organizations need validation)."""
        super().__init__(*args, **kwargs)
        if user is not None and not access.can_view_record_status(user):
            for name in self.RECORD_STATUS_FILTERS:
                del self.filters[name]

    def filter_q(self, queryset, name, value):
        return search_names(queryset, value)


class PersonFilterSet(django_filters.FilterSet):
    """People: only ever applied to `Person.objects.for_user(...)`, i.e. for admins and staff."""

    q = django_filters.CharFilter(label=_("Name"), method="filter_q")
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"), queryset=PilotSite.objects.all(), to_field_name="slug", empty_label=_("All sites")
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices, empty_label=_("Any"))
    active_citizen = BooleanChoiceFilter(label=_("Active citizen"), field_name="is_active_citizen")
    organization = django_filters.NumberFilter(label=_("Organization"), method="filter_organization")
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("sort_key", "name"), ("birth_year", "birth_year"), ("updated_at", "updated")],
        field_labels={"sort_key": _("name"), "birth_year": _("year of birth"), "updated_at": _("last change")},
    )

    class Meta:
        model = Person
        fields = []

    def filter_q(self, queryset, name, value):
        return search_names(queryset, value)

    def filter_organization(self, queryset, name, value):
        # Exists, not a join: a person with two roles in one organization is still one row.
        return queryset.filter(Exists(Membership.objects.filter(person=OuterRef("pk"), organization_id=value)))


class AssessmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organization"), method="filter_q")
    site = django_filters.ModelChoiceFilter(
        label=_("Pilot site"),
        field_name="organization__site",
        queryset=PilotSite.objects.all(),
        to_field_name="slug",
        empty_label=_("All sites"),
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type"),
        field_name="organization__type",
        queryset=OrganizationType.objects.all(),
        to_field_name="code",
        empty_label=_("All types"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CapacityAssessment.Kind.choices, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CapacityAssessment.Status.choices, empty_label=_("Any")
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("date", "date"), ("organization__sort_key", "organization")],
        field_labels={"date": _("date"), "organization__sort_key": _("organization")},
    )

    class Meta:
        model = CapacityAssessment
        fields = []

    def filter_q(self, queryset, name, value):
        return search_names(queryset, value, field="organization__search_key")
