"""The gate: every page each role reaches, at a phone's and a desk's width, in Kyrgyz, Russian and English.

On the demo data (`seed_demo`, what `make run` shows), each role's pages are found by following links
(tests/browser/gate.py), then opened in Chromium: in Kyrgyz — the longest language — at 375×812 and
1280×800, in Russian at 375 and in English at 1280. Each page must not scroll sideways, every visible
control must be clickable where it is drawn, axe-core must find nothing serious or critical, the console
must stay clean and nothing may leave the machine but map tiles.

`make screenshots` runs this module with SCREENSHOTS=var/screenshots: every Kyrgyz page per role at both
widths, for a person to look at.
"""

import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.browser import gate
from tests.browser.conftest import BLANK_TILE

pytestmark = pytest.mark.browser

# (language, width) pairs every page is opened in
PASSES = [("ky", "phone"), ("ky", "desk"), ("ru", "phone"), ("en", "desk")]
SCREENSHOTS = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
# Pages open at once, each in a context of its own in the one shared browser.
TABS = int(os.environ.get("GATE_TABS", "3"))
REPORT = Path(settings.BASE_DIR) / "var" / "gate"


@pytest.fixture
def demo(transactional_db, settings):
    call_command("seed_demo", demo_users=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    gate.complete_the_demo()


def session_cookie(live_server, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": live_server.url}


def open_tab(browser, live_server, width, cookie):
    """A page in a context of its own at `width`, signed in with `cookie`, and the list its problems go to."""
    tile_host = urlsplit(settings.MAP_TILE_URL).netloc
    w, h = gate.WIDTHS[width]
    # Reduced motion: Bootstrap's colour transitions would otherwise be caught half-way by axe (a link read at the
    # colour it fades from), and its smooth scrolling would move controls while they are hit-tested.
    context = browser.new_context(viewport={"width": w, "height": h}, base_url=live_server.url, reduced_motion="reduce")
    context.set_default_timeout(20_000)
    context.add_init_script(path=str(gate.AXE_JS))
    if cookie:
        context.add_cookies([cookie])
    messages = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(live_server.url):
            request_route.continue_()
        elif urlsplit(url).netloc == tile_host:
            request_route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        else:
            messages.append(f"a request leaves the machine: {url}")
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and messages.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    return context, page, messages


@pytest.mark.parametrize("role", list(gate.ROLES))
def test_every_page_is_usable_at_a_desk_and_on_a_phone(role, browser, live_server, demo):
    started = time.monotonic()
    username = gate.ROLES[role]
    user = get_user_model().objects.get(username=username) if username else None
    urls, problems = gate.crawl(user)
    assert urls, "the walk found no page"
    cookie = session_cookie(live_server, user) if user else None
    visits = []
    for language, width in PASSES:
        opened = [open_tab(browser, live_server, width, cookie) for _ in range(TABS)]
        todo = [gate.Visit(role=role, url=gate.in_language(url, language), width=width) for url in urls]
        try:
            gate.check_all(
                [(page, messages) for _, page, messages in opened], todo, SCREENSHOTS if language == "ky" else None
            )
        finally:
            for context, _, _ in opened:
                context.close()
        visits += todo
    problems += [problem for visit in visits for problem in visit.problems()]
    write_report(role, urls, visits, time.monotonic() - started)
    assert not problems, f"{len(problems)} problems on {len(urls)} pages:\n" + "\n".join(problems)


def write_report(role, urls, visits, seconds):
    """Figures for the closing note and for a person fixing pages: var/gate/<role>.json."""
    REPORT.mkdir(parents=True, exist_ok=True)
    by_impact = {}
    for visit in visits:
        for v in visit.violations:
            by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + v["count"]
    summary = {
        "role": role,
        "pages": len(urls),
        "visits": len(visits),
        "seconds": round(seconds, 1),
        "overflowing": sorted({f"{v.width} {v.url}" for v in visits if v.overflow}),
        "covered_controls": sum(len(v.covered) for v in visits),
        "axe_nodes_by_impact": by_impact,
        "axe_rules": sorted({f"{x['impact']} {x['id']}" for v in visits for x in v.violations}),
        "console": sorted({m for v in visits for m in v.console}),
        "problems": [p for v in visits for p in v.problems()],
    }
    (REPORT / f"{role}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
