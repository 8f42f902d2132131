"""The browser harness: Debian's Chromium, driven by Playwright, against a live trainhub.

* One Chromium per session (``/usr/bin/chromium``, never a downloaded browser), a fresh
  browser context (cookies, storage) per test.
* One live server per test module: a SQLite *file* database in a tmp dir, copied from one
  migrated and seeded (the catalogue, the accreditation levels, the demo people) once per
  process, served by werkzeug in a daemon thread. CSRF stays on: the forms are the real ones.
* Every page a journey loads is audited with axe-core (``node_modules/axe-core``):
  ``Visitor`` checks the HTTP status and audits after each navigation and form submission.
  A page whose markup and size this process has already audited (the sign-in page, a home
  page again) is not audited twice: the same markup gives axe the same answer.
* Journeys wait on what the page shows, never on a clock: a navigation ends at the new
  document's ``load`` event, and ``expect(...)`` polls until the page shows what it asserts.
  ``HANG_GUARD_MS`` only stops a journey that would otherwise wait for ever (a bug), so a
  slow page on a busy machine is never a failure.
* On failure, a full-page screenshot goes to ``test-artifacts/`` (git-ignored).
* Under pytest-xdist each worker has its own Chromium, and its own live servers on ports
  the system hands out; a module's journeys stay together on one worker (an ``xdist_group``
  per module, for ``--dist loadgroup``), since they share the module's live server and
  database. Screenshots are named after the worker too.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import (
    Browser,
    Locator,
    Page,
    Playwright,
    Response,
    ViewportSize,
    expect,
    sync_playwright,
)
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.conftest import COMPILED_TEMPLATES
from tests.factories import set_test_password
from trainhub import create_app, templating
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import Completion, Course, local_today
from trainhub.courses.signals import course_completed
from trainhub.demo import DEMO_PEOPLE
from trainhub.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
#: Ports above 1024 that Chromium refuses to load (net::ERR_UNSAFE_PORT).
UNSAFE_PORTS = frozenset(
    {1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6697, 10080}
    | set(range(6665, 6670))
)
#: Not a wait: the longest any one step may take before the journey is taken to hang (3
#: minutes; a page takes well under a second on an idle machine).
HANG_GUARD_MS = 180_000
expect.set_options(timeout=HANG_GUARD_MS)  # Playwright's assertions give up after 5 s else

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each journey module on one xdist worker: its tests share the module's live server.

    Runs before pytest-xdist reads the marks (``tryfirst``). This hook sees the whole
    session's items, not only this folder's.
    """
    for item in items:
        if item.path.resolve().parent == HERE:
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.stem}"))


# Chromium and Playwright -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install -y chromium` (never `playwright install`).",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A tab in a fresh browser context (no cookies), British English, desktop width."""
    yield from _tab(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def narrow_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A tab in a fresh browser context at a phone's size: ``NARROW`` (320) CSS pixels wide,
    a touch screen, two device pixels to each CSS pixel. The service navigation is folded
    behind its "Menu" button at this width (``Visitor.nav`` presses it)."""
    yield from _tab(
        browser,
        request,
        viewport={"width": NARROW, "height": 640},
        has_touch=True,
        device_scale_factor=2,
    )


def _tab(browser: Browser, request: pytest.FixtureRequest, **options: Any) -> Iterator[Page]:
    """A tab in a fresh browser context with ``options``; a screenshot if the test failed."""
    context = browser.new_context(locale="en-GB", **options)
    context.set_default_timeout(HANG_GUARD_MS)
    context.set_default_navigation_timeout(HANG_GUARD_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        if _failed(request) and not page.is_closed():
            ARTIFACTS.mkdir(exist_ok=True)
            # The worker's name first (gw0, gw1; "main" without xdist), then the test's.
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            test = f"{request.node.path.name}::{request.node.name}"
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{worker}-{test}")
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as error:  # the test already failed: say why there is no picture
                print(f"No screenshot for {request.node.nodeid}: {error}")
        context.close()


# The live server -------------------------------------------------------------------------------


class _RequestHandler(WSGIRequestHandler):
    """Logs only the requests that went wrong (the app logs its own exceptions)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).startswith("5"):
            super().log_request(code, size)


def _serve(app: Flask) -> BaseWSGIServer:
    """A threaded werkzeug server on a free port Chromium accepts."""
    for _attempt in range(20):
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_RequestHandler)
        if server.server_port not in UNSAFE_PORTS:
            return server
        server.server_close()
    raise RuntimeError("could not get a port Chromium accepts")


