"""Forms of the small grants: a call with its criteria, an application with its budget lines, the workflow's
decisions, reviews, awards and tranches. Amounts are typed in som; anything else gets a clear message."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from grants import limits
from grants.models import (
    ApplicantRegistration,
    ApplicationStatus,
    Award,
    BudgetLine,
    GrantApplication,
    GrantCall,
    GrantReport,
    ProjectKind,
    ReviewCriterion,
)
from mapping_portal import access
from mapping_portal.forms import (
    TEXT_LIMIT,
    BootstrapFormMixin,
    PortalDateField,
    SomField,
    VersionCheckedForm,
)
from mapping_portal.images import clean_image
from mapping_portal.models import PilotSite, User
from mapping_portal.text import format_amount
from mapping_portal.widgets import RecordMultiPicker, RecordPicker
from stakeholders.models import Organization, Person

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd.mm.yyyy"})


class NotSaved(Exception):
    """A save refused as a whole (a limit of the grants); the form carries the message."""


# --- Calls --------------------------------------------------------------------------------------------


class GrantCallForm(VersionCheckedForm):
    sites = forms.ModelMultipleChoiceField(
        label=_("Pilot sites"), queryset=PilotSite.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    kinds = forms.MultipleChoiceField(
        label=_("Project kinds"), choices=ProjectKind.choices, widget=forms.CheckboxSelectMultiple
    )
    envelope = SomField(label=_("Envelope (som)"), help_text=_("All awards of the call together."))
    max_per_grant = SomField(label=_("Maximum per grant (som)"))

    class Meta:
        model = GrantCall
        fields = [
            "title_ky",
            "title_ru",
            "title_en",
            "description_ky",
            "description_ru",
            "description_en",
            "sites",
            "kinds",
            "opens_on",
            "closes_on",
            "envelope",
            "max_per_grant",
            "status",
            "accepts_online_applications",
            "requires_training",
            "training_days",
            "training_sites",
        ]
        widgets = {
            "training_sites": forms.CheckboxSelectMultiple,
            "opens_on": DATE_WIDGET,
            "closes_on": DATE_WIDGET,
            "description_ky": forms.Textarea(attrs={"rows": 3}),
            "description_ru": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"opens_on": PortalDateField, "closes_on": PortalDateField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = PilotSite.objects.for_user(user)
        self.fields["training_sites"].queryset = PilotSite.objects.all()
        self.fields["training_days"].required = False
        self.fields["title_ky"].help_text = _("At least one of the Kyrgyz and Russian titles.")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_ky", "").strip() or cleaned.get("title_ru", "").strip()):
            self.add_error("title_ky", _("Give the title in Kyrgyz, in Russian, or both."))
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        envelope, maximum = cleaned.get("envelope"), cleaned.get("max_per_grant")
        if envelope and maximum and maximum > envelope:
            self.add_error("max_per_grant", _("The maximum per grant cannot be more than the whole envelope."))
        if envelope and self.instance.pk:
            try:
                self.check_envelope(envelope)
            except ValidationError as error:
                self.add_error("envelope", error)
        return cleaned

    def check_envelope(self, envelope):
        """The envelope cannot go below what the call has already awarded (summed in SQL)."""
        awarded = Award.objects.filter(call=self.instance.pk).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if envelope < awarded:
            raise ValidationError(
                _("%(awarded)s som are already awarded in this call: the envelope cannot be less.")
                % {"awarded": format_amount(awarded)},
                code="awards_within_envelope",
            )

    def clean_training_days(self):
        return self.cleaned_data.get("training_days") or 3

    def save_with_criteria(self, user, criteria=None):
        """Save the call and its criteria (`criteria`, a bound and valid CriterionFormSet) in one transaction; a new
        call gets the default review criteria. The call row is locked before the envelope is checked again (an award
        approved since `clean()` counts); a limit the database still refuses becomes the form's message. Raises
        NotSaved (nothing saved, the form says why) or ChangedMeanwhile."""
        new = self.instance.pk is None
        try:
            with limits.held():
                call = self.save_checked(user)
                if criteria is not None:
                    criteria.instance = call
                    criteria.save()
                if not call.criteria.exists():
                    call.add_default_criteria()
        except ValidationError as error:
            if new:  # rolled back: the page stays the form of a new call
                self.instance.pk, self.instance._state.adding = None, True
            self.add_error(limits.CALL_FIELDS.get(error.code), error)
            raise NotSaved from error
        return call

    def before_save(self, user):
        """Runs with the call row locked (save_checked): approvals of this call wait until this save commits."""
        if not self.instance.pk:
            self.instance.created_by = user
        else:
            self.check_envelope(self.instance.envelope)


class CriterionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewCriterion
        fields = ["name_ky", "name_ru", "name_en", "weight", "guidance", "order"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(_("A call needs at least one review criterion."))
        total = sum(form.cleaned_data["weight"] for form in kept)
        if total != 100:
            raise ValidationError(
                _("The weights of the criteria add up to %(total)s%%; they must add up to 100%%.") % {"total": total}
            )
        for form in kept:
            data = form.cleaned_data
            if not (data.get("name_ky") or data.get("name_ru") or data.get("name_en")):
                form.add_error("name_ky", _("Name the criterion."))
        if any(form.errors for form in self.forms):
            raise ValidationError(_("Every criterion needs a name."))

    def save_new(self, form, commit=True):
        from django.utils.text import slugify

        form.instance.code = slugify(form.cleaned_data.get("name_en") or "") or f"criterion-{form.prefix}"
        return super().save_new(form, commit)


CriterionFormSet = forms.inlineformset_factory(
    GrantCall,
    ReviewCriterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    absolute_max=20,
    validate_max=True,
)


# --- Applications -------------------------------------------------------------------------------------


class ApplicationForm(VersionCheckedForm):
    """What the applicants wrote on the paper form; the call and pilot site are fixed by the page."""

    class Meta:
        model = GrantApplication
        fields = [
            "kind",
            "title",
            "lead_applicant",
            "team",
            "organization",
            "problem",
            "objectives",
            "activities",
            "team_note",
            "girls",
            "boys",
            "young_women",
            "young_men",
            "women",
            "men",
        ]
        widgets = {
            "team_note": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(
                attrs={"rows": 4, "placeholder": _("One activity per line, with its dates: 01.05–15.05 …")}
            ),
            # Searchable pickers, narrowed to the application's pilot site in __init__.
            "lead_applicant": RecordPicker(search="people"),
            "team": RecordMultiPicker(search="people"),
            "organization": RecordPicker(),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        application = self.instance
        self.set_record_choices(user, application)
        self.fields["kind"].choices = [(k, label) for k, label in ProjectKind.choices if k in application.call.kinds]
        for name in ("girls", "boys", "young_women", "young_men", "women", "men"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs["min"] = 0
            self.fields[name].error_messages["invalid"] = _("Give the number of people as a whole number.")

    def set_record_choices(self, user, application):
        """Staff pick the lead applicant, the team and the organization from the registry (their sites)."""
        people = Person.objects.for_user(user).filter(site=application.site, is_active=True)
        self.fields["lead_applicant"].queryset = people
        self.fields["team"].queryset = people
        self.fields["team"].required = False
        self.fields["organization"].queryset = Organization.objects.for_user(user).filter(
            site=application.site, is_active=True
        )
        for name in ("lead_applicant", "team", "organization"):
            self.fields[name].widget.site = application.site_id

    def clean(self):
        cleaned = super().clean()
        lead, team = cleaned.get("lead_applicant"), cleaned.get("team")
        if lead and team is not None:
            cleaned["team"] = [person for person in team if person.pk != lead.pk]
        return cleaned


class ApplicantApplicationForm(ApplicationForm):
    """The same application written online by the lead applicant's account. The registry is not theirs to search:
    the lead applicant is their own person (set by the page), the team is named in words (staff link the people),
    and the organization is one their person is a member of."""

    class Meta(ApplicationForm.Meta):
        fields = [name for name in ApplicationForm.Meta.fields if name not in {"lead_applicant", "team"}]
        widgets = {
            name: widget
            for name, widget in ApplicationForm.Meta.widgets.items()
            if name not in {"lead_applicant", "team", "organization"}
        }

    def set_record_choices(self, user, application):
        self.fields["organization"].queryset = Organization.objects.filter(
            memberships__person=application.lead_applicant_id,
            site=application.site_id,
            is_active=True,
            merged_into__isnull=True,
        ).distinct()
        self.fields["organization"].empty_label = _("None: we apply as a group of people")


class BudgetLineForm(BootstrapFormMixin, forms.ModelForm):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=100000,
        error_messages={
            "invalid": _(
                "The quantity is a whole number of units; for part of a unit choose a smaller unit (kg, not tonne)."
            ),
            "min_value": _("The quantity must be at least 1."),
            "max_value": _("The quantity cannot be more than 100 000: check it."),
        },
    )
    unit_cost = SomField(label=_("Unit cost (som)"), max_value=Decimal("10000000"))
    co_funding = SomField(label=_("Co-funding (som)"), required=False, min_value=Decimal("0"))

    class Meta:
        model = BudgetLine
        fields = ["item", "unit", "quantity", "unit_cost", "co_funding"]

    def clean_co_funding(self):
        return self.cleaned_data.get("co_funding") or Decimal("0")

    @property
    def line_total(self):
        data = getattr(self, "cleaned_data", {})
        if data.get("quantity") and data.get("unit_cost"):
            return data["quantity"] * data["unit_cost"]
        return None


class BaseBudgetLineFormSet(forms.BaseInlineFormSet):
    """The budget: requested = the sum of the lines, which must stay within the call's maximum per grant."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        requested = sum((form.line_total or 0 for form in kept), Decimal("0"))
        maximum = self.instance.call.max_per_grant
        if requested > maximum:
            raise ValidationError(
                _("The budget asks for %(requested)s som, more than the call's maximum of %(maximum)s som per grant.")
                % {"requested": format_amount(requested), "maximum": format_amount(maximum)},
                code="over_maximum",
            )
        self.requested = requested


