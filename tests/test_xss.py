"""Nothing injected: hostile titles, bodies, authors, sources and queries never execute."""

from __future__ import annotations

from urllib.parse import quote

import pytest

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
