"""URLs of the audit pages, under /<lang>/changes/."""

from django.urls import path

from mapping_portal import changes

app_name = "changes"

urlpatterns = [
    path("", changes.change_list, name="list"),
    path("<slug:kind>/<int:pk>/", changes.record_history, name="record"),
]
