"""The forms of the reports pages: the period and site chosen (GET), an indicator's description and a target."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mapping_portal.forms import (
    BootstrapFormMixin,
    NumberField,
    QueryForm,
    VersionCheckedForm,
    site_field,
    style_filter_form,
)
from mapping_portal.models import PilotSite
from mapping_portal.results import periods
from mapping_portal.results.models import Indicator, Target


class ResultsQuery:
    """The reports page's filters, read through a QueryForm (an unreadable value is said and ignored); shaped like
    a FilterSet (`.form`) for partials/filter_panel.html."""

    def __init__(self, data, user, programme):
        choices = [(period.key, period.label) for period in periods.choices(programme)]
        self.form = style_filter_form(
            QueryForm(
                data,
                fields={
                    "period": forms.ChoiceField(label=_("Period"), choices=choices, required=False),
                    "site": site_field(PilotSite.objects.for_user(user), empty_label=_("All my sites")),
                },
            )
        )
        self.period = periods.parse(self.form.get("period", periods.ALL), programme)
        self.site = self.form.get("site")


class IndicatorForm(VersionCheckedForm):
    class Meta:
        model = Indicator
        fields = ["name_ky", "name_ru", "name_en", "unit", "baseline", "baseline_year", "baseline_note", "cumulative"]
        field_classes = {"baseline": NumberField}

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"name_{language}") for language in ("ky", "ru", "en")):
            raise forms.ValidationError(_("Give the indicator a name in at least one language."))
        return cleaned


class TargetForm(BootstrapFormMixin, forms.Form):
    """Set (or change) the target of one period at one site — or of all sites together."""

    period = forms.ChoiceField(label=_("Period"))
    site = forms.ModelChoiceField(
        PilotSite.objects.all(), required=False, label=_("Pilot site"), empty_label=_("All three sites together")
    )
    value = NumberField(label=_("Target"), min_value=0, max_digits=14, decimal_places=1)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, programme, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["period"].choices = [(period.key, period.label) for period in periods.choices(programme)]

    def clean_value(self):
        value = self.cleaned_data["value"]
        if self.indicator.is_share and value > 100:
            raise forms.ValidationError(_("A share is at most 100 %."))
        return value

    def save(self) -> Target:
        """Create the target, or change the one already set for that period and site (one per period and site;
        two admins setting it at once end with the later value, not an error). The history records the user
        (simple_history's middleware)."""
        data = self.cleaned_data
        target, _created = Target.objects.update_or_create(
            indicator=self.indicator,
            period=data["period"],
            site=data["site"],
            defaults={"value": data["value"], "note": data["note"]},
        )
        return target
