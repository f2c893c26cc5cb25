"""Neo4j Browser, served by the local server, connects over Bolt and shows a query's result.

Drives Debian's headless Chromium with Playwright (no `playwright install`: nothing downloads
here). The screenshot lands in artifacts/browser/neo4j-browser.png for a human to look at.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from neo4j import Driver
from playwright.sync_api import expect, sync_playwright

from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import Settings
from tests.support import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = REPO_ROOT / "artifacts" / "browser" / "neo4j-browser.png"
# Quiet, offline-friendly Chromium: no sandbox (root in CI), no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000  # Browser's bundle is large and the machine has two cores


@pytest.mark.browser
@pytest.mark.slow
def test_browser_connects_and_shows_a_node(
    graph: Driver, neo4j_server: LocalNeo4j, settings: Settings
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    name = f"browser-probe-{uuid.uuid4().hex[:12]}"
    graph.execute_query(
        "CREATE (:BrowserProbe {name: $name})", name=name, database_=settings.neo4j_database
    )
    uri = urlsplit(settings.neo4j_uri)
    query = f"MATCH (n:BrowserProbe) WHERE n.name = '{name}' RETURN n"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"http://127.0.0.1:{settings.neo4j_http_port}/browser/")
            expect(page).to_have_title("Neo4j Browser")

            # The connect form: scheme, host:port, credentials from the settings.
            page.get_by_test_id("bolt-scheme-select").select_option(f"{uri.scheme}://")
            page.get_by_test_id("boltaddress").fill(uri.netloc)
            page.get_by_test_id("username").fill(settings.neo4j_user)
            page.get_by_test_id("password").fill(settings.neo4j_password.get_secret_value())
            page.get_by_test_id("connect").click()
            expect(page.get_by_text("You are connected as user")).to_be_visible()
            expect(page.get_by_text(f"{uri.scheme}://{uri.netloc}").first).to_be_visible()

            page.get_by_test_id("activeEditor").click()
            page.keyboard.type(query)
            page.get_by_test_id("editor-Run").click()
            frame = page.get_by_test_id("frame").filter(
                has=page.get_by_test_id("frameCommand").filter(has_text=name)
            )
            expect(frame.get_by_test_id("frameCommand")).to_have_text(query)
            # The graph view draws a truncated caption; the table view shows the whole node.
            frame.get_by_test_id("cypherFrameSidebarTable").click()
            expect(frame.get_by_test_id("frame-loaded-contents")).to_contain_text(f'"{name}"')
            expect(frame.get_by_test_id("frame-loaded-contents")).to_contain_text("BrowserProbe")

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            frame.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
