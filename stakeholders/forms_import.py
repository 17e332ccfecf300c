"""The upload form of an import: what is imported, and the file (its size checked before it is read)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mapping_portal import access
from mapping_portal.forms import BootstrapFormMixin
from stakeholders.importing.limits import MAX_COLUMNS, MAX_FILE_SIZE, MAX_ROWS
from stakeholders.models import ImportBatch


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What does the file hold?"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can_view_personal_data(user):
            self.fields["kind"].choices = [(ImportBatch.Kind.ORGANIZATIONS, ImportBatch.Kind.ORGANIZATIONS.label)]
        self.fields["file"].help_text = _(
            "CSV or XLSX (Excel), at most %(size)s MB, %(rows)s rows and %(columns)s columns: the template, an export "
            "of the portal's lists, or a KoboToolbox export."
        ) % {"size": MAX_FILE_SIZE // 1024 // 1024, "rows": f"{MAX_ROWS:,}".replace(",", " "), "columns": MAX_COLUMNS}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files."),
                params={"size": round(upload.size / 1024 / 1024, 1), "limit": MAX_FILE_SIZE // 1024 // 1024},
            )
        return upload