def _live_config(folder: Path) -> dict[str, Any]:
    """The live server's settings, its database and uploads in ``folder``."""
    return {
        "ENV": "development",  # plain http on loopback: no Secure cookies
        "SECRET_KEY": "browser-tests-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'trainhub.sqlite'}",
        "WTF_CSRF_ENABLED": True,
        "SELF_REGISTRATION": True,
        "OUTBOX_SHOW_BODIES": True,
        "UPLOAD_FOLDER": str(folder / "uploads"),  # workbooks and evidence, not instance/
        "TWO_FACTOR_REQUIRED_ROLES": "",  # journeys sign staff in with passwords alone
    }


@pytest.fixture(scope="session")
def seeded_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database seeded with the catalogue, the levels and the demo
    (and the demo's uploaded files beside it), made once per process: each module's live
    server starts from a copy of it instead of migrating and seeding again."""
    from trainhub.accreditation.services import seed_levels
    from trainhub.courses.services.catalogue import seed_courses
    from trainhub.demo import create_demo

    folder = tmp_path_factory.mktemp("browser-seeded")
    app = create_app(_live_config(folder))
    with app.app_context():
        upgrade()
        seed_courses()
        seed_levels()
        create_demo()
        # The demo people sign in on almost every journey: their passwords hashed the tests'
        # quick way, not with the app's slow scrypt (tests.factories.TEST_HASH_METHOD).
        for person in DEMO_PEOPLE:
            user = db.session.execute(select(User).where(User.email == person.email))
            set_test_password(user.scalar_one(), person.password)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return folder


@pytest.fixture(scope="module")
def live_app(seeded_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The module's trainhub, on its own copy of the seeded database (catalogue and demo).

    A journey module that needs records of its own adds them through this app (in an app
    context, committed) before its first page loads.
    """
    folder = tmp_path_factory.mktemp("browser")
    shutil.copytree(seeded_folder, folder, dirs_exist_ok=True)
    app = create_app(_live_config(folder))
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(live_app: Flask) -> Iterator[str]:
    """The module's trainhub served on http://127.0.0.1:<port>; yields the URL."""
    app = live_app
    server = _serve(app)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url  # links in e-mails point at this server
    thread = threading.Thread(target=server.serve_forever, name="trainhub-live", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# axe-core --------------------------------------------------------------------------------------

_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html})),
  }));
}"""


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html'][:200]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more element(s)")
    return "\n".join(lines)


def axe_path() -> Path:
    if not AXE.exists():
        pytest.fail(
            f"{AXE} is missing: run `npm ci` in {PROJECT_ROOT} (axe-core is a devDependency).",
            pytrace=False,
        )
    return AXE


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (injecting axe if it is not there)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path()))
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE)
    return violations


def audit(page: Page) -> None:
    """Fail unless axe-core finds no violation on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


#: The narrowest screen every page must fit without scrolling sideways (WCAG 1.4.10 reflow:
#: 320 CSS pixels, a 1280-pixel screen zoomed to 400 %).
NARROW = 320
#: What sticks out past the screen's right edge: the outermost such elements (a child of one
#: is not listed again), each as tag#id.class and its width. A table inside a scrolling
#: region (``.trainhub-table-scroll``) scrolls there, not the page.
_STICKING_OUT = """() => {
  const edge = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= edge) return [];
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= edge + 1 || box.width === 0) continue;
    if (found.some((outer) => outer.contains(el))) continue;
    if (el.closest(".trainhub-table-scroll") && !el.classList.contains("trainhub-table-scroll")) continue;
    found.push(el);
  }
  // Wider, yet nothing outside a scrolling region sticks out: something inside one escapes it.
  if (!found.length) return [`the page (${document.documentElement.scrollWidth}px)`];
  return found.map((el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${id}${cls} (${Math.round(el.getBoundingClientRect().width)}px)`;
  });
}"""


#: Resolves in the page's next frame: a frame evaluates the media queries and tells their
#: listeners (GOV.UK's navigation shows or hides its "Menu" button) before it runs its
#: animation-frame callbacks (HTML's "update the rendering" steps).
_NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => done()))"


def resize(page: Page, size: ViewportSize) -> None:
    """Draw the page at ``size`` and wait until its scripts have answered the change."""
    page.set_viewport_size(size)
    page.evaluate(_NEXT_FRAME)


def sticking_out(page: Page) -> list[str]:
    """What of the page as it is now scrolls sideways on a screen ``NARROW`` pixels wide."""
    wide = page.viewport_size or {"width": 1280, "height": 900}
    resize(page, {"width": NARROW, "height": wide["height"]})
    try:
        return list(page.evaluate(_STICKING_OUT))
    finally:
        resize(page, wide)


