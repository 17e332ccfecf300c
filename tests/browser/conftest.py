"""Browser tests: Playwright driving Debian's chromium, one browser for the whole run.

Outside requests never leave the machine: map tiles are answered with a blank tile (or refused,
where a test wants the offline case) and everything else not served by the live server is
aborted. A console error or an uncaught script error (a CSP violation shows as one) fails the test.
"""

import base64
import os
import shutil
from urllib.parse import urlsplit

import pytest

from tests.dialogues.conftest import attend, make_event  # noqa: F401  (fixtures the journeys share)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(f"browser tests skipped: {message}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def tiles_online():
    """Whether map tiles answer (with a blank tile) or fail, as on an intranet-only link."""
    return True


@pytest.fixture
def page(browser, live_server, tiles_online, settings):
    from django.conf import settings as django_settings

    tile_host = urlsplit(django_settings.MAP_TILE_URL).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    problems = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(live_server.url):
            request_route.continue_()
        elif urlsplit(url).netloc == tile_host and tiles_online:
            request_route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        else:
            request_route.abort()

    def on_console(message):
        source = (message.location or {}).get("url", "")
        refused_tile = not tiles_online and urlsplit(source).netloc == tile_host
        if message.type == "error" and not refused_tile:
            problems.append(f"console: {message.text} ({source})")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def sign_in(page):
    def signed_in(username, password, language="en"):
        page.goto(f"/{language}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form button[type=submit]:not([name=language])")
        page.wait_for_load_state()
        return page

    return signed_in
