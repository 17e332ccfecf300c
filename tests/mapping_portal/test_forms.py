"""One way to render a form (crispy-forms, Bootstrap 5): read from the HTML of every main form page.

The broken rendering this replaced put `form-check-input` on the wrapper of a checkbox list (squeezing the list into
one box over the fields below), gave a group's label `for=""`, and left table cells without a label. These tests
read the markup; the browser gate (tests/browser/test_gate.py) checks the drawn page.
"""

from html.parser import HTMLParser

import pytest

from stakeholders.models import Organization
from tests.grants.conftest import make_call  # noqa: F401  (fixture)
from tests.helpers import url

CONTROLS = {"input", "select", "textarea"}
VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr", "area", "base", "col", "embed", "track"}


class Page(HTMLParser):
    """The page's controls with their ancestors, labels and legends — enough to check how forms are drawn."""

    def __init__(self, html):
        super().__init__()
        self.stack, self.controls, self.labels, self.wrappers = [], [], {}, []
        self.legends, self._legend = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element = {"tag": tag, "attrs": attrs, "ancestors": list(self.stack), "text": ""}
        if tag in CONTROLS:
            self.controls.append(element)
        elif "form-check-input" in (attrs.get("class") or ""):
            self.wrappers.append(element)
        if tag == "label":
            self.labels.setdefault(attrs.get("for"), []).append(element)
        if tag == "legend":
            self._legend = element
            self.legends.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index]["tag"] == tag:
                del self.stack[index:]
                break
        if tag == "legend":
            self._legend = None

    def handle_data(self, data):
        for element in self.stack:
            if element["tag"] in ("label", "legend"):
                element["text"] += data

    def visible_controls(self):
        for control in self.controls:
            attrs = control["attrs"]
            if attrs.get("type") in ("hidden", "submit", "button") or "hidden" in attrs:
                continue
            yield control

    def has_name(self, control):
        attrs = control["attrs"]
        if attrs.get("aria-label") or attrs.get("aria-labelledby"):
            return True
        if any(a["tag"] == "label" for a in control["ancestors"]):
            return True
        return bool(attrs.get("id") and self.labels.get(attrs["id"]))


@pytest.fixture
def form_pages(registry, make_organization, make_person, make_call):  # noqa: F811
    organization = make_organization(type_code="local-self-government")
    person = make_person()
    call = make_call(sites=("kyshtut",))
    return {
        "organization-create": url("stakeholders:organization-create", language="ky"),
        "organization-edit": url("stakeholders:organization-edit", organization.pk, language="ky"),
        "person-create": url("stakeholders:person-create", language="ky"),
        "person-edit": url("stakeholders:person-edit", person.pk, language="ky"),
        "event-create": url("dialogues:event-create", language="ky"),
        "platform-create": url("dialogues:platform-create", language="ky"),
        "plan-create": url("plans:plan-create", language="ky"),
        "call-create": url("grants:call-create", language="ky"),
        "call-edit": url("grants:call-edit", call.pk, language="ky"),
        "application-create": url("grants:application-create", call.pk, "kyshtut", language="ky"),
        "import-upload": url("stakeholders:import-upload", language="ky"),
        "assessment-start": url("stakeholders:assessment-create", organization.pk, language="ky"),
    }


def test_every_form_page_draws_choice_groups_as_a_fieldset_and_names_every_control(client_for, staff, form_pages):
    client = client_for(staff)
    for name, address in form_pages.items():
        response = client.get(address)
        assert response.status_code == 200, name
        page = Page(response.content.decode())
        # No wrapper carries the check box class: only the options themselves.
        assert page.wrappers == [], (name, [w["attrs"] for w in page.wrappers])
        # No label points at nothing.
        assert "" not in page.labels and None not in {k for k in page.labels if k is not None}, name
        for control in page.visible_controls():
            assert page.has_name(control), (name, control["attrs"].get("name"))
            if control["attrs"].get("type") in ("checkbox", "radio") and "form-check-input" in control["attrs"].get(
                "class", ""
            ):
                # An option of a group sits in a fieldset whose legend names the group; a single check box has its
                # own label.
                fieldsets = [a for a in control["ancestors"] if a["tag"] == "fieldset"]
                group = control["attrs"].get("id", "").rsplit("_", 1)[-1].isdigit()
                assert not group or fieldsets, (name, control["attrs"].get("name"))


