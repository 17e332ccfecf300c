from django.urls import path

from mapping_portal.results import iati, views

app_name = "results"

urlpatterns = [
    path("", views.results_page, name="index"),
    path("iati.xml", iati.download, name="iati"),
]
