"""URLs of the registry, under /<lang>/stakeholders/."""

from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("export.<str:fmt>", views.organization_export, name="organization-export"),
    path("new/", views.organization_create, name="organization-create"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
    path("<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("<int:pk>/active/", views.organization_set_active, name="organization-set-active"),
    path("people/", views.person_list, name="person-list"),
    path("people/export.<str:fmt>", views.person_export, name="person-export"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/memberships/", views.membership_add, name="membership-add"),
    path("people/<int:pk>/memberships/<int:membership_pk>/remove/", views.membership_remove, name="membership-remove"),
]
