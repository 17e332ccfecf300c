"""URLs of the dialogues, under /<lang>/dialogues/."""

from django.urls import path

from dialogues import views

app_name = "dialogues"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("export.<str:fmt>", views.event_export, name="event-export"),
    path("attendance/export.<str:fmt>", views.attendance_export, name="attendance-export"),
    path("new/", views.event_create, name="event-create"),
    path("results/", views.results, name="results"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("<int:pk>/attendance/", views.attendance_sheet, name="attendance-sheet"),
    path("<int:pk>/attendance/search/", views.attendance_search, name="attendance-search"),
    path("<int:pk>/attendance/add/", views.attendance_add, name="attendance-add"),
    path("<int:pk>/attendance/new-person/", views.attendance_new_person, name="attendance-new-person"),
    path("<int:pk>/attendance/tallies/", views.attendance_tallies, name="attendance-tallies"),
    path("<int:pk>/attendance/blank/", views.attendance_blank_sheet, name="blank-sheet"),
    path("<int:pk>/actions/", views.action_add, name="action-add"),
    path("<int:pk>/actions/<int:action_pk>/", views.action_status, name="action-status"),
    path("<int:pk>/photos/", views.photo_add, name="photo-add"),
    path("<int:pk>/photos/<int:photo_pk>/remove/", views.photo_remove, name="photo-remove"),
    path("centres/", views.platform_list, name="platform-list"),
    path("centres/export.<str:fmt>", views.platform_export, name="platform-export"),
    path("centres/new/", views.platform_create, name="platform-create"),
    path("centres/<int:pk>/", views.platform_detail, name="platform-detail"),
    path("centres/<int:pk>/edit/", views.platform_edit, name="platform-edit"),
    path("initiative-groups/", views.initiative_groups, name="initiative-groups"),
    path("initiative-groups/<int:organization_pk>/", views.initiative_group_edit, name="initiative-group-edit"),
]
