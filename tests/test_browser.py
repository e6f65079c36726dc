"""The theme in a real browser: direction, fonts, CSP, no outside requests, accessibility."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

SEED = "articles/000_98ca48b0d465946a/"
SEED_TITLE = "الكاظمي يطالب بتكثيف الجهد الاستخباري للإيقاع بالعصابات الإرهابية بالعراق"
SEED_PARAGRAPHS = [
    "أصدر رئيس الوزراء العراقي، القائد العام للقوات المسلحة، مصطفى الكاظمي، الاثنين،",
    "من جهته، أعرب الجنرال مايكل كوريلا عن تقديره للمستوى القتالي للقوات الأمنية العراقية",
    "التطرق إلى الوضعين الأمني والعسكري على المستوى الإقليمي",
]
MASTHEAD = ["رئيس مجلسى الإدارة والتحرير", "محمد الباز"]

PAGES = {
    "home": "",
    "article": SEED,
    "archives": "archives/",
    "month": "archives/2015/07/",
    "sources": "sources/",
    "404": "404.html",
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Collects CSP violations from the page itself; init scripts are not subject to the page's CSP.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Visit:
    """One page in a fresh browser context, with every request and console message recorded."""

    def __init__(self, browser, base: str, viewport=DESKTOP, **context_options):
        self.base = base
        self.context = browser.new_context(viewport=viewport, locale="ar", **context_options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console: list[str] = []
        self.failed: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "response",
            lambda response: response.status >= 400 and self.failed.append(response.url),
        )
        self.page.on(
            "console",
            lambda message: self.console.append(f"{message.type}: {message.text}"),
        )
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.page.add_init_script(CSP_RECORDER)

    def open(self, path: str):
        """Go to a site path and wait until the page and its fonts are settled."""
        response = self.page.goto(self.base + path, wait_until="networkidle")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        return response

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site_server):
    """Factory for Visit objects that are closed after the test."""
    opened: list[Visit] = []

    def make(**options) -> Visit:
        v = Visit(browser, site_server, **options)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()


def test_seed_article_renders_right_to_left(visit):
    v = visit()
    v.open(SEED)
    page = v.page
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.article-body p')).direction")
        == "rtl"
    )
    assert page.locator("h1").inner_text().strip() == SEED_TITLE
    assert page.title().startswith(SEED_TITLE)


@pytest.mark.parametrize("paragraph", SEED_PARAGRAPHS)
def test_seed_article_body_is_shown(visit, paragraph):
    v = visit()
    v.open(SEED)
    assert paragraph in v.page.locator(".article-body").inner_text()


@pytest.mark.parametrize("boilerplate", MASTHEAD)
def test_seed_article_has_no_masthead(visit, boilerplate):
    v = visit()
    v.open(SEED)
    assert boilerplate not in v.page.locator("body").inner_text()


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_site_and_csp_holds(visit, name):
    v = visit()
    response = v.open(PAGES[name])
    assert response.ok
    outside = [url for url in v.requests if not url.startswith((v.base, "data:"))]
    assert outside == []
    assert v.page.evaluate("window.__cspViolations") == []
    problems = [m for m in v.console if m.startswith(("error", "pageerror"))]
    assert problems == [], v.failed


def test_arabic_font_is_served_by_the_site(visit, built_site, theme_files):
    v = visit()
    v.open(SEED)
    loaded = v.page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family.replace(/\"/g, ''))"
    )
    assert "Noto Naskh Arabic" in loaded
    assert "Noto Kufi Arabic" in loaded
    fonts = [url for url in v.requests if url.endswith(".woff2")]
    served = f"{v.base}{theme_files.relative_to(built_site).as_posix()}/fonts/"
    assert fonts and all(url.startswith(served) for url in fonts)
    body_font = v.page.evaluate(
        "getComputedStyle(document.querySelector('.article-body')).fontFamily"
    )
    assert body_font.startswith('"Noto Naskh Arabic"')


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", ["home", "article"])
def test_screenshots_fit_the_screen(visit, name, viewport):
    v = visit(viewport=viewport)
    v.open(PAGES[name])
    # Nothing may push the page sideways on a phone: no horizontal scrolling.
    overflow = v.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    width = "phone" if viewport is PHONE else "desktop"
    shot = ARTIFACTS / f"{name}-{width}.png"
    v.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_dark_scheme_changes_colours(visit):
    light, dark = visit(), visit(color_scheme="dark")
    light.open(SEED)
    dark.open(SEED)
    script = "getComputedStyle(document.body).backgroundColor"
    assert light.page.evaluate(script) != dark.page.evaluate(script)


def test_skip_link_is_first_and_moves_focus_to_main(visit):
    v = visit()
    v.open(SEED)
    v.page.keyboard.press("Tab")
    focused = v.page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "انتقل إلى المحتوى"
    # The link slides into view (a 0.15 s transition): wait for it to arrive, or time out.
    v.page.wait_for_function(
        "() => document.querySelector('.skip-link').getBoundingClientRect().top >= 0", timeout=3000
    )
    box = v.page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    v.page.keyboard.press("Enter")
    assert v.page.evaluate("document.activeElement.id") == "main"


def test_keyboard_focus_is_visible(visit):
    v = visit()
    v.open(SEED)
    link = v.page.locator(".site-nav a").first
    v.page.keyboard.press("Tab")  # skip link
    v.page.keyboard.press("Tab")  # site name
    v.page.keyboard.press("Tab")  # first nav link
    assert link.evaluate("el => el === document.activeElement")
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") != "none"


def test_header_search_form_sends_query_to_search_page(visit):
    v = visit()
    v.open(SEED)
    v.page.fill("#site-search-q", "الكاظمي")
    with v.page.expect_navigation():
        v.page.press("#site-search-q", "Enter")
    url = urlsplit(v.page.url)
    assert url.path == "/search/"
    assert parse_qs(url.query)["q"] == ["الكاظمي"]


def test_print_style_hides_navigation(visit):
    v = visit()
    v.open(SEED)
    v.page.emulate_media(media="print")
    assert not v.page.locator(".site-nav").is_visible()
    assert not v.page.locator(".site-search").is_visible()
    assert v.page.locator(".article-body").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(visit, name, scheme):
    if not AXE.exists():
        pytest.skip("axe-core missing: run npm install")
    # axe is injected as a script, which the site's CSP rightly forbids; bypass it for this audit.
    v = visit(bypass_csp=True, color_scheme=scheme)
    v.open(PAGES[name])
    v.page.add_script_tag(path=str(AXE))
    result = v.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        {"id": item["id"], "impact": item["impact"], "nodes": [n["target"] for n in item["nodes"]]}
        for item in result["violations"]
        if item["impact"] in ("serious", "critical")
    ]
    assert serious == [], json.dumps(serious, ensure_ascii=False, indent=1)