BudgetLineFormSet = forms.inlineformset_factory(
    GrantApplication,
    BudgetLine,
    form=BudgetLineForm,
    formset=BaseBudgetLineFormSet,
    extra=3,
    can_delete=True,
    max_num=60,
    absolute_max=60,
    validate_max=True,
)


def save_application(form, lines, user):
    """Save the application and its budget lines in one transaction, with the version check; the stored
    requested amount and co-funding are summed from the saved lines."""
    with transaction.atomic():
        if not form.instance.pk:
            form.instance.created_by = user
        application = form.save_checked(user)
        lines.instance = application
        lines.save()
        application.requested_amount, application.co_funding_amount = application.totals_from_lines()
        application._history_user = user
        application.save(update_fields=["requested_amount", "co_funding_amount", "updated_at"])
    return application


# --- Reviews ---------------------------------------------------------------------------------------------


class AssignReviewerForm(BootstrapFormMixin, forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None, empty_label=_("Choose a reviewer"))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        taken = application.reviews.values("reviewer") if application is not None else []
        self.fields["reviewer"].queryset = access.reviewers(User.objects.all()).exclude(pk__in=taken)


class DeclarationForm(BootstrapFormMixin, forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest with the applicants, their team or their organization.")),
            (
                "yes",
                _("I have a conflict of interest (family, work, money or another tie): I withdraw from this review."),
            ),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have a conflict of interest.")},
    )
    conflict_note = forms.CharField(
        label=_("If you have a conflict: what is it?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confidentiality = forms.BooleanField(
        label=_("I will keep the application, the scores and the discussion confidential."), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScoreForm(BootstrapFormMixin, forms.Form):
    """A score 1–5 and a comment per criterion, the recommendation and an overall comment."""

    recommendation = forms.ChoiceField(label=_("Recommendation"), required=False, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria=(), scores=None, **kwargs):
        from grants.models import Review

        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        self.fields["recommendation"].choices = Review.Recommendation.choices
        for criterion in self.criteria:
            given = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
                coerce=int,
                empty_value=None,
                required=False,
                initial=given.score if given else None,
                error_messages={"invalid_choice": _("Choose a score from 1 to 5.")},
                widget=forms.Select(attrs={"data-weight": criterion.weight, "class": "review-score"}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                initial=given.comment if given else "",
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        # BootstrapFormMixin ran before these fields existed.
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"].widget.attrs["class"] = "form-select review-score"
            self.fields[f"comment_{criterion.pk}"].widget.attrs["class"] = "form-control"

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self):
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }


# --- Tranches ------------------------------------------------------------------------------------------------


class ApplicationStepForm(forms.Form):
    """A workflow button on an application's page, as posted: the status it moves to, the version the page showed,
    the comment typed beside it (the amount of an approval is read by the view like every amount)."""

    to = forms.ChoiceField(choices=ApplicationStatus.choices)
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1)
    comment = forms.CharField(required=False, strip=False, max_length=TEXT_LIMIT, label=_("Comment"))


