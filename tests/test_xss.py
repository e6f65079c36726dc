"""Nothing injected: hostile titles, bodies, authors, sources and queries never execute."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import serve_folder

from newsarchive.build import build_site

# Elements a payload would create if any text reached the page as markup.
INJECTED = "script:not([src]), [onerror], [onload], a[href^='javascript:'], iframe, object, embed"

PAGES = [
    "articles/hostile-markup/",
    "",
    "archives/",
    "sources/",
    "authors/",
    "search/?q=" + quote('<img src=x onerror=alert("q")>'),
    "search/?q=" + quote("الوسوم"),
    "search/?q=" + quote('"><script>alert(1)</script>'),
]


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_never_executes(site_server, page, path):
    page.goto(site_server + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # let the search client render its results
    assert page.dialogs == []
    assert page.locator(INJECTED).count() == 0


def test_hostile_article_text_is_shown_as_text(site_server, page):
    page.goto(site_server + "articles/hostile-markup/")
    body = page.locator("main").inner_text()
    assert '<script>alert("body")</script>' in body
    assert 'alert("title")' in page.locator("h1").inner_text()


def test_search_results_show_hostile_titles_as_text(site_server, page):
    page.goto(site_server + "search/?q=" + quote("الوسوم"))
    page.wait_for_load_state("networkidle")
    results = page.locator("main")
    results.get_by_text("الوسوم").first.wait_for(timeout=5000)
    assert "<script>" in results.inner_text()
    assert page.dialogs == []


HOSTILE_ALIASES = (
    'ORG\tشركة النور\t<img src=x onerror=alert("alias")>|النور<script>alert(2)</script>\n'
)
HOSTILE_ENTITY_ARTICLE = (
    "Title: خبر عن شركة النور\nDate: 2015-08-01\n\n"
    "أعلنت شركة النور اليوم عن أرباحها، وقالت شركة النور إنها توسعت في الرياض.\n"
)


@pytest.fixture(scope="module")
def hostile_entity_site(tmp_path_factory):
    """A site whose entity carries markup in its curated aliases, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("hostile-entity")
    (root / "content").mkdir()
    (root / "content" / "a.txt").write_text(HOSTILE_ENTITY_ARTICLE, encoding="utf-8")
    (root / "aliases.tsv").write_text(HOSTILE_ALIASES, encoding="utf-8")
    build_site(
        root / "content",
        root / "output",
        CACHE_PATH=str(root / "cache"),
        ENTITIES_ALIASES_PATH=str(root / "aliases.tsv"),
    )
    with serve_folder(root / "output") as url:
        yield url


def test_hostile_entity_names_never_execute(hostile_entity_site, page):
    page.goto(hostile_entity_site + "articles/a/")
    page.get_by_role("link", name="شركة النور").first.click()
    page.wait_for_load_state("networkidle")
    assert 'onerror=alert("alias")' in page.locator("main").inner_text()
    assert page.locator(INJECTED).count() == 0
    page.goto(hostile_entity_site + "search/")
    page.locator("#search-q").fill("النور")
    page.locator("#search-names [role=option]").first.wait_for(timeout=5000)
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.locator(INJECTED).count() == 0
