"""The roles a user can hold (DESIGN.md §1); what each may do is in access.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    STAFF = "staff", _("project staff")
    LOCAL_AUTHORITY = "local_authority", _("local authority")
    REVIEWER = "reviewer", _("grant reviewer")
    VIEWER = "viewer", _("viewer")
    # A grant applicant's team with an account: their own applications to calls that take them online, nothing else.
    APPLICANT = "applicant", _("grant applicant")
