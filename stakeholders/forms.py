"""Forms of the registry: an organization (with its logo and point), a person, their memberships."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mapping_portal.forms import (
    BootstrapFormMixin,
    PastYearField,
    PortalDateField,
    VersionCheckedForm,
)
from mapping_portal.images import clean_image
from mapping_portal.models import PilotSite, Settlement
from mapping_portal.widgets import RecordPicker
from stakeholders.models import (
    CapacityAssessment,
    DevelopmentAction,
    IndicatorScore,
    Membership,
    Organization,
    OrganizationRelationship,
    OrganizationType,
    Person,
    VulnerableGroup,
)
from stakeholders.models.assessments import LEVELS


class SettlementSelect(forms.Select):
    """Options carry their site, so the page can narrow the list to the chosen site."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-site"] = str(instance.site_id)
        return option


class OrganizationForm(VersionCheckedForm):
    website = forms.URLField(label=capfirst(_("website")), required=False, assume_scheme="https")
    # A plain file field: `clean_image` is the one check (content, size, pixels), with its own messages.
    logo = forms.FileField(
        label=capfirst(_("logo")),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("JPEG, PNG, WebP or GIF, up to 5 MB. It is re-saved without its metadata."),
    )

    class Meta:
        model = Organization
        fields = [
            "name_ky",
            "name_ru",
            "acronym",
            "type",
            "site",
            "settlement",
            "address",
            "lat",
            "lon",
            "registration_status",
            "registration_number",
            "year_founded",
            "thematic_areas",
            "target_groups",
            "women_led",
            "youth_led",
            "staff_women",
            "staff_men",
            "volunteers_women",
            "volunteers_men",
            "board_women",
            "board_men",
            "board_youth",
            "funding_sources",
            "phone",
            "email",
            "website",
            "description",
            "logo",
            "public_listing_consent",
            "consent_covers_sensitive",
            "consent_given_by",
            "influence",
            "interest",
            "stance",
            "needs_validation",
        ]
        widgets = {
            "settlement": SettlementSelect,
            "thematic_areas": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "funding_sources": forms.Textarea(attrs={"rows": 2}),
            "lat": forms.NumberInput(attrs={"step": "any"}),
            "lon": forms.NumberInput(attrs={"step": "any"}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["site"].queryset = PilotSite.objects.for_user(user)
        self.fields["settlement"].queryset = Settlement.objects.for_user(user).select_related("site")
        self.fields["type"].queryset = OrganizationType.objects.filter(is_active=True)
        # While a name is typed, the page asks for similar organizations of the chosen site (htmx).
        similar = {
            "hx-get": reverse("stakeholders:organization-similar"),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#similar-organizations",
            "hx-include": "[name=name_ky], [name=name_ru], [name=site], [name=similar_exclude]",
        }
        for name in ("name_ky", "name_ru"):
            self.fields[name].widget.attrs.update(similar)
        self.fields["settlement"].widget.attrs["data-site-filter"] = "id_site"

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            self.cleaned_logo = clean_image(logo)
            return self.cleaned_logo.full
        return logo

    def before_save(self, user):
        if not self.instance.pk:
            self.instance.created_by = user
        self.instance.record_consent(user, self.cleaned_data.get("public_listing_consent", False))
        cleaned_logo = getattr(self, "cleaned_logo", None)
        if cleaned_logo is not None:
            self.instance.logo_thumbnail.save(cleaned_logo.thumbnail.name, cleaned_logo.thumbnail, save=False)
        elif not self.cleaned_data.get("logo"):
            self.instance.logo_thumbnail = ""


class PersonForm(VersionCheckedForm):
    vulnerable_groups = forms.MultipleChoiceField(
        label=_("Other vulnerable-group categories"),
        choices=VulnerableGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = [
            "full_name",
            "full_name_latin",
            "sex",
            "birth_year",
            "phone",
            "email",
            "site",
            "settlement",
            "is_active_citizen",
            "wg_seeing",
            "wg_hearing",
            "wg_walking",
            "wg_cognition",
            "wg_self_care",
            "wg_communication",
            "vulnerable_groups",
            "consent_date",
            "consent_purpose",
        ]
        widgets = {"settlement": SettlementSelect, "consent_date": forms.DateInput(attrs={"placeholder": "dd.mm.yyyy"})}
        field_classes = {"consent_date": PortalDateField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["site"].queryset = PilotSite.objects.for_user(user)
        self.fields["settlement"].queryset = Settlement.objects.for_user(user).select_related("site")
        self.fields["settlement"].widget.attrs["data-site-filter"] = "id_site"
        # While a name is typed, the page asks for people of the chosen site with a similar name (htmx).
        similar = {
            "hx-get": reverse("stakeholders:person-similar"),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#similar-people",
            "hx-include": "[name=full_name], [name=full_name_latin], [name=birth_year], [name=site], "
            "[name=similar_exclude]",
        }
        for name in ("full_name", "full_name_latin"):
            self.fields[name].widget.attrs.update(similar)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_date") and not cleaned.get("consent_purpose"):
            self.add_error("consent_purpose", _("Say what the person consented to."))
        if not cleaned.get("consent_date"):
            self.add_error("consent_date", _("Record when the person gave consent to their data being kept."))
        return cleaned

    def before_save(self, user):
        if self.has_changed() and {"consent_date", "consent_purpose"} & set(self.changed_data):
            self.instance.consent_recorded_by = user


class MembershipForm(BootstrapFormMixin, forms.ModelForm):
    """A person's membership of an organization, added from either side: the instance holds the side the page
    is about (`Membership(person=...)` on the person's page, `Membership(organization=...)` on the
    organization's), the form asks for the other one with a record picker, among the user's scope."""

    class Meta:
        model = Membership
        fields = ["person", "organization", "role", "since", "until"]
        widgets = {"organization": RecordPicker(), "person": RecordPicker(search="people")}
        field_classes = {"since": PastYearField, "until": PastYearField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.organization_id:
            del self.fields["organization"]
            chosen = self.fields["person"]
            chosen.queryset = Person.objects.for_user(user).filter(is_active=True)
            chosen.error_messages["invalid_choice"] = _("Choose a person of the registry of your sites.")
        else:
            del self.fields["person"]
            chosen = self.fields["organization"]
            chosen.queryset = Organization.objects.for_user(user).filter(is_active=True)
            chosen.error_messages["invalid_choice"] = _("Choose an organization of the registry of your sites.")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since is not None and until is not None and until < since:
            self.add_error("until", _("The year it ended cannot be before the year it began."))
        person = cleaned.get("person") or (self.instance.person if self.instance.person_id else None)
        organization = cleaned.get("organization") or (
            self.instance.organization if self.instance.organization_id else None
        )
        if person and organization and cleaned.get("role"):
            duplicate = Membership.objects.filter(person=person, organization=organization, role=cleaned["role"])
            if duplicate.exclude(pk=self.instance.pk).exists():
                raise ValidationError(_("This person already has this role in this organization."))
        return cleaned


class AssessmentForm(VersionCheckedForm):
    """The header of an assessment: when, which round, how, by whom; strengths and gaps."""

    class Meta:
        model = CapacityAssessment
        fields = ["date", "kind", "method", "assessor", "participants", "strengths", "gaps"]
        widgets = {
            "date": forms.DateInput(attrs={"placeholder": "dd.mm.yyyy"}),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "gaps": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"date": PortalDateField}

    def validate_unique(self):
        # The organization is set by the view, not the form: check "one per kind and date" here too,
        # so that a form sent twice gets a message rather than an error page.
        super().validate_unique()
        instance = self.instance
        if instance.organization_id and self.cleaned_data.get("date") and self.cleaned_data.get("kind"):
            twins = CapacityAssessment.objects.filter(
                organization_id=instance.organization_id, kind=self.cleaned_data["kind"], date=self.cleaned_data["date"]
            ).exclude(pk=instance.pk)
            if twins.exists():
                self.add_error(None, _("This organization already has an assessment of this kind on this date."))


class ScoresForm(forms.Form):
    """One score (1–4 or "not applicable") and an evidence note per indicator of the assessment's template.

    Fields exist only for the template's own indicators; a posted score for any other indicator
    (e.g. of another template version) is refused, never silently ignored.
    """

    NOT_APPLICABLE = "na"

    def __init__(self, *args, assessment, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.indicators = indicators
        existing = {score.indicator_id: score for score in assessment.scores.all()}
        choices = [
            ("", "—"),
            *[(str(level), f"{level} · {name}") for level, name in LEVELS],
            (self.NOT_APPLICABLE, _("not applicable")),
        ]
        for indicator in indicators:
            score = existing.get(indicator.pk)
            initial = ""
            if score is not None:
                initial = self.NOT_APPLICABLE if score.not_applicable else str(score.score or "")
            self.fields[f"score-{indicator.pk}"] = forms.ChoiceField(
                label=indicator.text, choices=choices, required=False, initial=initial, widget=forms.RadioSelect
            )
            self.fields[f"evidence-{indicator.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=2000,
                initial=score.evidence if score else "",
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
            )

    def clean(self):
        cleaned = super().clean()
        known = {str(indicator.pk) for indicator in self.indicators}
        for key in self.data:
            if key.startswith(("score-", "evidence-")) and key.split("-", 1)[1] not in known:
                raise ValidationError(
                    _(
                        "The form holds an indicator that is not part of this assessment's template. "
                        "Reload the page and enter the scores again."
                    ),
                    code="foreign_indicator",
                )
        return cleaned

    @transaction.atomic
    def save(self):
        existing = {score.indicator_id: score for score in self.assessment.scores.all()}
        for indicator in self.indicators:
            value = self.cleaned_data.get(f"score-{indicator.pk}") or ""
            evidence = self.cleaned_data.get(f"evidence-{indicator.pk}") or ""
            score = existing.get(indicator.pk) or IndicatorScore(assessment=self.assessment, indicator=indicator)
            new = (None if value in ("", self.NOT_APPLICABLE) else int(value), value == self.NOT_APPLICABLE, evidence)
            if score.pk and (score.score, score.not_applicable, score.evidence) == new:
                continue
            if not score.pk and new == (None, False, ""):
                continue
            score.score, score.not_applicable, score.evidence = new
            score.save()

    def by_domain(self, domains):
        """[(domain, [(indicator, score field, [(radio, anchor description)], evidence field)])] for the page."""
        grouped = []
        for domain in domains:
            items = []
            for indicator in domain.indicators.all():
                anchors = {str(level): description for level, _name, description in indicator.anchors()}
                radios = [
                    (radio, anchors.get(str(radio.data["value"]), ""))
                    for radio in self[f"score-{indicator.pk}"].subwidgets
                    if radio.data["value"] != ""
                ]
                items.append((indicator, self[f"score-{indicator.pk}"], radios, self[f"evidence-{indicator.pk}"]))
            grouped.append((domain, items))
        return grouped


class DevelopmentActionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DevelopmentAction
        fields = ["what", "who", "due", "support_needed", "status"]
        widgets = {
            "due": forms.DateInput(attrs={"placeholder": "dd.mm.yyyy"}),
            "support_needed": forms.Textarea(attrs={"rows": 1}),
        }
        field_classes = {"due": PortalDateField}


class ReopenForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why is it reopened?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RelationshipForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = OrganizationRelationship
        fields = ["kind", "target", "since", "note"]
        widgets = {"target": RecordPicker()}
        field_classes = {"since": PastYearField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Organization.objects.for_user(user).filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        source, target, kind = (
            self.instance.source if self.instance.source_id else None,
            cleaned.get("target"),
            cleaned.get("kind"),
        )
        if source and target and target.pk == source.pk:
            raise ValidationError(_("An organization cannot be related to itself."))
        if source and target and kind:
            if OrganizationRelationship.objects.filter(source=source, target=target, kind=kind).exists():
                raise ValidationError(_("This relationship is already recorded."))
        return cleaned
