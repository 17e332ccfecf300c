from django.urls import path

from mapping_portal.results import views

app_name = "results"

urlpatterns = [
    path("", views.results_page, name="index"),
]
