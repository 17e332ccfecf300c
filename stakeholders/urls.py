"""URLs of the registry, under /<lang>/stakeholders/."""

from django.urls import path

from stakeholders.views import assessments, duplicates, pickers, registry

app_name = "stakeholders"

urlpatterns = [
    path("", registry.organization_list, name="organization-list"),
    path("export.<str:fmt>", registry.organization_export, name="organization-export"),
    path("new/", registry.organization_create, name="organization-create"),
    path("similar/", registry.organization_similar, name="organization-similar"),
    path("pick/organizations/", pickers.pick_organizations, name="pick-organizations"),
    path("pick/people/", pickers.pick_people, name="pick-people"),
    path("<int:pk>/", registry.organization_detail, name="organization-detail"),
    path("<int:pk>/edit/", registry.organization_edit, name="organization-edit"),
    path("<int:pk>/timeline/", registry.organization_timeline, name="organization-timeline"),
    path("<int:pk>/active/", registry.organization_set_active, name="organization-set-active"),
    path("analysis/", registry.stakeholder_analysis, name="stakeholder-analysis"),
    path("network/", registry.network, name="network"),
    path("<int:pk>/relationships/", registry.relationship_add, name="relationship-add"),
    path(
        "<int:pk>/relationships/<int:relationship_pk>/remove/", registry.relationship_remove, name="relationship-remove"
    ),
    path("duplicates/", duplicates.duplicate_list, name="duplicate-list"),
    path("duplicates/compare/", duplicates.duplicate_compare, name="duplicate-compare"),
    path("duplicates/different/", duplicates.distinct_pair, name="distinct-pair"),
    path("<int:pk>/merge/<int:other_pk>/", duplicates.organization_merge, name="organization-merge"),
    path("merges/<int:pk>/", duplicates.organization_merge_detail, name="organization-merge-detail"),
    path("people/similar/", duplicates.person_similar, name="person-similar"),
    path("people/<int:pk>/merge/<int:other_pk>/", duplicates.person_merge, name="person-merge"),
    path("people/merges/<int:pk>/", duplicates.person_merge_detail, name="person-merge-detail"),
    path("<int:pk>/members/", registry.organization_member_add, name="organization-member-add"),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        registry.organization_member_remove,
        name="organization-member-remove",
    ),
    path("people/", registry.person_list, name="person-list"),
    path("people/export.<str:fmt>", registry.person_export, name="person-export"),
    path("people/new/", registry.person_create, name="person-create"),
    path("people/<int:pk>/", registry.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", registry.person_edit, name="person-edit"),
    path("people/<int:pk>/timeline/", registry.person_timeline, name="person-timeline"),
    path("people/<int:pk>/memberships/", registry.membership_add, name="membership-add"),
    path(
        "people/<int:pk>/memberships/<int:membership_pk>/remove/", registry.membership_remove, name="membership-remove"
    ),
]

urlpatterns += [
    path("assessments/", assessments.assessment_list, name="assessment-list"),
    path("assessments/export.<str:fmt>", assessments.assessment_export, name="assessment-export"),
    path("assessments/change/", assessments.capacity_change, name="capacity-change"),
    path("assessments/change/export.<str:fmt>", assessments.capacity_change, name="capacity-change-export"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", assessments.assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/reopen/", assessments.assessment_reopen, name="assessment-reopen"),
    path("assessments/<int:pk>/actions/", assessments.action_add, name="action-add"),
    path("assessments/<int:pk>/actions/<int:action_pk>/", assessments.action_status, name="action-status"),
    path("<int:organization_pk>/capacity/", assessments.organization_capacity, name="organization-capacity"),
    path("<int:organization_pk>/assessments/new/", assessments.assessment_create, name="assessment-create"),
]

# Import of organizations and people from a spreadsheet (stakeholders.views.imports).
from stakeholders.views import imports  # noqa: E402

urlpatterns += [
    path("imports/", imports.import_list, name="import-list"),
    path("imports/new/", imports.import_upload, name="import-upload"),
    path("imports/template.xlsx", imports.import_template, name="import-template"),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import-progress"),
    path("imports/<int:pk>/commit/", imports.import_commit, name="import-commit"),
    path("imports/<int:pk>/restart/", imports.import_restart, name="import-restart"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import-discard"),
]
