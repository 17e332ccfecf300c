"""Admin of the small grants, for administrators' repairs; every change keeps its history. Status and money
still obey the database's limits (awards within the envelope, tranches within the award)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from grants import limits
from grants.models import (
    ApplicantAccount,
    Award,
    BudgetLine,
    GrantApplication,
    GrantCall,
    Review,
    ReviewCriterion,
    Score,
    Tranche,
)


class LimitsHeldAdmin(SimpleHistoryAdmin):
    """A change the database refuses (a money limit) is said on the page, rolled back whole, instead of a 500."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            with limits.held():
                return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class CriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


@admin.register(GrantCall)
class GrantCallAdmin(LimitsHeldAdmin):
    list_display = [
        "__str__",
        "opens_on",
        "closes_on",
        "envelope",
        "max_per_grant",
        "status",
        "accepts_online_applications",
    ]
    list_filter = ["status", "sites", "accepts_online_applications"]
    inlines = [CriterionInline]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    readonly_fields = ["total"]


@admin.register(GrantApplication)
class GrantApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "call", "site", "lead_applicant", "requested_amount", "status"]
    list_filter = ["status", "call", "site", "kind"]
    search_fields = ["title"]
    raw_id_fields = ["lead_applicant", "team", "organization"]
    readonly_fields = ["status", "requested_amount", "co_funding_amount", "submitted_at"]
    inlines = [BudgetLineInline]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["application", "reviewer", "status", "recommendation", "weighted_total"]
    list_filter = ["status", "recommendation"]
    inlines = [ScoreInline]


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0


@admin.register(Award)
class AwardAdmin(LimitsHeldAdmin):
    list_display = ["application", "call", "amount", "decided_by", "decided_at"]
    list_filter = ["call"]
    inlines = [TrancheInline]


@admin.register(ApplicantAccount)
class ApplicantAccountAdmin(SimpleHistoryAdmin):
    """Accounts of applicants' teams: a user with the role "grant applicant" linked to their person in the registry
    (the model's clean() refuses any other role). Create the user first, with that role and no pilot site."""

    list_display = ["user", "person", "created_at"]
    search_fields = ["user__username", "person__full_name"]
    raw_id_fields = ["person"]
