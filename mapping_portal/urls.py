"""Root URLs: language-prefixed pages, plus the unprefixed API, health check, media and admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# The admin is not autodiscovered (see PortalAdminConfig): each app's admin module is named here.
import dialogues.admin  # noqa: F401, E402
import grants.admin  # noqa: F401, E402
import mapping_portal.admin  # noqa: F401, E402
import stakeholders.admin  # noqa: F401, E402
from dialogues.views import map_layer as dialogue_map_layer
from grants.views import map_layer as grant_map_layer
from mapping_portal import accounts, exportlog, media, views
from stakeholders.views import registry as stakeholder_views

accounts_patterns = (
    [
        path("login/", views.LoginView.as_view(), name="login"),
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
        path("password-reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
        path("reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
        path("reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    ],
    "accounts",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/sites.geojson", views.sites_geojson, name="sites-geojson"),
    path("api/stakeholders.geojson", stakeholder_views.organizations_geojson, name="stakeholders-geojson"),
    path("api/dialogues.geojson", dialogue_map_layer.dialogues_geojson, name="dialogues-geojson"),
    path("api/grants.geojson", grant_map_layer.awards_geojson, name="grants-geojson"),
    path("media/<path:path>", media.serve, name="media"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("map/", views.map_page, name="map"),
    path("sites/<slug:slug>/", views.site_detail, name="site-detail"),
    path("sites/<slug:slug>/location/", views.site_location, name="site-location"),
    path("accounts/", include(accounts_patterns)),
    path("stakeholders/", include("stakeholders.urls")),
    path("dialogues/", include("dialogues.urls")),
    path("plans/", include("dialogues.plans.urls")),
    path("grants/", include("grants.urls")),
    path("reports/", include("mapping_portal.results.urls")),
    path("exports/log/", exportlog.export_log, name="export-log"),
    path("changes/", include("mapping_portal.changes_urls")),
    path("jobs/", include("mapping_portal.jobs.urls")),
)
