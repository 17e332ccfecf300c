"""Reviews: staff assign reviewers; a reviewer's list of assignments and review page (declaration, then scores)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants import workflow
from grants.forms import AssignReviewerForm, DeclarationForm, ScoreForm
from grants.models import GrantApplication, Review, Score
from mapping_portal import access
from mapping_portal.shortcuts import error_messages, get_for_user_or_404, require


@login_required
@require_POST
def review_assign(request, pk):
    application = get_for_user_or_404(GrantApplication, request.user, pk=pk)
    require(access.can_manage_grants(request.user))
    form = AssignReviewerForm(request.POST, application=application)
    if form.is_valid():
        try:
            workflow.assign_reviewer(application, form.cleaned_data["reviewer"], request.user)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("%(name)s was assigned.") % {"name": form.cleaned_data["reviewer"]})
    else:
        messages.error(request, _("Choose a reviewer from the list."))
    return redirect("grants:application-detail", pk=application.pk)


@login_required
def review_list(request):
    """A reviewer's assignments."""
    user = request.user
    require(access.can_review_applications(user))
    reviews = (
        Review.objects.assigned_to(user)
        .select_related("application__call", "application__site")
        .order_by("status", "-assigned_at")
    )
    return render(request, "grants/review_list.html", {"reviews": reviews})


@login_required
def review_detail(request, pk):
    """The reviewer's page: the declaration first, then the scores with a running total; other reviewers'
    reviews only once their own is submitted (blind review)."""
    user = request.user
    review = get_object_or_404(
        Review.objects.assigned_to(user).select_related(
            "application__call", "application__site", "application__lead_applicant", "application__organization"
        ),
        pk=pk,
    )
    application = review.application
    criteria = list(application.call.criteria.all())
    declaration = score_form = None
    if request.method == "POST" and review.status == Review.Status.ASSIGNED:
        declaration = DeclarationForm(request.POST)
        if declaration.is_valid():
            data = declaration.cleaned_data
            try:
                review = workflow.declare(
                    review,
                    user,
                    conflict=data["conflict"],
                    note=data["conflict_note"],
                    confidentiality=data["confidentiality"],
                    version=data["version"],
                )
            except ValidationError as error:
                declaration.add_error(None, error)
            else:
                if review.status == Review.Status.RECUSED:
                    messages.info(
                        request, _("Your conflict of interest is recorded; you are withdrawn from this review.")
                    )
                    return redirect("grants:review-list")
                return redirect("grants:review-detail", pk=review.pk)
    elif request.method == "POST" and review.status == Review.Status.SCORING:
        score_form = ScoreForm(request.POST, criteria=criteria)
        if score_form.is_valid():
            data = score_form.cleaned_data
            try:
                review = workflow.score(
                    review,
                    user,
                    score_form.scores(),
                    recommendation=data["recommendation"],
                    comment=data["comment"],
                    submit="submit" in request.POST,
                    version=data["version"],
                )
            except ValidationError as error:
                score_form.add_error(None, error)
            else:
                if review.status == Review.Status.SUBMITTED:
                    messages.success(request, _("Your review was submitted. Thank you."))
                else:
                    messages.success(request, _("Your scores were saved; submit when you are done."))
                return redirect("grants:review-detail", pk=review.pk)
    elif request.method == "POST":
        messages.error(request, _("This review can no longer be changed."))
        return redirect("grants:review-detail", pk=review.pk)
    if review.status == Review.Status.ASSIGNED and declaration is None:
        declaration = DeclarationForm(initial={"version": review.version})
    if review.status == Review.Status.SCORING and score_form is None:
        given = {s.criterion_id: s for s in review.scores.all()}
        score_form = ScoreForm(
            initial={"version": review.version, "recommendation": review.recommendation, "comment": review.comment},
            criteria=criteria,
            scores=given,
        )
    others = []
    if review.status == Review.Status.SUBMITTED:
        # Blind until submitted: only now the reviewer sees the others' submitted reviews.
        others = (
            application.reviews.filter(status=Review.Status.SUBMITTED)
            .exclude(pk=review.pk)
            .select_related("reviewer")
            .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        )
    return render(
        request,
        "grants/review_detail.html",
        {
            "review": review,
            "application": application,
            "criteria": criteria,
            "declaration": declaration,
            "form": score_form,
            "own_scores": review.scores.select_related("criterion") if review.status == Review.Status.SUBMITTED else [],
            "others": others,
            "lines": application.budget_lines.all(),
        },
    )
