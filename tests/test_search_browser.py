"""The search page in a real browser (Debian chromium): typing, highlighting, completion,
filters, the address bar, keyboard use and no request leaving the site."""

from __future__ import annotations

import functools
import re
import threading
import types
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import FIXTURE_CONTENT

from newsarchive.build import build_site

expect = pytest.importorskip("playwright.sync_api").expect

SEED = "000_98ca48b0d465946a"
# A name entry for the seed article, added to whatever the entity tagger found, so completion
# is tested the same way whether or not a tagger model is installed.
TEST_ENTITY = {
    "id": "test-per-kadhimi",
    "name": "مصطفى الكاظمي",
    "type": "PER",
    "url": "entities/test-per-kadhimi/",
    "aliases": ["الكاظمي"],
    "article_count": 1,
    "article_slugs": [SEED],
}


def add_test_entity(generator) -> None:
    generator.context["entities"] = [*(generator.context.get("entities") or []), TEST_ENTITY]


# A plugin module made on the spot: Pelican accepts module objects in PLUGINS.
TEST_ENTITY_PLUGIN = types.ModuleType("test_entity_plugin")
TEST_ENTITY_PLUGIN.register = lambda: __import__(
    "pelican"
).signals.article_generator_finalized.connect(add_test_entity)


@pytest.fixture(scope="module")
def search_server(tmp_path_factory):
    """The fixture site built with every plugin (plus the test entity), served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("search-site")
    output = root / "output"
    plugins = ["raw_reader", "listings", "entities", TEST_ENTITY_PLUGIN, "search"]
    build_site(
        FIXTURE_CONTENT,
        output,
        CACHE_PATH=str(root / "cache"),
        PLUGINS=plugins,
        SEARCH_VOCAB_MIN_DF=1,
    )

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=output)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture
def page(browser, search_server):
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.requests = []
    tab.errors = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on(
        "dialog", lambda dialog: tab.errors.append(f"dialog: {dialog.message}") or dialog.dismiss()
    )
    tab.base = search_server
    yield tab
    assert not tab.errors
    assert all(url.startswith(search_server) for url in tab.requests), tab.requests
    context.close()


def results(tab) -> list[str]:
    """Slugs of the result links shown."""
    hrefs = tab.locator("#search-results li h2 a").evaluate_all("els => els.map(a => a.href)")
    return [urlsplit(h).path.rstrip("/").split("/")[-1] for h in hrefs]


def query_of(tab) -> dict:
    return parse_qs(urlsplit(tab.url).query)


def type_query(tab, text: str) -> None:
    tab.fill("#search-q", "")
    tab.locator("#search-q").press_sequentially(text, delay=20)


def test_query_from_the_url_shows_highlighted_results(page):
    page.goto(page.base + "search/?q=العراق", wait_until="networkidle")
    page.wait_for_selector("#search-results li")
    assert SEED in results(page)
    marks = page.locator("#search-results mark").all_text_contents()
    assert "بالعراق" in marks  # the title's surface form of the query word, highlighted
    assert "نتيجة" in page.locator("#search-status").text_content()
    assert page.locator("#search-status").get_attribute("aria-live") == "polite"


def test_results_as_you_type_update_the_url(page):
    page.goto(page.base + "search/", wait_until="networkidle")
    type_query(page, "جدة")
    expect(page.locator("#search-results li")).to_have_count(1)
    assert results(page) == ["jeddah-port"]
    expect(page).to_have_url(re.compile(r"\?q="))
    assert query_of(page)["q"] == ["جدة"]
    assert "جدة" in page.locator("#search-results mark").all_text_contents()


def test_no_match_says_so_and_offers_a_spelling(page):
    page.goto(page.base + "search/?q=" + "الكاظمس", wait_until="networkidle")
    page.wait_for_selector("#search-status:has-text('لا نتائج')")
    assert results(page) == []
    suggestion = page.locator("#search-suggestion-link")
    assert suggestion.text_content() == "الكاظمي"
    suggestion.click()
    page.wait_for_selector("#search-results li")
    assert results(page) == [SEED]


def test_search_files_of_another_version_ask_for_a_reload(page):
    # As a browser that kept an older copy of the client sees a rebuilt site's newer files.
    def newer(route):
        manifest = route.fetch().json()
        route.fulfill(json={**manifest, "version": manifest["version"] + 1})

    page.route("**/search/manifest.json*", newer)
    page.goto(page.base + "search/?q=العراق", wait_until="networkidle")
    expect(page.locator("#search-status")).to_contain_text("أعد تحميلها")
    assert results(page) == []


def test_name_completion_by_keyboard_shows_the_entity_articles(page):
    page.goto(page.base + "search/", wait_until="networkidle")
    type_query(page, "الكاظ")
    option = page.locator("#search-names [role=option]", has_text="مصطفى الكاظمي").first
    option.wait_for()
    assert "شخص" in option.text_content() and "مقال واحد" in option.text_content()
    combo = page.locator("#search-q")
    assert combo.get_attribute("aria-expanded") == "true"
    wanted = option.get_attribute("id")
    for _ in range(page.locator("#search-names [role=option]").count()):
        combo.press("ArrowDown")
        if combo.get_attribute("aria-activedescendant") == wanted:
            break
    assert page.locator(f"#{wanted}").get_attribute("aria-selected") == "true"
    combo.press("Enter")
    page.wait_for_selector("#search-entity-card:not([hidden])")
    link = page.locator("#search-entity-link")
    assert link.text_content() == "مصطفى الكاظمي"
    assert "entities/" in link.get_attribute("href")
    page.wait_for_selector("#search-results li")
    assert results(page) == [SEED]
    assert query_of(page)["entity"]
    assert combo.get_attribute("aria-expanded") == "false"


def test_escape_closes_the_suggestions(page):
    page.goto(page.base + "search/", wait_until="networkidle")
    type_query(page, "مصط")
    page.locator("#search-names [role=option]").first.wait_for()
    page.locator("#search-q").press("Escape")
    assert page.locator("#search-names").is_hidden()


def test_source_and_date_filters(page):
    page.goto(page.base + "search/?q=في", wait_until="networkidle")
    page.wait_for_selector("#search-results li")
    everything = results(page)
    assert len(everything) >= 3
    page.select_option("#search-source", "صحيفة الرياض")
    expect(page).to_have_url(re.compile("source="))
    expect(page.locator("#search-results li")).to_have_count(1)
    assert results(page) == ["riyadh-rain"]
    page.select_option("#search-source", "")
    page.fill("#search-from", "2015-08-01")
    page.dispatch_event("#search-from", "change")
    expect(page).to_have_url(re.compile("from=2015-08-01"))
    expect(page.locator("#search-results li")).to_have_count(2)
    days = page.locator("#search-results time").evaluate_all("els => els.map(t => t.dateTime)")
    assert days and all(day >= "2015-08-01" for day in days)
    assert "riyadh-rain" not in results(page) and SEED not in results(page)


def test_hostile_text_stays_text(page):
    page.goto(page.base + "search/?q=الوسوم", wait_until="networkidle")
    page.wait_for_selector("#search-results li")
    assert results(page) == ["hostile-markup"]
    title = page.locator("#search-results h2").text_content()
    assert '<script>alert("title")</script>' in title
    assert page.locator("#search-results script, #search-results img").count() == 0
    assert "<img src=x" in page.locator("#search-results .search-source").text_content()


def test_snippet_is_the_passage_around_the_match(page):
    # وأد occurs once, at the end of the seed article's body, as لوأد (ل + وأد).
    page.goto(page.base + "search/?q=" + "وأد", wait_until="networkidle")
    page.wait_for_selector("#search-results li .search-snippet mark")
    assert results(page) == [SEED]
    snippet = page.locator("#search-results .search-snippet").first
    assert snippet.locator("mark").all_text_contents() == ["لوأد"]
    assert snippet.text_content().startswith("… ")  # cut before: not the article's start
    # Only the shown result's text was fetched for its snippet.
    assert sum("/search/a/" in url for url in page.requests) == 1


def test_hostile_snippet_stays_text(page):
    page.goto(page.base + "search/?q=alert", wait_until="networkidle")
    page.wait_for_selector("#search-results li .search-snippet mark")
    assert results(page) == ["hostile-markup"]
    snippet = page.locator("#search-results .search-snippet").first
    assert '<script>alert("body")</script>' in snippet.text_content()
    assert "alert" in snippet.locator("mark").all_text_contents()
    assert (
        page.locator("#search-results script, #search-results img, #search-results b").count() == 0
    )


def test_facets_count_the_results_and_filter(page):
    page.goto(page.base + "search/?q=في", wait_until="networkidle")
    page.wait_for_selector("#search-results li")
    with_source = page.locator("#search-results .search-source").count()
    assert not any("/search/f/" in url for url in page.requests)  # loaded only when opened
    page.locator("#search-facets summary").click()
    source = page.locator("#search-facets .search-facet", has_text="صحيفة الرياض")
    source.wait_for()
    assert source.text_content().endswith("(1)")
    counts = page.locator("#search-facets .search-facet-group").first  # sources come first
    numbers = counts.locator(".count").all_text_contents()
    assert sum(int(n.strip(" ()")) for n in numbers) == with_source  # each result has at most one
    assert any("/search/f/" in url for url in page.requests)
    source.focus()
    source.press("Enter")
    expect(page).to_have_url(re.compile("source="))
    expect(page.locator("#search-results li")).to_have_count(1)
    assert results(page) == ["riyadh-rain"]


def test_entity_facet_filters_by_the_entity(page):
    page.goto(page.base + "search/?q=الكاظمي", wait_until="networkidle")
    page.wait_for_selector("#search-results li")
    page.locator("#search-facets summary").click()
    # The tagger's entity and the test entity share the name: either one filters to the seed.
    person = page.locator("#search-facets .search-facet", has_text="مصطفى الكاظمي").first
    person.wait_for()
    assert person.text_content().endswith("(1)")
    kinds = page.locator("#search-facets .search-facet", has_text="شخص")
    assert kinds.count() >= 1
    person.click()
    page.wait_for_selector("#search-entity-card:not([hidden])")
    expect(page).to_have_url(re.compile("entity="))
    assert results(page) == [SEED]
