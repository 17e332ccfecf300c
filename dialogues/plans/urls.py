"""URLs of the conflict-prevention plans, under /<lang>/plans/."""

from django.urls import path

from dialogues.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("export.<str:fmt>", views.plan_export, name="plan-export"),
    path("actions/export.<str:fmt>", views.plan_action_export, name="plan-action-export"),
    path("new/", views.plan_create, name="plan-create"),
    path("sites/<slug:slug>/", views.site_dashboard, name="site-dashboard"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/risks/new/", views.risk_form, name="risk-create"),
    path("<int:pk>/risks/<int:risk_pk>/", views.risk_form, name="risk-edit"),
    path("<int:pk>/actions/new/", views.action_form, name="action-create"),
    path("<int:pk>/actions/<int:action_pk>/", views.action_form, name="action-edit"),
    path("<int:pk>/actions/<int:action_pk>/progress/", views.action_progress, name="action-progress"),
    path("<int:pk>/<str:kind>/<int:item_pk>/remove/", views.item_delete, name="item-delete"),
    path("<int:pk>/comments/", views.comment_add, name="comment-add"),
    path("<int:pk>/comments/<int:comment_pk>/resolve/", views.comment_resolve, name="comment-resolve"),
    path("<int:pk>/transition/", views.plan_transition, name="plan-transition"),
    path("<int:pk>/new-version/", views.plan_new_version, name="plan-new-version"),
    path("<int:pk>/changes/", views.plan_diff_page, name="plan-diff"),
    path("<int:pk>/pdf/<str:language>/", views.plan_pdf_download, name="plan-pdf"),
]
