"""Input whose size decides the work is refused before the work: an unbounded text area gets the portal's text
limit, and a formset takes no more forms than its maximum, whatever its management form claims."""

import pytest
from django import forms

from dialogues.plans.forms import PlanForm, RiskForm
from grants.forms import BudgetLineFormSet, CriterionFormSet
from grants.models import GrantApplication, GrantCall
from mapping_portal.forms import TEXT_LIMIT, BootstrapFormMixin


class Note(BootstrapFormMixin, forms.Form):
    text = forms.CharField(widget=forms.Textarea)
    short = forms.CharField(widget=forms.Textarea, max_length=50)
    line = forms.CharField(required=False)


def test_an_unbounded_text_area_takes_the_portal_limit_and_no_more():
    assert Note({"text": "ө" * TEXT_LIMIT, "short": "x"}).is_valid()
    form = Note({"text": "ө" * (TEXT_LIMIT + 1), "short": "x"})
    assert not form.is_valid()
    assert list(form.errors) == ["text"]
    assert 'maxlength="10000"' in str(form["text"])


def test_a_limit_of_the_fields_own_is_kept():
    form = Note({"text": "x", "short": "x" * 51})
    assert list(form.errors) == ["short"]
    assert Note().fields["line"].max_length is None  # a one-line input is not a text area


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "kwargs", "field"),
    [
        (PlanForm, {"user": None}, "context_analysis"),
        (PlanForm, {"user": None}, "focus_peace"),
        (RiskForm, {}, "description"),
        (RiskForm, {}, "early_warning_signs"),
    ],
)
def test_a_plans_long_texts_are_bounded_so_its_pdf_stays_quick(form_class, kwargs, field):
    form = form_class(data={field: "ң" * (TEXT_LIMIT + 1)}, **kwargs)
    assert form.fields[field].max_length == TEXT_LIMIT
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.parametrize(
    ("formset_class", "instance", "prefix", "maximum"),
    [(CriterionFormSet, GrantCall, "criteria", 20), (BudgetLineFormSet, GrantApplication, "lines", 60)],
)
def test_a_formset_refuses_more_forms_than_its_maximum_without_building_them(formset_class, instance, prefix, maximum):
    formset = formset_class(instance=instance())
    prefix = formset.prefix
    data = {f"{prefix}-TOTAL_FORMS": "100000", f"{prefix}-INITIAL_FORMS": "0"}
    bound = formset_class(data, instance=instance())
    assert len(bound.forms) == maximum
    assert not bound.is_valid()
    assert str(maximum) in " ".join(bound.non_form_errors())