class TrancheForm(BootstrapFormMixin, forms.Form):
    planned_date = PortalDateField(label=_("Planned date"), widget=DATE_WIDGET)
    planned_amount = SomField(label=_("Planned amount (som)"))


class PaymentForm(BootstrapFormMixin, forms.Form):
    paid_date = PortalDateField(label=_("Paid on"), widget=DATE_WIDGET)
    paid_amount = SomField(label=_("Amount paid (som)"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_paid_date(self):
        from django.utils import timezone

        paid = self.cleaned_data["paid_date"]
        if paid > timezone.localdate():
            raise ValidationError(_("A payment cannot be recorded for a future date."))
        return paid


# --- Reports -------------------------------------------------------------------------------------------------


class ReportForm(BootstrapFormMixin, forms.ModelForm):
    """A progress or final report with what was spent per budget line (a field per line) and, optionally, a photo."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("JPEG, PNG, WebP or GIF, up to 8 MB. It is re-saved without its metadata (no GPS position)."),
    )
    caption = forms.CharField(label=_("Caption of the photo"), required=False, max_length=300)

    class Meta:
        model = GrantReport
        fields = ["kind", "period_end", "text"]
        widgets = {"period_end": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"period_end": PortalDateField}

    def __init__(self, *args, award=None, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.award, self.lines = award, list(lines)
        for line in self.lines:
            field = SomField(label=line.item, required=False, min_value=Decimal("0"))
            field.widget.attrs["class"] = "form-control"
            self.fields[f"spent_{line.pk}"] = field

    def spending_fields(self):
        return [(line, self[f"spent_{line.pk}"]) for line in self.lines]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if kind == "final" and self.award.reports.filter(kind="final").exists():
            raise ValidationError(_("The final report of this grant is already recorded."))
        return kind

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        self.cleaned_photo = clean_image(upload, max_bytes=8 * 1024 * 1024, max_side=2000, thumb_side=320)
        return self.cleaned_photo.full

    def save_report(self, user):
        from grants.models import ReportPhoto, ReportSpending

        with transaction.atomic():
            report = self.save(commit=False)
            report.award, report.created_by = self.award, user
            report._history_user = user
            report.save()
            for line in self.lines:
                spent = self.cleaned_data.get(f"spent_{line.pk}")
                if spent is not None:
                    ReportSpending.objects.create(report=report, budget_line=line, spent=spent)
            if self.cleaned_data.get("photo"):
                photo = ReportPhoto(report=report, caption=self.cleaned_data.get("caption", ""), uploaded_by=user)
                photo.store(self.cleaned_photo)
                photo.save()
        return report


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Document"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
        help_text=_("PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx), up to 10 MB."),
    )
    name = forms.CharField(label=_("What it is"), max_length=200, required=False)

    def clean_file(self):
        from grants.attachments import check_attachment

        upload = self.cleaned_data["file"]
        self.kind = check_attachment(upload)
        return upload


# --- Applicant accounts --------------------------------------------------------------------------------------

LANGUAGE_CHOICES = [("ky", "Кыргызча"), ("ru", "Русский")]


class InviteApplicantForm(BootstrapFormMixin, forms.Form):
    """Create an applicant account for the person of the page and send the invitation."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None and not self.is_bound:
            self.initial["email"] = person.email


class LinkApplicantForm(BootstrapFormMixin, forms.Form):
    """Link an existing applicant user (with no person yet) to the person of the page."""

    user = forms.ModelChoiceField(label=_("Applicant user"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            role="applicant", is_active=True, applicant_account__isnull=True
        ).order_by("username")


class ApplicantRegistrationForm(BootstrapFormMixin, forms.ModelForm):
    """The public form: who asks for an applicant account, from which pilot site, and why."""

    consent = forms.BooleanField(
        label=_(
            "I agree that the project keeps these details to check them against its records and to contact me about "
            "small grants."
        )
    )

    class Meta:
        model = ApplicantRegistration
        fields = ["full_name", "email", "phone", "site", "statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}
        help_texts = {
            "full_name": _("In Cyrillic, as in the passport."),
            "statement": _("A few lines: who you are, which training you attended, your project idea."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = PilotSite.objects.all()
        self.fields["site"].empty_label = None


class ConfirmRegistrationForm(BootstrapFormMixin, forms.Form):
    """Confirm a registration: the registry person it is (among those like it), or a new person created from it."""

    NEW = "new"
    person = forms.ChoiceField(label=_("The person in the registry"), widget=forms.RadioSelect)
    sex = forms.ChoiceField(
        label=_("Sex (to create the person's record)"),
        required=False,
        choices=[("", "—"), ("female", _("female")), ("male", _("male"))],
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {person.pk: person for person in candidates}
        choices = [
            (str(person.pk), f"{person.full_name}{f', {person.birth_year}' if person.birth_year else ''}")
            for person in candidates
        ]
        self.fields["person"].choices = [*choices, (self.NEW, _("None of these: create a new person"))]
        if not choices:
            self.fields["person"].initial = self.NEW

    def clean(self):
        data = super().clean()
        choice = data.get("person")
        if choice == self.NEW:
            if not data.get("sex"):
                self.add_error("sex", _("Choose the person's sex to create their record."))
            data["person_obj"] = None
        elif choice:
            person = self.candidates.get(int(choice))
            if person is None:
                self.add_error("person", _("Choose one of the people listed."))
            data["person_obj"] = person
        return data
