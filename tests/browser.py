"""Browser fixtures for page tests (API docs now; review, counter and supervision pages later): Debian's
Chromium (``/usr/bin/chromium``, installed by ``scripts/setup``) driven by Playwright, OFFLINE: every
request to anything but 127.0.0.1 is blocked and recorded, as on the centre's network.

Use from a conftest (fixtures are found where they are imported)::

    from browser import blocked_requests, chromium, page  # noqa: F401

then ask for ``page`` (a Playwright ``Page`` in a fresh context) and, to assert that nothing tried the
internet, ``blocked_requests`` (the URLs that were refused). Never ``playwright install``: the browser
is the system's. Without /usr/bin/chromium the tests are skipped, saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
LOCAL_HOSTS = frozenset({"127.0.0.1"})
VIEWPORT = {"width": 1280, "height": 900}


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the test module, stopped with it: while Playwright's sync API is alive it keeps an
    asyncio loop running in this thread, and Prefect, run in-process by a later module in the same test process,
    would then hand back coroutines instead of results."""
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM}: install Debian's chromium (scripts/setup does: apt-get install -y "
                    "chromium); page tests never download one")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """The URLs ``page`` refused (not to 127.0.0.1), in order."""
    return []


@pytest.fixture
def page(chromium: Browser, blocked_requests: list[str]) -> Iterator[Page]:
    """A page in a fresh browser context that can reach 127.0.0.1 only."""
    context = chromium.new_context(viewport=VIEWPORT, locale="vi-VN", service_workers="block")

    def offline(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", offline)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
