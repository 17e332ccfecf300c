"""Forms of the shared core: signing in, placing a pilot site on the map; the fields every date and every amount
in som use; the model form that refuses to overwrite a change it has not seen (`VersionCheckedForm`)."""

import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from mapping_portal.models import LocationPrecision, validate_point_in_kyrgyzstan, validate_portal_date

# The longest free text any form takes (a plan's context analysis, a risk, a report): about four printed pages.
# A text area without a limit of its own gets this one, so a post cannot hand the PDFs and exports megabytes
# of one field (a 100,000-character cell costs the plan PDF 18 s).
TEXT_LIMIT = 10_000


class BootstrapFormMixin:
    """Bootstrap's class on each widget, for the few fields rendered bare (cells of a table of lines); crispy-forms
    renders every other field and adds the same classes itself. A group of choices gets none: its options carry
    `form-check-input`, and a class on the group's wrapper would squeeze the whole list into one check box.
    An unbounded text area gets TEXT_LIMIT."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, forms.CharField) and isinstance(widget, forms.Textarea) and field.max_length is None:
                field.max_length = TEXT_LIMIT
                field.validators.append(MaxLengthValidator(TEXT_LIMIT))
                widget.attrs.setdefault("maxlength", str(TEXT_LIMIT))
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.CheckboxInput):
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
            if name in self.fields and not isinstance(
                self.fields[name].widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class ChangedMeanwhile(Exception):
    """Someone saved the record after this form was opened."""


class VersionCheckedForm(BootstrapFormMixin, forms.ModelForm):
    """A model form that refuses to overwrite a change it has not seen.

    The form carries the version it was opened on; saving locks the row, compares, and bumps the
    version. If someone saved in between, the form gets an error that names the changed fields,
    the user's input stays in the form, and the next save (now on the new version) goes through.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def save_checked(self, user):
        model = type(self.instance)
        with transaction.atomic():
            if self.instance.pk:
                current = model.objects.select_for_update().get(pk=self.instance.pk)
                if current.version != self.cleaned_data.get("version"):
                    self.report_conflict(current)
                    raise ChangedMeanwhile
                self.instance.version = current.version + 1
            self.before_save(user)
            instance = self.save()
        return instance

    def before_save(self, user):
        """Hook for what a form records about the saving user (consent, author)."""

    def report_conflict(self, current):
        """Keep the user's input, move the form onto the current version, and say where they differ."""
        differs = [
            str(field.label)
            for name, field in self.fields.items()
            if name in self.cleaned_data
            and not isinstance(field, (forms.ModelMultipleChoiceField, forms.FileField, forms.MultipleChoiceField))
            and hasattr(current, name)
            and getattr(current, name) != self.cleaned_data[name]
        ]
        self.data = self.data.copy()
        self.data["version"] = current.version
        message = _(
            "Someone else saved this record while you were editing it. Your changes are still in the form: "
            "check them against the current record and save again."
        )
        if differs:
            message = "{} {}".format(
                message,
                _("The current record differs in: %(fields)s.") % {"fields": ", ".join(differs)},
            )
        self.add_error(None, message)