def check_reflow(page: Page) -> None:
    """Fail when the page scrolls sideways at ``NARROW`` pixels (each page is drawn at the
    journey's width, then at 320, then back)."""
    found = sticking_out(page)
    report = os.environ.get("TRAINHUB_REFLOW_REPORT")
    if report and found:
        with open(report, "a", encoding="utf-8") as out:
            out.write(f"{page.url}\t{' | '.join(found)}\n")
        return
    assert not found, f"{page.url} scrolls sideways at {NARROW}px: {', '.join(found)}"


@functools.cache
def _welsh() -> Any:
    from babel.support import Translations

    return Translations.load(str(Path(__file__).parents[2] / "trainhub" / "translations"), ["cy"])


def cy(message: str, **values: Any) -> str:
    """``message`` as the Welsh interface shows it (the compiled catalogue), for journeys in
    Welsh that follow the same steps as their English ones."""
    return str(_welsh().gettext(message)) % values if values else str(_welsh().gettext(message))


def cy_n(singular: str, plural: str, num: int, **values: Any) -> str:
    """A message with a number, as the Welsh interface shows it."""
    return str(_welsh().ngettext(singular, plural, num)) % {"num": num, **values}


# The visitor: a tab that checks and audits every page it loads ----------------------------------

#: The pages this process has audited and checked at ``NARROW`` pixels, by ``_FINGERPRINT``.
#: axe-core and the reflow check answer the same for the same markup drawn at the same
#: size, with the same style sheets and scripts; so a page seen again as it was (the
#: sign-in page, a home page, a list that did not change) is not checked again.
_CHECKED: set[str] = set()

#: The page as it is now: its markup (less what every response has its own of: CSRF tokens
#: and CSP nonces) and the screen's size, hashed. Markup that scripts changed (a menu
#: opened, a dialog shown) is different markup.
_FINGERPRINT = """async () => {
  const markup = document.documentElement.outerHTML
    .replace(/ nonce="[^"]*"/g, "")
    .replace(/(name="csrf_token"[^>]*? value=")[^"]*"/g, '$1"');
  const seen = `${innerWidth}x${innerHeight} ${document.compatMode}\n${markup}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(seen));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}"""


@dataclass(frozen=True)
class Person:
    email: str
    password: str
    full_name: str


DEMO = {p.label: Person(p.email, p.password, p.full_name) for p in DEMO_PEOPLE}


def core_completer(who: Person, days_ago: int) -> User:
    """A Cardiff Council learner who completed the core ``days_ago`` days ago, announced as
    the register would (CPD, certificate); call inside the live app's context, then commit."""
    cardiff = db.session.execute(
        select(Organisation).where(Organisation.name == "Cardiff Council")
    ).scalar_one()
    core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()
    user = User(email=who.email, full_name=who.full_name, organisation=cardiff)
    user.role_rows = [UserRole(role="learner")]
    set_test_password(user, who.password)
    db.session.add(user)
    completion = Completion(
        user=user, course=core, completed_on=local_today() - timedelta(days=days_ago)
    )
    db.session.add(completion)
    db.session.flush()
    course_completed.send(None, completions=[completion], actor=None)
    return user


