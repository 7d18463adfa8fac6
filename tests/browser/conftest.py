"""Fixtures of the browser tests: headless Chromium driving the admin on a live server.

* `chromium`: one browser per run of this package (Debian's /usr/bin/chromium, never a
  downloaded one); `page`: a fresh context (cookies, storage) and tab for each test.
* `curator` and `editor`: staff users in the role groups, created for each test;
  `log_in(page, user)` signs in through the admin's own login form.
* `shot(page, step)`: saves `screenshots/<test-name>-<step>.png`, what the curator saw.

`live_server` makes every test here transactional (pytest-django requests
`transactional_db` for it): the server thread must see the rows the test writes, so
nothing can sit in an uncommitted transaction.
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.servers.basehttp import ThreadedWSGIServer
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI containers run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # /dev/shm is tiny in containers
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PASSWORD = "browser-test-password"
# Long enough for a loaded CI machine, short enough that a missing element fails fast.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package", autouse=True)
def allow_orm_beside_playwright() -> Iterator[None]:
    """Let the test thread use Django's ORM while Playwright runs.

    Playwright's sync API keeps an asyncio event loop registered as running in this
    thread for as long as it is started, and Django refuses database access from a thread
    with a running loop (SynchronousOnlyOperation), since in real async code that would
    block the loop. Here nothing else runs on that loop while the test queries the
    database, so the refusal protects nothing. The variable is set for exactly as long as
    Playwright runs (this package), never for the rest of the suite.
    """
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def chromium(allow_orm_beside_playwright, django_db_setup) -> Iterator[Browser]:
    """Headless Chromium, started once for the browser tests.

    Package scope rather than session scope: the event loop Playwright leaves running
    would make every later database test on the same xdist worker fail, so Playwright
    stops as soon as the worker moves on to a test outside this package (and starts
    again if it comes back). Requesting `django_db_setup` makes the test database exist
    before the loop starts, since creating it needs the ORM.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM} "
            "(Debian: apt-get install chromium). They never download a browser.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering Django requests one at a time.

    With SQLite the test database lives in memory, and the server's request threads share
    the test's single connection to it. A browser sends requests in parallel (an
    autocomplete widget asks once when opened and again when typed into), and two
    transactions interleaved on one connection break each other ("no such savepoint").
    Connections stay threaded, so keep-alive and parallel static files still work; on
    PostgreSQL, where each thread has its own connection, the lock only costs a little
    parallelism. The test thread shares the connection too: tests query the database only
    once the page they wait on has loaded, when no request is in flight.
    """

    def set_app(self, application):
        self.request_lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with self.request_lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)

    def wait_until_idle(self) -> None:
        """Return once no request is being answered (none may touch the database)."""
        with self.request_lock:
            pass


@pytest.fixture(scope="package")
def live_server(request, django_db_setup) -> Iterator[LiveServer]:
    """pytest-django's live server, for this package, with `OneRequestAtATimeServer`.

    It needs the test database to exist first: with SQLite in memory, the server is
    handed the test's connection to it when it starts."""
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.server_class = OneRequestAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium, live_server) -> Iterator[Page]:
    """A tab in a fresh browser context (no cookies), addressed relative to the server."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
    # The database is emptied after each test: not while a late request still uses it.
    live_server.thread.httpd.wait_until_idle()


def make_staff_user(django_user_model, username: str, role: str):
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, is_staff=True
    )
    # The role groups come from a data migration and are rebuilt after every flush.
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def curator(django_user_model):
    """A curator: adds and changes records, cannot publish."""
    return make_staff_user(django_user_model, "curator", "Curator")


@pytest.fixture
def editor(django_user_model):
    """An editor: a curator who also publishes, withdraws and deletes."""
    return make_staff_user(django_user_model, "editor", "Editor")


def log_in(page: Page, user) -> None:
    """Sign `user` in through the admin login form and land on the admin index."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.get_username())


@pytest.fixture
def shot(request) -> Callable[[Page, str], Path]:
    """`shot(page, step)` saves the whole page as screenshots/<test-name>-<step>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page: Page, step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.originalname}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def autocomplete_term(url: str) -> str | None:
    """The search term of an autocomplete request URL ("" when the box is empty)."""
    return parse_qs(urlsplit(url).query, keep_blank_values=True).get("term", [None])[0]


def choose_autocomplete(page: Page, field: str, term: str, label: str) -> None:
    """Pick `label` in the admin's autocomplete (select2) widget of form field `field`,
    after typing `term` into its search box, as a curator does."""
    widget = page.locator(f"#id_{field} + .select2 .select2-selection")
    # Opening asks the server for a first page of choices, typing asks again; wait for
    # the answer to the term so the option picked is not one from the first page.
    with page.expect_response(lambda response: "/admin/autocomplete/" in response.url):
        widget.click()
    with page.expect_response(lambda response: autocomplete_term(response.url) == term):
        page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=label).click()
    expect(page.locator(f"#select2-id_{field}-container")).to_have_attribute("title", label)
