"""The browser gate: walk every page a role reaches from the menus and records, and check what a person sees.

`crawl()` finds the pages with Django's test client (fast, no browser): from the home page it follows every
link of the portal's own pages, in Kyrgyz, keeping a few addresses per kind of page (URL name and query keys).
`check_all()` opens each address in Chromium (several pages at once) and records what is wrong with it:

- the document is wider than the viewport (sideways scrolling), with the elements that stick out;
- a visible form control is not hit-testable at its centre (something else lies on top, or it is off-screen);
- axe-core reports a serious or critical violation (WCAG 2.2 A/AA rules);
- (through the context) a console error or a request that leaves the machine other than a map tile.

The same walk takes the screenshots of `make screenshots`.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

AXE_JS = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SEVERE = {"serious", "critical"}
WIDTHS = {"phone": (375, 812), "desk": (1280, 800)}
# role → the demo user (seed_demo's) who plays it in the walks of the gate and the fuzz (None: the public)
ROLES = {
    "admin": "admin",
    "staff": "staff",
    "local_authority": "la-kyshtut",  # its site's plan waits for its review
    "local_authority_draft": "la-kerben",  # its site's plan is a draft it writes
    "reviewer": "reviewer",
    "viewer": "viewer",
    "applicant": "applicant",
    "public": None,
}

# Addresses that are not pages: files, downloads, the Django admin (Django's own), signing out.
NOT_PAGES = re.compile(
    r"/export\.|\.pdf$|\.xlsx$|\.csv$|\.xml$|\.geojson$|/pdf/|/media/|^/admin/|/accounts/logout/|/i18n/|"
    r"/attachments/\d+|/photos/\d+/?$|/logo/?$|/file/?$|/decision-"
)
# How many addresses of one kind of page to open: a record page differs with its record's state.
PER_KIND = 2


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def page_kind(path: str, query: str) -> str | None:
    """The kind of a page: its URL name and the names of its query parameters (values differ, layout not)."""
    try:
        with translation.override(path.split("/")[1] or None):  # i18n_patterns resolve the active language only
            match = resolve(path)
    except Resolver404:
        return None
    keys = sorted({key for key, _ in parse_qsl(query, keep_blank_values=True)} - {"page"})
    return f"{match.view_name}?{'&'.join(keys)}"


def crawl(user, language="ky", limit=400) -> tuple[list[str], list[str]]:
    """Every page `user` reaches by links from the home page: (addresses, problems such as a link to a 500)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    start = f"/{language}/"
    queue, seen, kinds, pages, problems = [start], {start}, defaultdict(int), [], []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code in (301, 302):
            continue  # e.g. a merged record's address leads to the one kept: that page is walked on its own
        if response.status_code != 200:
            problems.append(f"{url}: a link leads to HTTP {response.status_code}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages.append(url)
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith(f"/{language}/"):
                continue
            if NOT_PAGES.search(parts.path):
                continue
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            if address in seen:
                continue
            seen.add(address)
            kind = page_kind(parts.path, parts.query)
            if kind is None or kinds[kind] >= PER_KIND:
                continue
            kinds[kind] += 1
            queue.append(address)
    return pages, problems


def in_language(url: str, language: str) -> str:
    return re.sub(r"^/[a-z]{2}/", f"/{language}/", url)


# --- Records every kind of page needs ---------------------------------------------------------------------


def complete_the_demo():
    """Add what the pilot demo does not hold yet, so that every kind of page has a record to walk: reviews of the
    demo reviewer (one waiting for its declaration, one being scored), a baseline and an endline capacity assessment,
    a stakeholder analysis and relationships in Kyshtut. Only through the models' own workflows."""
    from grants import workflow as grants_workflow
    from grants.models import GrantApplication
    from mapping_portal.models import User
    from stakeholders import workflow as assessment_workflow
    from stakeholders.models import (
        AssessmentIndicator,
        AssessmentTemplate,
        CapacityAssessment,
        IndicatorScore,
        Organization,
        OrganizationRelationship,
    )

    staff, reviewer = User.objects.get(username="staff"), User.objects.get(username="reviewer")
    # The pilot demo now holds the reviewer's reviews in every state (grants/seed.py): only added when missing.
    in_review = list(GrantApplication.objects.filter(status="in_review", reviews=None).order_by("pk")[:2])
    for number, application in enumerate(in_review):
        review = grants_workflow.assign_reviewer(application, reviewer, staff)
        if number:
            grants_workflow.declare(review, reviewer, conflict=False, confidentiality=True, version=review.version)

    kyshtut = list(Organization.objects.filter(site__slug="kyshtut", is_active=True).order_by("pk"))
    template = AssessmentTemplate.current()
    indicators = list(AssessmentIndicator.objects.filter(domain__template=template).order_by("pk"))
    for kind, date, offset in (("baseline", "2026-02-10", 0), ("endline", "2026-11-20", 1)):
        assessment = CapacityAssessment.objects.create(
            organization=kyshtut[0], template=template, kind=kind, date=date, method="facilitated", assessor="Асел"
        )
        IndicatorScore.objects.bulk_create(
            IndicatorScore(assessment=assessment, indicator=indicator, score=min(4, 1 + (n + offset) % 4))
            for n, indicator in enumerate(indicators)
        )
        assessment_workflow.finalize(assessment, staff)
    for n, organization in enumerate(kyshtut[:6]):
        organization.influence, organization.interest = 1 + n % 5, 5 - n % 5
        organization.stance = ("supportive", "neutral", "resistant")[n % 3]
        organization.save(update_fields=["influence", "interest", "stance"])
    for source, target, kind in ((0, 1, "partner"), (1, 2, "funds"), (0, 3, "coordinates_with")):
        if len(kyshtut) > max(source, target):
            OrganizationRelationship.objects.get_or_create(source=kyshtut[source], target=kyshtut[target], kind=kind)

    # Every signed-in demo user has background jobs to walk: one under way, one done, one that failed.
    from mapping_portal.jobs.models import Job

    for user in User.objects.filter(is_active=True).exclude(role=""):
        if Job.objects.filter(owner=user).exists():
            continue
        common = {"owner": user, "language": "ky", "kind": Job.Kind.DOWNLOAD}
        Job.objects.create(**common, title="organizations.xlsx", status=Job.Status.RUNNING, done=1200, total=28000)
        Job.objects.create(**common, title="Донорго отчёт, PDF", status=Job.Status.DONE)
        Job.objects.create(**common, title="people.csv", status=Job.Status.FAILED, failure=Job.Failure.ERROR)


# --- What is checked in the page ------------------------------------------------------------------------

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scroll = document.documentElement.scrollWidth;
  if (scroll <= width) return null;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0 && !clipped(el)) {
      // only the outermost: an element whose parent does not stick out itself
      const p = el.parentElement.getBoundingClientRect();
      if (p.right <= width + 1) culprits.push(describe(el) + ' (right edge ' + Math.round(r.right) + ' px)');
    }
    if (culprits.length >= 4) break;
  }
  return {width, scroll, culprits};
  function clipped(el) {  // inside a box that scrolls or hides its own overflow: not the page's
    // An absolutely positioned element escapes every box below its containing block (offsetParent).
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return false;
    const container = position === 'absolute' ? el.offsetParent : null;
    let counts = container === null;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (!counts) { counts = a === container; if (!counts) continue; }
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  }
  function describe(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].slice(0, 3).join('.');
    const text = (el.innerText || '').trim().slice(0, 30);
    return text ? s + ' "' + text + '"' : s;
  }
}"""

# Every visible form control, scrolled into view, must be the element found at its centre (or inside its
# own label). A visually hidden input (Bootstrap's .btn-check) is tested through its label.
HIT_TEST_JS = """() => {
  const problems = [];
  const controls = document.querySelectorAll('input:not([type=hidden]), select, textarea, button');
  for (const el of controls) {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    if (el.closest('.leaflet-control-layers-list, [aria-hidden=true]')) continue;
    let targets = [el];
    const r0 = el.getBoundingClientRect();
    if (r0.width <= 1 || r0.height <= 1 || getComputedStyle(el).pointerEvents === 'none') {
      targets = [...(el.labels || [])];
      if (!targets.length) continue;
    }
    for (const target of targets) {
      target.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
      const r = target.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      const inside = x >= 0 && y >= 0 && x < window.innerWidth && y < window.innerHeight;
      const hit = inside ? document.elementFromPoint(x, y) : null;
      const ok = hit && (hit === el || el.contains(hit) || target.contains(hit) ||
                         [...(el.labels || [])].some(l => l.contains(hit)));
      if (!ok) {
        const where = inside ? ' is covered by ' + (hit ? describe(hit) : 'nothing') : ' is off-screen';
        problems.push(describe(el) + where);
      }
    }
  }
  window.scrollTo({top: 0, left: 0, behavior: 'instant'});
  return problems;
  function describe(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.name) s += '[name=' + el.name + ']';
    if (el.classList && el.classList.length) s += '.' + [...el.classList].slice(0, 2).join('.');
    return s;
  }
}"""

# axe runs while the gate looks at the other open pages: started here, its result read by AXE_RESULT_JS.
# Target size is checked everywhere but on a map's markers: pins and clusters lie where the places are, and their
# function is on the page in controls of full size (the site list, "Show as a list") — WCAG 2.5.8's "equivalent".
AXE_START_JS = """(tags) => {
  const options = {
    runOnly: {type: 'tag', values: tags}, rules: {'target-size': {enabled: false}}, resultTypes: ['violations'],
  };
  const outsideMaps = {exclude: [['.leaflet-marker-pane'], ['.leaflet-overlay-pane']]};
  const sizes = {runOnly: {type: 'rule', values: ['target-size']}, resultTypes: ['violations']};
  window.__gateAxe = axe.run(document, options)
    .then(all => axe.run(outsideMaps, sizes).then(more => all.violations.concat(more.violations)))
    .then(violations => violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + summary(n)),
      count: v.nodes.length,
    })));
  function summary(node) {
    return node.failureSummary ? ' — ' + node.failureSummary.split('\\n').slice(1, 2).join('') : '';
  }
}"""
AXE_RESULT_JS = "() => window.__gateAxe"

SETTLED_JS = "() => document.readyState === 'complete' && !document.querySelector('.htmx-request')"
# A part of the page that htmx loads after a delay (and that may reload the page when it is done).
LOADS_LATER_JS = "() => !!document.querySelector('[hx-trigger*=load]')"


@dataclass
class Visit:
    """What one page at one width and language showed."""

    role: str
    url: str
    width: str
    status: int = 0
    overflow: dict | None = None
    covered: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    console: list = field(default_factory=list)

    @property
    def severe(self):
        return [v for v in self.violations if v["impact"] in SEVERE]

    def problems(self) -> list[str]:
        where = f"[{self.role} {self.width}] {self.url}"
        found = []
        if self.status != 200:
            found.append(f"{where}: HTTP {self.status}")
        if self.overflow:
            o = self.overflow
            found.append(f"{where}: {o['scroll']} px wide in a {o['width']} px viewport: {'; '.join(o['culprits'])}")
        found += [f"{where}: {problem}" for problem in self.covered]
        for v in self.severe:
            found.append(f"{where}: axe {v['impact']} {v['id']} ({v['help']}) ×{v['count']}: {' | '.join(v['nodes'])}")
        found += [f"{where}: {message}" for message in self.console]
        return found


def check_all(tabs, visits, screenshots: Path | None = None) -> None:
    """Open every visit and fill in what is wrong with it, `len(tabs)` pages at a time.

    Each tab is `(page, messages)`: a page in a context of its own (one shared browser) and the list its console
    errors and refused requests go to. The pages are driven in step: all navigate, then each is examined while the
    others finish loading, and axe runs in all of them at once — Chromium draws in parallel while Python waits.
    """
    for start in range(0, len(visits), len(tabs)):
        batch = list(zip(tabs, visits[start : start + len(tabs)], strict=False))
        for (page, messages), visit in batch:
            messages.clear()
            response = page.goto(visit.url, wait_until="commit")
            visit.status = response.status if response else 0
        for (page, _messages), visit in batch:
            page.wait_for_load_state("load")
            page.wait_for_function(SETTLED_JS)
            if page.evaluate(LOADS_LATER_JS):
                page.wait_for_load_state("networkidle")
                page.wait_for_function(SETTLED_JS)
            if screenshots is not None:
                path = screenshots / visit.role / f"{screenshot_name(visit.url)}-{visit.width}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(path), full_page=True)
            visit.overflow = page.evaluate(OVERFLOW_JS)
            visit.covered = page.evaluate(HIT_TEST_JS)
            page.evaluate(AXE_START_JS, AXE_TAGS)
        for (page, messages), visit in batch:
            visit.violations = page.evaluate(AXE_RESULT_JS)
            visit.console = list(messages)


def screenshot_name(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.strip("/").replace("/", "_") or "home"
    if parts.query:
        name += "_" + re.sub(r"[^A-Za-z0-9=_-]+", "-", urlencode(parse_qsl(parts.query)))[:60]
    return name
