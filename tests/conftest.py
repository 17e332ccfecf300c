"""The cast every test uses: the three real pilot sites and one user per role and site.

admin, staff (all sites), la_akturpak / la_kyshtut / la_kerben (local authority of one site),
reviewer, viewer, applicant (a grant applicant's team; tests/grants links it to a person) — and
`anonymous` for the public. `users` maps those names to users for parametrized access tables.
"""

import pytest

from mapping_portal.models import PilotSite, User
from mapping_portal.reference import load_reference_data
from mapping_portal.roles import Role
from tests import job_workers

CAST = {
    "admin": (Role.ADMIN, []),
    "staff": (Role.STAFF, []),
    "la_akturpak": (Role.LOCAL_AUTHORITY, ["akturpak"]),
    "la_kyshtut": (Role.LOCAL_AUTHORITY, ["kyshtut"]),
    "la_kerben": (Role.LOCAL_AUTHORITY, ["kerben"]),
    "reviewer": (Role.REVIEWER, []),
    "viewer": (Role.VIEWER, []),
    # A grant applicant's account; tests/grants links it to a person of the registry (ApplicantAccount).
    "applicant": (Role.APPLICANT, []),
}
# Every persona of the cast, and the public: what a parametrized access table walks.
ROLES = [*CAST, "anonymous"]
# The apps' access tables set their records in Kyshtut and need one local authority of another site: la_kerben.
# The third (la_akturpak) would repeat its case; tests/mapping_portal/test_access.py walks the sites with all three.
ROLES_BUT_AKTURPAK = [role for role in ROLES if role != "la_akturpak"]
PASSWORD = "a-long-test-password-17"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher takes ~0.3 s per password by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_between_requests():
    """Each test starts with English active, the language its assertions read messages in. A request activates its
    URL's language on the thread and leaves it there, so without this a test would see whichever language the test
    before it requested last (the suite passed or failed by its order). Requests still speak their URL's language."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def sites(db):
    """The three pilot sites (with settlements) and five thematic areas, from the real data."""
    load_reference_data()
    return {site.slug: site for site in PilotSite.objects.all()}


def make_user(username, role, site_slugs=(), **extra):
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
    user.sites.set(PilotSite.objects.filter(slug__in=site_slugs))
    return user


@pytest.fixture
def users(sites):
    cast = {name: make_user(name, role, slugs) for name, (role, slugs) in CAST.items()}
    cast["anonymous"] = None
    return cast


@pytest.fixture
def admin(users):
    return users["admin"]


@pytest.fixture
def staff(users):
    return users["staff"]


@pytest.fixture
def la_kyshtut(users):
    return users["la_kyshtut"]


@pytest.fixture
def la_kerben(users):
    return users["la_kerben"]


@pytest.fixture
def viewer(users):
    return users["viewer"]


@pytest.fixture
def reviewer(users):
    return users["reviewer"]


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder (returned), not the checkout's var/media."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def client_for(client):
    """`client_for(user)` — the test client signed in as `user` (or anonymous for None)."""

    def signed_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return signed_in


# --- The registry ---------------------------------------------------------------------------


@pytest.fixture
def registry(sites):
    """Organization types and target groups, as seed_demo loads them."""
    from stakeholders.seed import load_reference

    load_reference()
    return sites


@pytest.fixture
def make_organization(registry):
    """`make_organization(site="kyshtut", **fields)` — an organization with sensible defaults."""
    from mapping_portal.models import ThematicArea
    from stakeholders.models import Organization, OrganizationType

    def make(site="kyshtut", areas=(), **fields):
        site_obj = registry[site]
        defaults = {
            "name_ky": f"Уюм {Organization.objects.count() + 1}",
            "type": OrganizationType.objects.get(code=fields.pop("type_code", "cso")),
            "site": site_obj,
            "lat": site_obj.centre_lat,
            "lon": site_obj.centre_lon,
        }
        organization = Organization.objects.create(**(defaults | fields))
        organization.thematic_areas.set(ThematicArea.objects.filter(code__in=areas))
        return organization

    return make


@pytest.fixture
def make_person(registry):
    from stakeholders.models import Person

    def make(site="kyshtut", **fields):
        defaults = {
            "full_name": f"Адам {Person.objects.count() + 1}",
            "sex": "female",
            "birth_year": 1990,
            "site": registry[site],
            "phone": "+996 555 000 000",
        }
        return Person.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def workers(tmp_path, media_root):
    """`workers(name)` starts a worker (returned); every worker started is stopped after the test."""
    started = []

    def start(name):
        worker = job_workers.Worker(tmp_path, name, media_root)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
