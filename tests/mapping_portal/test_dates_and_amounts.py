"""The portal's one date field and its amount field: a date from 01.01.2000 to ten years ahead, an amount in
digits with spaces and one decimal separator. Far dates, underscores, exponents, signs, NaN get the field's
message; every form's date field and every list's date filter is the shared one."""

import datetime
import importlib
import pkgutil
from decimal import Decimal

import django_filters
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mapping_portal.forms import NumberField, PastYearField, PortalDateField, SomField
from mapping_portal.models import EARLIEST_DATE, latest_date

APPS = ("mapping_portal", "stakeholders", "dialogues", "grants")


def errors_of(field, value):
    with translation.override("en"):
        try:
            field.clean(value)
        except ValidationError as error:
            return " ".join(error.messages)
    return ""


# --- Dates -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["01.01.2000", "2000-01-01", "25.03.2026"])
def test_a_date_in_the_range_is_accepted(value):
    assert PortalDateField().clean(value) >= EARLIEST_DATE


def test_the_last_accepted_date_is_ten_years_from_today():
    today = timezone.localdate()
    latest = latest_date()
    assert latest.year == today.year + 10
    assert PortalDateField().clean(latest.strftime("%d.%m.%Y")) == latest
    assert "Enter a date from" in errors_of(PortalDateField(), (latest + datetime.timedelta(days=1)).isoformat())


@pytest.mark.parametrize("value", ["01.01.0001", "31.12.9999", "31.12.1999", "0001-01-01", "9999-12-31"])
def test_a_far_date_gets_the_range_in_the_users_date_format(value):
    message = errors_of(PortalDateField(), value)
    assert message == f"Enter a date from 01.01.2000 to {latest_date():%d.%m.%Y}."


def test_the_range_message_is_in_the_users_language_with_dd_mm_yyyy():
    with translation.override("ky"):
        try:
            PortalDateField().clean("31.12.9999")
        except ValidationError as error:
            message = " ".join(error.messages)
    assert "01.01.2000" in message and f"{latest_date():%d.%m.%Y}" in message


@pytest.mark.parametrize("value", ["31.02.2026", "1" * 5000, "10000-01-01", "01.01.10000", "\x00"])
def test_a_date_that_is_not_one_gets_the_invalid_message(value):
    assert errors_of(PortalDateField(), value) == "Enter a valid date."


@pytest.mark.parametrize(("value", "ok"), [("1950", True), ("2026", True), ("1949", False), ("32767", False)])
def test_a_since_year_is_between_1950_and_this_year(value, ok):
    assert (errors_of(PastYearField(required=False), value) == "") is ok


def _project_classes(base):
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not any(part in module.name for part in ("migrations", "management", "seed")):
                importlib.import_module(module.name)
    found, todo = set(), [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in APPS:
                found.add(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def test_every_date_field_of_every_form_is_the_portal_date_field():
    checked, wrong = [], []
    for cls in _project_classes(forms.BaseForm):
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                checked.append(f"{cls.__name__}.{name}")
                if not isinstance(field, PortalDateField):
                    wrong.append(f"{cls.__name__}.{name}")
                elif "Enter a date from" not in errors_of(field, "01.01.0001"):
                    wrong.append(f"{cls.__name__}.{name} (year 0001 accepted)")
            if isinstance(field, forms.DecimalField) and not isinstance(field, NumberField):
                wrong.append(f"{cls.__name__}.{name} (a number not read as typed here: not a NumberField)")
    assert not wrong
    # Plans, calls, tranches, payments, reports, events, assessments, people, centres, groups, follow-ups.
    assert len(checked) >= 19
    assert {"PlanForm.period_start", "GrantCallForm.opens_on", "TrancheForm.planned_date", "EventForm.end_date"} <= {
        *checked
    }


def test_every_date_filter_of_every_list_is_the_portal_date_field():
    filters = [
        (cls.__name__, name, spec)
        for cls in _project_classes(django_filters.FilterSet)
        for name, spec in cls.base_filters.items()
        if issubclass(spec.field_class, forms.DateField)
    ]
    assert len(filters) >= 4
    assert [(cls, name) for cls, name, spec in filters if not issubclass(spec.field_class, PortalDateField)] == []


# --- Amounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("12500", "12500"),
        ("12 500", "12500"),
        ("12\u00a0500,50", "12500.50"),  # no-break space
        ("1\u202f250\u202f000", "1250000"),  # narrow no-break space, as a Russian keyboard or Excel writes it
        ("12\u2009500.5", "12500.5"),  # thin space
        ("12 500 сом", "12500"),
        ("0,01", "0.01"),
    ],
)
def test_amounts_as_people_write_them_are_read(value, amount):
    assert SomField().clean(value) == Decimal(amount)


@pytest.mark.parametrize(
    "value",
    [
        "1_000",  # Python's Decimal reads this as 1000
        "1 000_000",
        "1e5",
        "1E5",
        "5e-1",
        "+500",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "sNaN",
        "1.000,50",  # two separators
        "1,000.50",
        "12 50",  # spaces not between thousands
        "١٢٣",  # Arabic-Indic digits
        "１２３",  # full-width digits
        "0x10",
        "12.",
        "1" * 41,
    ],
)
def test_an_amount_with_anything_but_digits_spaces_and_one_separator_is_refused(value):
    assert errors_of(SomField(), value).startswith("Enter an amount in som with digits only")


def test_a_negative_amount_gets_the_lower_limit_message():
    assert errors_of(SomField(min_value=Decimal("0")), "-5") == "Enter an amount of at least 0 som."