class _ListedChoices(forms.models.ModelChoiceIterator):
    """A model choice list read with one plain query. Django's own iterator reads it through `.iterator()`, which
    on PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a dozen rows, per field
    of every list page's filter panel."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


_LISTED = {}


def _listed(iterator_class):
    """`iterator_class` (Django's, or django-filter's with its "none" choice) reading through `_ListedChoices`."""
    if issubclass(iterator_class, _ListedChoices):  # a form styled twice
        return iterator_class
    if iterator_class is forms.models.ModelChoiceIterator:
        return _ListedChoices
    if iterator_class not in _LISTED:
        _LISTED[iterator_class] = type(f"Listed{iterator_class.__name__}", (iterator_class, _ListedChoices), {})
    return _LISTED[iterator_class]


def _attributes(attrs) -> str:
    """HTML attributes as Django's django/forms/widgets/attrs.html writes them (False: left out; True: bare)."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class _QuickSelectMixin:
    """A filter panel's select drawn in Python, to the character as Django's select.html and select_option.html
    draw it: the template engine spends ~0.2 ms on each option's include, and a list page's filters hold dozens."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], mark_safe(_attributes(widget["attrs"])))]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',  # the option's template ends with a newline
                        str(option["value"]),
                        mark_safe(_attributes(option["attrs"])),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class _QuickSelect(_QuickSelectMixin, forms.Select):
    pass


class _QuickSelectMultiple(_QuickSelectMixin, forms.SelectMultiple):
    pass


_QUICK = {forms.Select: _QuickSelect, forms.SelectMultiple: _QuickSelectMultiple}


def style_filter_form(form: forms.Form) -> forms.Form:
    """Compact Bootstrap classes for a list page's filter panel (a FilterSet's form); its model choices read with
    one plain query each (`_ListedChoices`), its selects drawn without a template per option (`_QuickSelectMixin`)."""
    for field in form.fields.values():
        small = (
            "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        )
        field.widget.attrs["class"] = small
        if isinstance(field, forms.ModelChoiceField):
            field.iterator = _listed(field.iterator)
            field.widget.choices = field.choices
        if type(field.widget) in _QUICK:  # Django's own selects only (a subclass may draw itself differently)
            field.widget.__class__ = _QUICK[type(field.widget)]
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


class PortalDateField(forms.DateField):
    """The date field of every form and filter of the portal: dd.mm.yyyy, from 01.01.2000 to ten years ahead.

    Model forms take it through `Meta.field_classes`; django-filter through `PortalDateFilter`."""

    widget = forms.DateInput(attrs={"placeholder": "dd.mm.yyyy", "autocomplete": "off"})
    default_validators = [validate_portal_date]

    def to_python(self, value):
        # Longer than any date: refused before it is parsed against every input format.
        if isinstance(value, str) and len(value.strip()) > 32:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def validate_past_year(value: int) -> None:
    if value is not None and not 1950 <= value <= timezone.localdate().year:
        raise ValidationError(
            _("Enter a year from 1950 to %(latest)s."),
            code="year_out_of_range",
            params={"latest": timezone.localdate().year},
        )


class PastYearField(forms.IntegerField):
    """A year something began (a membership, a relationship): from 1950 to this year."""

    default_validators = [validate_past_year]

    def __init__(self, **kwargs):
        kwargs.pop("min_value", None)
        kwargs.pop("max_value", None)
        super().__init__(**kwargs)


class PortalDateFilter(django_filters.DateFilter):
    """A list's date filter: a date outside the portal's range is reported with the other ignored filter values
    (the partial filter_errors.html), never run as a query."""

    field_class = PortalDateField


# Words and signs of other currencies a field officer might type out of habit.
OTHER_CURRENCY = re.compile(
    r"[$€£₽₸]|\b(usd|eur|rub|kzt|uzs|tjs|cny)\b|руб|тенге|теңге|доллар|евро|\bсум\b|dollar|euro|rouble|ruble",
    re.IGNORECASE,
)
SOM = re.compile(r"\s*(сом|som|kgs|с)\.?\s*$", re.IGNORECASE)
# What is left of an amount once the word "som" is gone: digits (ASCII only), thousands separated by spaces in
# groups of three, one decimal comma or point. No underscores ("1_000": Python's Decimal reads it as 1000), no
# exponent ("1e5"), no "+", no NaN or Infinity; a leading minus reaches the lower limit's message.
AMOUNT = re.compile(r"-?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,][0-9]+)?")
# The spaces a keyboard, a spreadsheet or a locale puts between thousands: no-break, narrow no-break, thin.
THOUSANDS_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
LARGEST_AMOUNT = Decimal("999999999.99")


class NumberField(forms.DecimalField):
    """A number as people here type it: "12 500", "7,5" — spaces (or thin spaces) between thousands and a decimal
    comma or point. The base of SomField; for figures that are not money (an indicator's baseline or target)."""

    default_error_messages = {
        "invalid": _(
            "Enter a number with digits only: spaces between thousands and one decimal comma are allowed "
            "(for example 12 500 or 7,5)."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def read_text(self, text: str) -> str:
        """What a subclass strips or refuses before the digits are read (SomField: a currency)."""
        return text

    def to_python(self, value):
        if isinstance(value, str):
            text = value.translate(THOUSANDS_SPACES).strip()
            if len(text) > 40:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            text = self.read_text(text)
            if text and not AMOUNT.fullmatch(text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            text = text.replace(" ", "").replace(",", ".")
            if text:
                try:
                    Decimal(text)
                except InvalidOperation:
                    raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            value = text
        return super().to_python(value)


class SomField(NumberField):
    """An amount in som (grants, plans): "12 500", "12 500,50" and "12500 сом" are read; another currency is
    refused with a message that says to convert it, instead of being taken as som. At least 0.01 unless
    `min_value` says otherwise (a budget may be 0)."""

    default_error_messages = {
        "invalid": _(
            "Enter an amount in som with digits only: spaces between thousands and one decimal comma are allowed "
            "(for example 12 500 or 12 500,50)."
        ),
        "other_currency": _(
            "Amounts are in som (KGS). Convert “%(value)s” to som at the day's rate and enter the number only."
        ),
        "max_decimal_places": _("Som have at most two decimals (tyiyn)."),
        "min_value": _("Enter an amount of at least %(limit_value)s som."),
        "max_value": _("This amount is too large: check the number of zeros."),
    }

    def __init__(self, *, min_value=Decimal("0.01"), max_value=LARGEST_AMOUNT, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, max_digits=14, decimal_places=2, **kwargs)

    def read_text(self, text):
        if OTHER_CURRENCY.search(text):
            raise ValidationError(self.error_messages["other_currency"], code="other_currency", params={"value": text})
        return SOM.sub("", text)

    def prepare_value(self, value):
        return f"{value:.2f}" if isinstance(value, Decimal) else value


# --- GET parameters ---------------------------------------------------------------------------------------------


class QueryForm(forms.Form):
    """The GET parameters of a page without a FilterSet, read through a form (issue #21: raw values reached the
    database, and `?site=%00` was a 500). Bound at once; a value it cannot read is left out of `cleaned_data` — the
    page uses its default instead — and `errors` says which, for `partials/filter_errors.html`.
    Text parameters are `forms.CharField(max_length=…)`, which also refuses NUL characters."""

    def __init__(self, data, fields=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields.update(fields or {})  # fields that depend on the user (the sites they may see …)
        self.full_clean()

    def get(self, name, default=None):
        value = self.cleaned_data.get(name)
        return default if value in (None, "", [], ()) else value


def posted_id(value) -> int | None:
    """A record's number as a page posts it (a hidden input, a button), or None: ASCII digits only and within a
    PostgreSQL bigint — `str.isdigit()` says yes to "²" and to a 10,000-digit number, which int() or the database
    then refuse with a 500."""
    value = str(value or "")
    if not re.fullmatch(r"[0-9]{1,18}", value):
        return None
    return int(value)


def id_field(**kwargs):
    """A record's number in a GET parameter: a positive integer PostgreSQL can hold (else not understood)."""
    return forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, **kwargs)


def site_field(queryset, **kwargs):
    """A pilot site named by its slug in a GET parameter, among `queryset` (the sites the user may see)."""
    return forms.ModelChoiceField(queryset, to_field_name="slug", required=False, label=_("Pilot site"), **kwargs)
