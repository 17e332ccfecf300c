"""Forms of the conflict-prevention plans: the plan, a risk, an action, a review comment, a workflow step (with
the approving body's decision), an action's progress."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dialogues.forms import DATE_INPUT
from dialogues.models import (
    AUTHORING_BODY_TYPES,
    ActionStatus,
    ConflictPreventionPlan,
    PlanAction,
    PlanStatus,
    Risk,
)
from mapping_portal.forms import BootstrapFormMixin, PortalDateField, SomField, VersionCheckedForm
from mapping_portal.models import PilotSite, ThematicArea
from mapping_portal.widgets import RecordMultiPicker, RecordPicker
from stakeholders.models import Organization

DO_NO_HARM = _(
    "Plans record prevention work only: forecast risks in general terms. Never write incidents, cases, "
    "or names or details of victims or survivors of violence here."
)


class PlanForm(VersionCheckedForm):
    class Meta:
        model = ConflictPreventionPlan
        fields = [
            "site",
            "authoring_body",
            "title",
            "period_start",
            "period_end",
            "context_analysis",
            "focus_forecasting",
            "focus_dialogue",
            "focus_peace",
        ]
        widgets = {
            # A searchable picker: a select of every organization would be megabytes at national scale.
            "authoring_body": RecordPicker(site_select="id_site"),
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "context_analysis": forms.Textarea(attrs={"rows": 5}),
            "focus_forecasting": forms.Textarea(attrs={"rows": 3}),
            "focus_dialogue": forms.Textarea(attrs={"rows": 3}),
            "focus_peace": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"period_start": PortalDateField, "period_end": PortalDateField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = PilotSite.objects.for_user(user)
        if not self.instance.site_id and not self.is_bound:
            only = list(self.fields["site"].queryset[:2])
            if len(only) == 1:  # a local authority of one site: its site, already chosen
                self.initial["site"] = only[0].pk
        self.fields["authoring_body"].queryset = Organization.objects.for_user(user).filter(
            is_active=True, type__code__in=AUTHORING_BODY_TYPES
        )
        self.fields["authoring_body"].error_messages["invalid_choice"] = _(
            "Choose the local self-government body (ayil okmotu, town hall or local kenesh) of the plan's site."
        )
        self.fields["context_analysis"].help_text = DO_NO_HARM
        for name in ("focus_forecasting", "focus_dialogue", "focus_peace"):
            self.fields[name].help_text = _("What the plan aims at under this focus.")
        if self.instance.pk:
            # A plan stays in its site: its actions name the site's organizations.
            self.fields["site"].disabled = True
            self.fields["authoring_body"].widget.site_select = None
            self.fields["authoring_body"].widget.site = self.instance.site_id


class RiskForm(VersionCheckedForm):
    likelihood = forms.TypedChoiceField(
        label=capfirst(_("likelihood (1–5)")),
        choices=[("", "—")]
        + [(1, _("1 — very unlikely")), (2, _("2 — unlikely")), (3, _("3 — possible")), (4, _("4 — likely"))]
        + [(5, _("5 — almost certain"))],
        coerce=int,
        error_messages={"invalid_choice": _("Likelihood goes from 1 (very unlikely) to 5 (almost certain).")},
    )
    impact = forms.TypedChoiceField(
        label=capfirst(_("impact (1–5)")),
        choices=[("", "—")]
        + [(1, _("1 — very small")), (2, _("2 — small")), (3, _("3 — moderate")), (4, _("4 — serious"))]
        + [(5, _("5 — very serious"))],
        coerce=int,
        error_messages={"invalid_choice": _("Impact goes from 1 (very small) to 5 (very serious).")},
    )

    class Meta:
        model = Risk
        fields = ["description", "thematic_area", "likelihood", "impact", "early_warning_signs", "affected_groups"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "early_warning_signs": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematic_area"].queryset = ThematicArea.objects.all()
        self.fields["description"].help_text = DO_NO_HARM
        self.fields["affected_groups"].help_text = _("For example: youth of the border villages, women, herders.")


class ActionForm(VersionCheckedForm):
    budget = SomField(label=capfirst(_("budget (som)")), required=False, min_value=Decimal("0"))

    class Meta:
        model = PlanAction
        fields = [
            "title",
            "focus",
            "risks",
            "responsible_organizations",
            "partner_organizations",
            "start_date",
            "end_date",
            "budget",
            "budget_source",
            "indicator",
            "target",
        ]
        widgets = {
            "risks": forms.CheckboxSelectMultiple,
            "responsible_organizations": RecordMultiPicker(),
            "partner_organizations": RecordMultiPicker(),
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
        }
        field_classes = {"start_date": PortalDateField, "end_date": PortalDateField}

    def __init__(self, *args, plan, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["risks"].queryset = plan.risks.order_by("id")
        self.fields["risks"].label_from_instance = lambda risk: (
            f"{risk.description[:120]} ({risk.likelihood}×{risk.impact})"
        )
        organizations = Organization.objects.for_user(user).filter(is_active=True)
        self.fields["responsible_organizations"].queryset = organizations
        self.fields["partner_organizations"].queryset = organizations
        # The picker searches the plan's site first; partners may come from anywhere in the user's scope.
        self.fields["responsible_organizations"].widget.site = plan.site_id
        self.fields["indicator"].help_text = _("How you will know it worked, e.g. number of joint meetings held.")

    def clean_budget(self):
        return self.cleaned_data.get("budget") or Decimal("0")


class CommentForm(BootstrapFormMixin, forms.Form):
    """A review comment; `about` is "plan", "risk-<id>" or "action-<id>" of this plan."""

    about = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_about(self):
        about = self.cleaned_data.get("about") or "plan"
        if about == "plan":
            return None, None
        kind, _sep, pk = about.partition("-")
        if kind not in {"risk", "action"} or not pk.isdigit():
            raise ValidationError(_("This comment is not about an item of this plan."))
        items = self.plan.risks if kind == "risk" else self.plan.actions
        item = items.filter(pk=int(pk)).first()
        if item is None:
            raise ValidationError(_("This comment is not about an item of this plan."))
        return kind, item


class TransitionForm(BootstrapFormMixin, forms.Form):
    """A workflow button's fields: where to, the version the page showed, a comment, and for approval the
    approving body's decision."""

    to = forms.ChoiceField(choices=PlanStatus.choices)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(required=False, max_length=5000)
    decision_number = forms.CharField(label=_("Decision or protocol number"), required=False, max_length=100)
    decision_date = PortalDateField(
        label=_("Date of the decision"),
        required=False,
        error_messages={"invalid": _("Enter the date of the decision as dd.mm.yyyy.")},
    )
    approving_body = forms.CharField(label=_("Approving body"), required=False, max_length=300)


class ProgressForm(BootstrapFormMixin, forms.Form):
    """Progress of an action of an approved plan."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    spent = SomField(label=_("Spent so far (som)"), required=False, min_value=Decimal("0"))
    note = forms.CharField(label=_("Progress note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note_date = PortalDateField(
        label=_("Date of the note"),
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter the date as dd.mm.yyyy.")},
    )

    def clean_spent(self):
        return self.cleaned_data.get("spent") or Decimal("0")
