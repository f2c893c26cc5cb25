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
from playwright.sync_api import Page, Route, expect, sync_playwright

from schema.vocabulary import Label, Rel
from service.app import create_app
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import Settings
from tests import api_graph as g
from tests.api_server import serve
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


GUIDE_SCREENSHOT = REPO_ROOT / "artifacts" / "browser" / "shoulders-guide.png"
LINEAGE_QUERY = (
    "MATCH p = (m:Model {key: 'hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-70B'})"
    "-[:FINETUNED_FROM|DISTILLED_FROM|USES_LIBRARY|DESCRIBED_BY*1..2]->(x) RETURN p"
)
MODEL_COLOUR = "#4C8EDA"  # node.Model in service/browser/shoulders.grass


def _connect(page: Page, settings: Settings) -> None:
    uri = urlsplit(settings.neo4j_uri)
    page.get_by_test_id("bolt-scheme-select").select_option(f"{uri.scheme}://")
    page.get_by_test_id("boltaddress").fill(uri.netloc)
    page.get_by_test_id("username").fill(settings.neo4j_user)
    page.get_by_test_id("password").fill(settings.neo4j_password.get_secret_value())
    page.get_by_test_id("connect").click()
    expect(page.get_by_text("You are connected as user")).to_be_visible(timeout=TIMEOUT_MS)


@pytest.mark.browser
@pytest.mark.slow
def test_browser_opens_the_shoulders_guide_and_style(
    graph: Driver, neo4j_server: LocalNeo4j, settings: Settings
) -> None:
    """neo4j.conf (written by `shoulders neo4j start`) makes Browser fetch the guide and the
    style from the API on connect. The API serves here on a free port; requests for the
    configured port are sent on to it, unchanged otherwise."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    conf = neo4j_server.conf_file.read_text()
    assert f"play http://127.0.0.1:{settings.api_port}/browser/guide.html" in conf
    g.write_deepseek_graph(graph, settings.neo4j_database)
    configured = f"http://127.0.0.1:{settings.api_port}"

    with serve(create_app(settings)) as api, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        fetched: list[str] = []

        def to_api(route: Route) -> None:
            fetched.append(route.request.url)
            route.continue_(url=route.request.url.replace(configured, api.url.rstrip("/")))

        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.route(f"{configured}/browser/**", to_api)
            page.goto(f"http://127.0.0.1:{settings.neo4j_http_port}/browser/")
            _connect(page, settings)

            # The guide opens by itself, with a slide per question.
            expect(
                page.get_by_text("Shoulders: what did this model stand on?").first
            ).to_be_visible()
            assert any(u.endswith("/browser/guide.html") for u in fetched)
            assert any(u.endswith("/browser/shoulders.grass") for u in fetched)

            page.get_by_test_id("activeEditor").click()
            page.keyboard.type(LINEAGE_QUERY)
            page.get_by_test_id("editor-Run").click()
            frame = page.get_by_test_id("frame").filter(
                has=page.get_by_test_id("frameCommand").filter(has_text="DeepSeek-R1-Distill")
            )
            # Models in the Shoulders colour and size, captioned by name; edges by type.
            models = frame.locator(f'g.node circle.b-outline[fill="{MODEL_COLOUR}"]')
            expect(models.first).to_be_attached(timeout=TIMEOUT_MS)
            assert models.count() >= 3  # the distill, R1, Llama 3.3 (and V3-Base)
            assert models.first.get_attribute("r") == "40"  # diameter 80px
            expect(
                frame.locator("g.node text").filter(has_text="deepseek-ai").first
            ).to_be_attached()
            expect(
                frame.locator("g.relationship text").filter(has_text="DISTILLED_FROM").first
            ).to_be_attached()

            GUIDE_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(GUIDE_SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert GUIDE_SCREENSHOT.stat().st_size > 10_000


def test_api_serves_the_guide_and_style_to_any_origin(settings: Settings) -> None:
    with serve(create_app(settings)) as api:
        guide = api.http.get("/browser/guide.html", headers={"Origin": "http://127.0.0.1:7474"})
        style = api.http.get("/browser/shoulders.grass")
    assert guide.status_code == 200 and guide.headers["content-type"].startswith("text/html")
    assert guide.headers["access-control-allow-origin"] == "*"
    assert guide.text.count("<slide") == 7 and guide.text.count("runnable") == 6
    assert style.status_code == 200 and "node.Model {" in style.text
    # One colour per kind: every label of the vocabulary has its own rule.
    for label in Label:
        assert f"node.{label.value} {{" in style.text
    for rel in Rel:
        assert f"relationship.{rel.value} {{" in style.text
