"""URLs of the small grants, under /<lang>/grants/."""

from django.urls import path

from grants.views import accounts, applications, awards, calls, documents, ranking, reviews

app_name = "grants"

urlpatterns = [
    path("", calls.call_list, name="call-list"),
    path("calls/new/", calls.call_create, name="call-create"),
    path("calls/<int:pk>/", calls.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call-edit"),
    path("calls/<int:call_pk>/apply/<slug:site>/", applications.application_create, name="application-create"),
    path("applications/", applications.application_list, name="application-list"),
    path("applications/export.<str:fmt>", applications.application_export, name="application-export"),
    path("applications/applicants.<str:fmt>", applications.applicant_export, name="applicant-export"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application-edit"),
    path("applications/<int:pk>/status/", applications.application_transition, name="application-transition"),
]

urlpatterns += [
    path("applications/<int:pk>/reviewers/", reviews.review_assign, name="review-assign"),
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review-detail"),
    path("calls/<int:pk>/ranking/", ranking.call_ranking, name="call-ranking"),
]

urlpatterns += [
    path("applications/<int:pk>/tranches/", awards.tranche_add, name="tranche-add"),
    path("applications/<int:pk>/tranches/<int:tranche_pk>/pay/", awards.tranche_pay, name="tranche-pay"),
]

urlpatterns += [
    path("applications/<int:pk>/decision-<str:language>.pdf", documents.decision_letter, name="decision-letter"),
]

urlpatterns += [
    path("applications/<int:pk>/reports/new/", awards.report_create, name="report-create"),
    path("reports/<int:pk>/", awards.report_detail, name="report-detail"),
]

urlpatterns += [path("applications/<int:pk>/attachments/", documents.attachment_add, name="attachment-add")]

urlpatterns += [
    path("people/<int:person_pk>/applicant-account/invite/", accounts.account_invite, name="applicant-invite"),
    path("people/<int:person_pk>/applicant-account/link/", accounts.account_link, name="applicant-link"),
    path("applicant-accounts/<int:pk>/invite-again/", accounts.account_invite_again, name="applicant-invite-again"),
    path("register/", accounts.register, name="applicant-register"),
    path("register/sent/", accounts.register_done, name="applicant-register-done"),
    path("registrations/", accounts.registration_list, name="registration-list"),
    path("registrations/<int:pk>/", accounts.registration_detail, name="registration-detail"),
    path("registrations/<int:pk>/refuse/", accounts.registration_refuse, name="registration-refuse"),
]
