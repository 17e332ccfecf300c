"""Template filters of the small grants (amounts in som come from the portal's library: `{% load portal %}`)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def subtract(value, other):
    """value − other, for amounts (what is left of a budget line)."""
    return Decimal(value or 0) - Decimal(other or 0)


@register.simple_tag(takes_context=True)
def applicant_account_of(context, person):
    """The "Applicant account" section of a person's page, for those who manage it (`access.
    can_manage_applicant_account_of`), else None: the person's accounts, and the forms to invite or link one.
    Two queries (the accounts with their users; the applicant users not linked yet, for the link form)."""
    from grants.forms import InviteApplicantForm, LinkApplicantForm
    from grants.models import ApplicantAccount
    from mapping_portal import access

    user = context["request"].user
    if not access.can_manage_applicant_account_of(user, person):
        return None
    linked = list(ApplicantAccount.objects.filter(person=person).select_related("user", "invited_by"))
    link_form = LinkApplicantForm(auto_id="applicant-link-%s")
    return {
        "accounts": linked,
        "invite_form": InviteApplicantForm(person=person, auto_id="applicant-invite-%s"),
        "link_form": link_form,
        "unlinked": list(link_form.fields["user"].queryset),
    }
