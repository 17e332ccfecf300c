"""URLs of the dialogues, under /<lang>/dialogues/."""

from django.urls import path

from dialogues.views import attendance, centres, events, follow_up, initiative_groups, outcomes, photos, results

app_name = "dialogues"

urlpatterns = [
    path("", events.event_list, name="event-list"),
    path("export.<str:fmt>", events.event_export, name="event-export"),
    path("attendance/export.<str:fmt>", attendance.attendance_export, name="attendance-export"),
    path("new/", events.event_create, name="event-create"),
    path("results/", results.results, name="results"),
    path("<int:pk>/", events.event_detail, name="event-detail"),
    path("<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("<int:pk>/attendance/", attendance.attendance_sheet, name="attendance-sheet"),
    path("<int:pk>/attendance/search/", attendance.attendance_search, name="attendance-search"),
    path("<int:pk>/attendance/add/", attendance.attendance_add, name="attendance-add"),
    path("<int:pk>/attendance/new-person/", attendance.attendance_new_person, name="attendance-new-person"),
    path("<int:pk>/attendance/tallies/", attendance.attendance_tallies, name="attendance-tallies"),
    path("<int:pk>/attendance/blank/", attendance.attendance_blank_sheet, name="blank-sheet"),
    path("<int:pk>/knowledge-check/", outcomes.knowledge_check, name="knowledge-check"),
    path("<int:pk>/actions/", follow_up.action_add, name="action-add"),
    path("<int:pk>/actions/<int:action_pk>/", follow_up.action_status, name="action-status"),
    path("<int:pk>/photos/", photos.photo_add, name="photo-add"),
    path("<int:pk>/photos/<int:photo_pk>/remove/", photos.photo_remove, name="photo-remove"),
    path("centres/", centres.platform_list, name="platform-list"),
    path("centres/export.<str:fmt>", centres.platform_export, name="platform-export"),
    path("centres/new/", centres.platform_create, name="platform-create"),
    path("centres/<int:pk>/", centres.platform_detail, name="platform-detail"),
    path("centres/<int:pk>/edit/", centres.platform_edit, name="platform-edit"),
    path("initiative-groups/", initiative_groups.initiative_groups, name="initiative-groups"),
    path(
        "initiative-groups/<int:organization_pk>/",
        initiative_groups.initiative_group_edit,
        name="initiative-group-edit",
    ),
]
