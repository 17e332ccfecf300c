"""URLs of the small grants, under /<lang>/grants/."""

from django.urls import path

from grants import views

app_name = "grants"

urlpatterns = [
    path("", views.call_list, name="call-list"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:call_pk>/apply/<slug:site>/", views.application_create, name="application-create"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/export.<str:fmt>", views.application_export, name="application-export"),
    path("applications/applicants.<str:fmt>", views.applicant_export, name="applicant-export"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/status/", views.application_transition, name="application-transition"),
]

urlpatterns += [
    path("applications/<int:pk>/reviewers/", views.review_assign, name="review-assign"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("calls/<int:pk>/ranking/", views.call_ranking, name="call-ranking"),
]

urlpatterns += [
    path("applications/<int:pk>/tranches/", views.tranche_add, name="tranche-add"),
    path("applications/<int:pk>/tranches/<int:tranche_pk>/pay/", views.tranche_pay, name="tranche-pay"),
]

urlpatterns += [
    path("applications/<int:pk>/decision-<str:language>.pdf", views.decision_letter, name="decision-letter"),
]

urlpatterns += [
    path("applications/<int:pk>/reports/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
]

urlpatterns += [path("applications/<int:pk>/attachments/", views.attachment_add, name="attachment-add")]