def test_the_organization_form_groups_its_checkbox_lists_with_a_legend_and_marks_what_is_required(
    client_for, staff, registry
):
    page = Page(client_for(staff).get(url("stakeholders:organization-create", language="ky")).content.decode())
    legends = {" ".join(legend["text"].split()) for legend in page.legends}
    assert "Багыттар" in legends  # thematic directions
    assert "Максаттуу топтор" in legends  # target groups
    # "Youth" among the target groups: a check box of its own with its own label.
    youth = next(
        target for target, labels in page.labels.items() if any(label["text"].strip() == "Жаштар" for label in labels)
    )
    assert next(c for c in page.controls if c["attrs"].get("id") == youth)["attrs"]["type"] == "checkbox"
    # Type and site are required and say so; the two names share one legend that says at least one is needed.
    for field in ("id_type", "id_site"):
        assert "*" in page.labels[field][0]["text"], field
    assert any(legend["text"].strip().startswith("Аталышы*") for legend in page.legends)


def test_an_invalid_form_lists_every_error_with_a_link_to_its_field(client_for, staff, registry):
    response = client_for(staff).post(
        url("stakeholders:organization-create", language="ky"), {"name_ky": "", "version": "0"}
    )
    assert response.status_code == 200
    assert not Organization.objects.exists()
    html = response.content.decode()
    assert "data-error-summary" in html and 'role="alert"' in html
    assert 'href="#id_type"' in html and 'href="#id_site"' in html
    # The field itself is marked invalid beside its own error, for forms.js to focus it.
    page = Page(html)
    type_select = next(c for c in page.controls if c["attrs"].get("id") == "id_type")
    assert "is-invalid" in type_select["attrs"]["class"]


def test_a_filter_panels_model_choices_are_read_with_plain_queries_not_server_side_cursors(registry, staff):
    """style_filter_form: one SELECT per choice list (a server-side cursor costs three round trips), same choices."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mapping_portal.forms import style_filter_form
    from stakeholders.filters import OrganizationFilterSet

    plain = OrganizationFilterSet(queryset=Organization.objects.all(), user=staff).form
    styled = style_filter_form(OrganizationFilterSet(queryset=Organization.objects.all(), user=staff).form)
    with CaptureQueriesContext(connection) as queries:
        html = str(styled)
    assert queries and not [query for query in queries if query["sql"].startswith("DECLARE")]
    for name, field in plain.fields.items():
        if hasattr(field, "queryset"):
            assert list(styled.fields[name].choices) == list(field.choices), name
    assert 'class="form-select form-select-sm"' in html


@pytest.mark.parametrize("data", [None, {"site": "kyshtut", "type": "cso", "women_led": "true", "order": "-name"}])
def test_a_filter_panels_selects_are_drawn_exactly_as_djangos_templates_draw_them(registry, staff, data):
    """style_filter_form draws its selects in Python: the same HTML to the character, a choice selected or not."""
    from mapping_portal.forms import style_filter_form
    from stakeholders.filters import OrganizationFilterSet, PersonFilterSet

    for filterset in (OrganizationFilterSet, PersonFilterSet):
        kwargs = {"user": staff} if filterset is OrganizationFilterSet else {}
        plain = filterset(data, queryset=filterset._meta.model.objects.all(), **kwargs).form
        styled = style_filter_form(filterset(data, queryset=filterset._meta.model.objects.all(), **kwargs).form)
        selects = [name for name, field in plain.fields.items() if type(field.widget).__name__ == "Select"]
        assert len(selects) >= 3
        for name in selects:
            plain.fields[name].widget.attrs["class"] = styled.fields[name].widget.attrs["class"]
            assert type(styled.fields[name].widget).__name__ == "_QuickSelect"
            assert str(styled[name]) == str(plain[name]), name
    assert "selected>" in str(styled["site"]) or data is None


def test_a_plain_django_form_with_model_choices_can_be_styled_twice(sites):
    """Django's own choice iterator (not django-filter's) too, and a form styled again keeps working."""
    from django import forms

    from mapping_portal.forms import style_filter_form
    from mapping_portal.models import PilotSite

    class Form(forms.Form):
        site = forms.ModelChoiceField(PilotSite.objects.order_by("slug"), to_field_name="slug")
        sites = forms.ModelMultipleChoiceField(PilotSite.objects.order_by("slug"), required=False)

    form = style_filter_form(style_filter_form(Form({"site": "kyshtut"})))
    assert [value for value, _label in form.fields["site"].choices][1:] == ["akturpak", "kerben", "kyshtut"]
    assert len(list(form.fields["sites"].choices)) == 3
    assert '<option value="kyshtut" selected>' in str(form["site"]) and "multiple" in str(form["sites"])
    assert form.is_valid() and form.cleaned_data["site"].slug == "kyshtut"