class Visitor:
    """A person at the browser. Every page they load is status-checked and audited."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.audited: list[str] = []
        self.script_errors: list[str] = []
        self.off_site: list[str] = []
        #: The main frame's document responses, redirects included, oldest first.
        self.documents: list[Response] = []
        # axe-core goes into every document as it starts: quicker than a script tag per page.
        page.context.add_init_script(path=str(axe_path()))
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("request", self._check_host)
        page.on("response", self._note_document)

    def _note_document(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.documents.append(response)

    def _check_host(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base_url + "/") or url.startswith(("data:", "about:"))):
            self.off_site.append(url)

    # Getting around

    def goto(self, path: str, status: int = 200) -> Response:
        """Type an address (a path on the live server) into the address bar."""
        response = self.page.goto(self.base_url + path)
        return self._arrived(response, status)

    def follow(self, target: Locator, status: int = 200) -> Response:
        """Click a link or button that loads a new page."""
        return self.navigate(target.click, status)

    def navigate(self, action: Callable[[], None], status: int = 200) -> Response:
        """Do what loads a new page (a click, Enter in a form) and wait until it has loaded:
        the new document's ``load`` event, however long the server takes. The response is
        the last document the main frame received (after any redirects)."""
        seen = len(self.documents)
        with self.page.expect_event("load"):
            action()
        assert len(self.documents) > seen, f"no page loaded (still at {self.page.url})"
        return self._arrived(self.documents[-1], status)

    def click_link(self, name: str, status: int = 200, *, exact: bool = True) -> Response:
        return self.follow(self.main.get_by_role("link", name=name, exact=exact), status)

    def nav(self, name: str, status: int = 200) -> Response:
        """Follow an item of the navigation in the header, as a person would: "Home" is the
        service's name; a page listed beneath its area is reached through the area's item
        in the top row first when the page is elsewhere. On a narrow screen the top row is
        behind the "Menu" button, pressed first when what is wanted is not showing. The
        navigation's pages and areas are named in English, also on a page in Welsh."""
        if name == "Home":
            return self.follow(self.page.locator(".govuk-generic-header__homepage-link"), status)
        area = templating.area_of(name)
        if area is not None and self.page.locator("html").get_attribute("lang") == "cy":
            name, area = cy(name), cy(area)  # the navigation's English label, shown in Welsh
        link = self.header.get_by_role("link", name=name, exact=True)
        if link.count() == 0:
            self.open_menu()
        if link.count() == 0 and area is not None:
            self.follow(self.header.get_by_role("link", name=area, exact=True))
            if link.count() == 0:
                self.open_menu()
        return self.follow(link.first, status)

    @property
    def menu_button(self) -> Locator:
        """The service navigation's "Menu" button, shown on a narrow screen only."""
        return self.header.locator(".govuk-service-navigation__toggle")

    def open_menu(self) -> None:
        """On a narrow screen, press "Menu" to show the service navigation, unless it is
        already showing; on a wide one the navigation always shows and there is no button."""
        button = self.menu_button
        if button.is_visible() and button.get_attribute("aria-expanded") != "true":
            button.click()
            expect(button).to_have_attribute("aria-expanded", "true")

    def submit(self, button: str, status: int = 200) -> Response:
        """Press a form's button: 200 after a redirect, 400 when the form comes back with errors."""
        return self.follow(self.main.get_by_role("button", name=button, exact=True), status)

    def _arrived(self, response: Response | None, status: int) -> Response:
        assert response is not None, f"no response loading {self.page.url}"
        assert response.status == status, (
            f"{response.request.method} {response.url} answered HTTP {response.status}, "
            f"expected {status}. The page says: {self.heading()!r}"
        )
        self.audit()
        return response

    def audit(self) -> None:
        """Audit the page as it is now with axe-core and check it at ``NARROW`` pixels,
        unless this process has already checked the very same markup at this size."""
        seen = self.page.evaluate(_FINGERPRINT)
        if seen not in _CHECKED:
            audit(self.page)
            check_reflow(self.page)
            _CHECKED.add(seen)
        self.audited.append(self.page.url)

    # What the person sees

    @property
    def main(self) -> Locator:
        return self.page.get_by_role("main")

    @property
    def header(self) -> Locator:
        """The page header: the service navigation, the language link and signing in or out."""
        return self.page.get_by_role("banner")

    def heading(self) -> str:
        h1 = self.page.locator("h1")
        return h1.first.inner_text() if h1.count() else ""

    def error_summary(self) -> Locator:
        return self.page.locator(".govuk-error-summary")

    def success_banner(self) -> Locator:
        return self.page.locator(".govuk-notification-banner--success")

    # Signing in and out

    def sign_in(self, person: Person) -> None:
        """Sign in on the sign-in page in whichever language the visitor has chosen."""
        self.goto("/sign-in")
        welsh = self.page.locator("html").get_attribute("lang") == "cy"
        say = cy if welsh else str
        self.page.get_by_label(say("Email address"), exact=True).fill(person.email)
        self.page.get_by_label(say("Password"), exact=True).fill(person.password)
        self.submit(say("Sign in"))

    def sign_out(self) -> None:
        self.open_menu()
        self.follow(self.page.locator("#sign-out-form button"))


@pytest.fixture
def visitor(page: Page, live_server: str, request: pytest.FixtureRequest) -> Iterator[Visitor]:
    yield from _visit(page, live_server, request)


@pytest.fixture
def narrow_visitor(
    narrow_page: Page, live_server: str, request: pytest.FixtureRequest
) -> Iterator[Visitor]:
    """A visitor on a phone's screen (``narrow_page``)."""
    yield from _visit(narrow_page, live_server, request)


def _visit(page: Page, live_server: str, request: pytest.FixtureRequest) -> Iterator[Visitor]:
    """A visitor at ``page``; after a journey that passed, checks what it saw."""
    visitor = Visitor(page, live_server)
    yield visitor
    if _failed(request):
        return
    assert visitor.audited, "the journey audited no page"
    assert not visitor.script_errors, f"JavaScript errors: {visitor.script_errors}"
    assert not visitor.off_site, f"requests left the service: {visitor.off_site}"
