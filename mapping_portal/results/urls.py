from django.urls import path

from mapping_portal.results import donor_report, iati, views

app_name = "results"

urlpatterns = [
    path("", views.results_page, name="index"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/targets/remove/", views.target_remove, name="target-remove"),
    path("iati.xml", iati.download, name="iati"),
    path("donor-report.<str:fmt>", donor_report.download, name="donor_report"),
]
