from django.urls import path

from mapping_portal.results import donor_report, views

app_name = "results"

urlpatterns = [
    path("", views.results_page, name="index"),
    path("donor-report.<str:fmt>", donor_report.download, name="donor_report"),
]
