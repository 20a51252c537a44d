"""The API docs pages in a real Chromium with no network but 127.0.0.1 (as in the centre): Swagger UI
(`/docs`) and ReDoc (`/redoc`) render every operation of `/openapi.json` from the service's own
assets, and neither page tries to reach anything else. Refreshes `docs/api-docs.png`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from .conftest import REPO, Server

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.integration
SCREENSHOT = REPO / "docs" / "api-docs.png"
RENDER_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite only: the pages are the same whatever the database."""
    yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'hoso.db'}"


def operations(server: Server) -> set[tuple[str, str]]:
    spec = httpx.get(f"{server.base_url}/openapi.json", timeout=30).json()
    return {(method.upper(), path) for path, methods in spec["paths"].items() for method in methods}


def watch_errors(page: Page) -> list[str]:
    """Script errors and failed requests, but for those the page's Content-Security-Policy stopped
    before they were sent (``net::ERR_BLOCKED_BY_CSP``: the policy doing its work)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: None if request.failure in ("csp", "net::ERR_BLOCKED_BY_CSP")
            else errors.append(f"{request.failure}: {request.url}"))
    return errors


def test_swagger_ui_renders_every_operation_offline(server: Server, page: Page, blocked_requests: list[str]) -> None:
    expected = operations(server)
    errors = watch_errors(page)
    page.goto(f"{server.base_url}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=RENDER_TIMEOUT_MS)
    assert page.locator(".info .title").inner_text().startswith("hoso query service")
    rendered = set()
    for block in page.locator(".opblock-summary").all():
        method = block.locator(".opblock-summary-method").inner_text().strip()
        path = block.locator(".opblock-summary-path").get_attribute("data-path")
        rendered.add((method, path))
    assert rendered == expected
    assert blocked_requests == [] and errors == []
    # the picture in docs/: the list of operations (the description above it is long)
    sections = page.locator(".opblock-tag-section")
    top, bottom = sections.first.bounding_box(), sections.last.bounding_box()
    assert top and bottom
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True, clip={
        "x": 0, "y": top["y"] - 16, "width": page.viewport_size["width"] if page.viewport_size else 1280,
        "height": bottom["y"] + bottom["height"] - top["y"] + 32})
    assert SCREENSHOT.stat().st_size > 10_000


def test_redoc_renders_every_operation_offline(server: Server, page: Page, blocked_requests: list[str]) -> None:
    expected = operations(server)
    errors = watch_errors(page)
    page.goto(f"{server.base_url}/redoc")
    page.wait_for_selector("li[data-item-id*='/operation/']", state="attached", timeout=RENDER_TIMEOUT_MS)
    assert "hoso query service" in page.locator("h1").first.inner_text()
    assert page.locator("li[data-item-id*='/operation/']").count() == len(expected)
    # ReDoc shows its maker's logo from a CDN: the page's Content-Security-Policy stops the browser
    # from even asking, so not one request leaves 127.0.0.1
    assert blocked_requests == [] and errors == []

