"""Forms of the shared core: signing in, placing a pilot site on the map."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mapping_portal.models import LocationPrecision, validate_point_in_kyrgyzstan


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes, and mark fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        # Never validate from __init__: subclasses narrow their choices (to the user's scope)
        # after it, and validating earlier would check input against the unnarrowed choices.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def style_filter_form(form: forms.Form) -> forms.Form:
    """Compact Bootstrap classes for a list page's filter panel (a FilterSet's form)."""
    for field in form.fields.values():
        small = (
            "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        )
        field.widget.attrs["class"] = small
    return form


class SiteLocationForm(BootstrapFormMixin, forms.Form):
    """The centre of a pilot site, picked on the map (or typed), with how precise it is."""

    centre_lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    centre_lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    centre_precision = forms.ChoiceField(
        label=_("Precision"),
        choices=[
            (LocationPrecision.EXACT, LocationPrecision.EXACT.label),
            (LocationPrecision.DISTRICT_SEAT, LocationPrecision.DISTRICT_SEAT.label),
        ],
        initial=LocationPrecision.EXACT,
    )
    centre_note = forms.CharField(
        label=_("Where the point comes from"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the ayil okmotu building, read off a survey map."),
    )

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("centre_lat"), cleaned.get("centre_lon")
        if lat is not None and lon is not None:
            validate_point_in_kyrgyzstan(lat, lon)
        return cleaned


class PortalAuthenticationForm(AuthenticationForm):
    # Django's Kyrgyz catalogue lacks these messages; ours are translated in all three languages.
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is switched off. Ask an administrator to switch it on."),
    }
