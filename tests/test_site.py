"""The built fixture site: every article a page at its stable URL, boilerplate gone, text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

SEED = "articles/000_98ca48b0d465946a/index.html"
SEED_TITLE = "الكاظمي يطالب بتكثيف الجهد الاستخباري للإيقاع بالعصابات الإرهابية بالعراق"


class TextAndTags(HTMLParser):
    """Collects a page's visible text and its tags."""

    def __init__(self):
        super().__init__()
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path):
    parser = TextAndTags()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.text), parser.tags


def test_seed_article_page_has_title_body_and_no_masthead(built_site, tmp_path):
    text, tags = parse(built_site / SEED)
    assert SEED_TITLE in text
    assert "مايكل كوريلا عن تقديره للمستوى القتالي" in text
    assert "التطرق إلى الوضعين الأمني والعسكري" in text  # the last paragraph
    assert "رئيس مجلسى الإدارة والتحرير" not in text
    assert "محمد الباز" not in text
    assert ("html", {"lang": "ar", "dir": "rtl"}) in tags


def test_undated_article_says_so_and_stays_out_of_date_archives(built_site):
    text, _ = parse(built_site / SEED)
    assert "بدون تاريخ" in text
    assert not (built_site / "archives" / "1970").exists()


@pytest.mark.parametrize(
    ("slug", "date"),
    [("riyadh-rain", "21 يوليو 2015"), ("jeddah-port", "3 أغسطس 2015")],
)
def test_dated_articles_show_arabic_dates_and_are_archived_by_month(built_site, slug, date):
    text, _ = parse(built_site / "articles" / slug / "index.html")
    assert date in text
    month = {"riyadh-rain": "2015/07", "jeddah-port": "2015/08"}[slug]
    month_page = (built_site / "archives" / month / "index.html").read_text(encoding="utf-8")
    assert f"articles/{slug}/" in month_page


def test_boilerplate_lines_are_not_on_the_page(built_site):
    text, _ = parse(built_site / "articles" / "jeddah-port" / "index.html")
    assert "sms" not in text.lower()
    assert "ميناء جدة الإسلامي يستقبل" in text
    rain, _ = parse(built_site / "articles" / "riyadh-rain" / "index.html")
    assert "انتهى" not in rain


def test_sources_have_pages_listing_their_articles(built_site):
    page = (built_site / "sources" / "alriyadh" / "index.html").read_text(encoding="utf-8")
    assert "صحيفة الرياض" in page and "articles/riyadh-rain/" in page
    index = (built_site / "sources" / "index.html").read_text(encoding="utf-8")
    assert "صحيفة عكاظ" in index


def test_hostile_markup_in_articles_is_shown_as_text(built_site):
    html = (built_site / "articles" / "hostile-markup" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert not re.search(r"<img[^>]+onerror", html)
    assert not re.search(r"<a[^>]+javascript:", html)
    text, _ = parse(built_site / "articles" / "hostile-markup" / "index.html")
    assert '<script>alert("body")</script>' in text


def test_feeds_and_sitemap_list_the_articles(built_site):
    feed = (built_site / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "riyadh-rain" in feed and "<script>alert" not in feed
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "articles/jeddah-port/" in sitemap


def test_every_article_url_is_its_slug(built_site):
    pages = sorted(p.parent.name for p in (built_site / "articles").glob("*/index.html"))
    assert pages == ["000_98ca48b0d465946a", "hostile-markup", "jeddah-port", "riyadh-rain"]
