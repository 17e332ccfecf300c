"""Searchable pickers for choosing organizations and people from a registry of any size.

A `<select>` lists every record of the user's scope: at national scale (20,000 organizations) that is
a page of megabytes. A picker renders only the chosen records (ticked checkboxes, which submit without
JavaScript and are unticked to remove) and a search box that asks the server for a few matches
(`stakeholders:pick-organizations`, `stakeholders:pick-people`, static/js/record_picker.js).

The form field keeps its full scoped queryset: validation is unchanged, only the rendering is.
"""

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from mapping_portal.forms import posted_id


class RecordPicker(forms.Select):
    """Choose one record by searching; the chosen one is shown as a ticked checkbox.

    `search` names the endpoint: "organizations" or "people". `site_select` is the id of the
    form's pilot-site select whose value narrows the search; `site` a fixed pilot site instead
    (e.g. an application's, fixed by the page).
    """

    template_name = "partials/record_picker.html"
    multiple = False
    allow_multiple_selected = False

    def __init__(self, search="organizations", site_select=None, site=None, attrs=None):
        super().__init__(attrs)
        self.search = search
        self.site_select = site_select
        self.site = site

    def use_required_attribute(self, initial):
        # The checkboxes are for removing a choice; "required" on them would mean something else.
        return False

    def value_omitted_from_data(self, data, files, name):
        # An unticked choice sends nothing, which means "none" (as a checkbox), never "not in the form".
        return False

    def chosen(self, values):
        """The chosen records, in one query, among the field's own (scoped) queryset."""
        ids = [pk for pk in (posted_id(v) for v in values) if pk is not None]
        queryset = getattr(self.choices, "queryset", None)
        if not ids or queryset is None:
            return []
        label = getattr(self.choices.field, "label_from_instance", str)
        return [{"value": str(record.pk), "label": label(record)} for record in queryset.filter(pk__in=ids)]

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/partials/), not the form renderer's own directories.
        return mark_safe(render_to_string(template_name, context))

    def get_context(self, name, value, attrs):
        # Not ChoiceWidget.get_context: that walks every choice, which is what this widget avoids.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        search_url = reverse(f"stakeholders:pick-{self.search}")
        if self.site:
            search_url = f"{search_url}?site={self.site}"
        widget.update(
            {
                "multiple": self.multiple,
                "chosen": self.chosen(widget["value"]),
                "search_url": search_url,
                "site_select": self.site_select,
            }
        )
        return context


class RecordMultiPicker(RecordPicker):
    """Choose several records by searching; each chosen one is a ticked checkbox."""

    multiple = True
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)
