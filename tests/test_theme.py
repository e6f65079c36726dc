"""The theme's HTML and CSS as built: right to left, CSP-safe, self-hosted, links that work."""

from __future__ import annotations

import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO

from newsarchive.build import build_site

sys.path.insert(0, str(REPO / "plugins"))
import theme_assets  # noqa: E402  (a plugin, found as Pelican finds it)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
NAV = ["الرئيسية", "الأرشيف", "المصادر", "التصنيفات", "الكيانات", "البحث"]
FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"
THEME = REPO / "theme"
TEMPLATES = THEME / "templates"


class Page(HTMLParser):
    """A built page: its tags with attributes, its text, and the text of each element by id/tag."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.tags: list[tuple[str, dict]] = []
        self.chunks: list[str] = []
        self.inline_scripts = 0
        self._in_script = False
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = "src" not in attrs
            self.inline_scripts += self._in_script

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def find(self, tag: str, **attrs) -> list[dict]:
        """Attributes of every `tag` element whose attributes include the given ones."""
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def resolve(site: Path, page: Path, url: str) -> Path | None:
    """The output file an internal link points to, or None for links that leave the site."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    base = PurePosixPath(page.relative_to(site).as_posix()).parent
    target = PurePosixPath(unquote(parts.path))
    joined = target.relative_to("/") if target.is_absolute() else base / target
    normal: list[str] = []
    for part in joined.parts:
        if part == "..":
            assert normal, f"{url} climbs above the site root from {page}"
            normal.pop()
        elif part != ".":
            normal.append(part)
    file = site.joinpath(*normal)
    return file / "index.html" if url.split("?")[0].endswith("/") or file.is_dir() else file


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, Page]:
    """Every built HTML page, parsed, keyed by its path in the site."""
    return {p.relative_to(built_site).as_posix(): Page(p) for p in pages_of(built_site)}


def test_every_page_is_arabic_right_to_left_with_the_csp(pages):
    assert len(pages) > 10
    for name, page in pages.items():
        html = page.find("html")
        assert html and html[0].get("lang") == "ar" and html[0].get("dir") == "rtl", name
        csp = page.find("meta", **{"http-equiv": "Content-Security-Policy"})
        assert csp and csp[0]["content"] == CSP, name
        assert page.find("meta", charset="utf-8"), name
        assert page.find("meta", name="viewport"), name
        assert page.find("main", id="main"), name


def test_every_page_has_the_skip_link_nav_and_search_form(pages):
    for name, page in pages.items():
        first_link = page.find("a")[0]
        assert first_link["href"] == "#main", name
        assert all(label in page.text for label in NAV), name
        form = page.find("form", role="search")
        assert form and form[0]["method"] == "get" and form[0]["action"].endswith("search/"), name
        assert page.find("input", name="q"), name


def test_no_inline_script_or_style_anywhere(pages):
    for name, page in pages.items():
        assert page.inline_scripts == 0, name
        assert not page.find("style"), name
        for tag, attrs in page.tags:
            assert "style" not in attrs, f"{name}: <{tag} style=…>"
            handlers = [a for a in attrs if a.startswith("on")]
            assert not handlers, f"{name}: <{tag} {handlers}>"


def test_pages_load_nothing_from_other_sites(pages):
    for name, page in pages.items():
        for tag, attrs in page.tags:
            for attr in ("src", "srcset") + (("href",) if tag == "link" else ()):
                url = attrs.get(attr)
                if url:
                    assert not re.match(r"^(https?:)?//", url), f"{name}: <{tag} {attr}={url}>"


def test_internal_links_and_resources_exist(built_site, pages):
    broken = set()
    for name, page in pages.items():
        for tag, attrs in page.tags:
            url = attrs.get("href") if tag in ("a", "link") else attrs.get("src")
            if tag == "form":
                url = attrs.get("action")
            if not url or url.startswith(("#", "mailto:", "javascript:", "data:")):
                continue
            target = resolve(built_site, built_site / name, url)
            if target is not None and not target.exists():
                broken.add(f"{name} -> {url}")
    assert not broken, sorted(broken)


def test_css_uses_logical_properties_only(theme_files):
    sheets = sorted((theme_files / "css").glob("*.css"))
    assert sheets
    for sheet in sheets:
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        physical = re.findall(r"[\w-]*\b(?:left|right)\b[\w-]*", css)
        assert physical == [], f"{sheet.name}: {physical}"


def test_fonts_are_self_hosted_swapped_and_subset(theme_files):
    css = (theme_files / "css" / "site.css").read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\s*{(.*?)}", css, flags=re.S)
    assert len(faces) >= 2
    families = set()
    for face in faces:
        assert "font-display: swap" in face
        assert "unicode-range:" in face
        families.add(re.search(r'font-family:\s*"([^"]+)"', face).group(1))
        for url in re.findall(r'url\("([^"]+)"\)', face):
            assert (theme_files / "css" / url).resolve().is_file(), url
    assert families == {"Noto Naskh Arabic", "Noto Kufi Arabic"}
    licence = (theme_files / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence


def test_theme_files_are_in_a_folder_named_by_their_digest(built_site, pages, theme_files):
    # A new theme is at new URLs: a browser that cached the old scripts never runs them.
    assert theme_files.relative_to(built_site).as_posix() == theme_assets.versioned_dir(
        "theme", THEME, ["static"]
    )
    sheets = {
        resolve(built_site, built_site / name, attrs["href"])
        for name, page in pages.items()
        for tag, attrs in page.tags
        if tag == "link" and attrs.get("rel") == "stylesheet"
    }
    assert theme_files / "css" / "site.css" in sheets


def test_a_changed_theme_file_moves_the_theme_folder(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(THEME / "static", theme / "static")
    before = theme_assets.versioned_dir("theme", theme, ["static"])
    script = theme / "static" / "js" / "search" / "engine.js"
    script.write_text(script.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert theme_assets.versioned_dir("theme", theme, ["static"]) != before


@pytest.mark.parametrize(
    ("slug", "iso", "shown", "source", "source_url"),
    [
        ("riyadh-rain", "2015-07-21", "21 يوليو 2015", "صحيفة الرياض", "sources/alriyadh/"),
        ("jeddah-port", "2015-08-03", "3 أغسطس 2015", "صحيفة عكاظ", "sources/okaz/"),
    ],
)
def test_article_shows_date_and_links_its_source(pages, slug, iso, shown, source, source_url):
    page = pages[f"articles/{slug}/index.html"]
    assert shown in page.text
    assert page.find("time", datetime=iso)
    links = [a["href"] for a in page.find("a", **{"class": "source"})]
    assert links == [f"../../{source_url}"]
    assert source in page.text


def test_undated_article_shows_no_placeholder_date(built_site, pages):
    page = pages["articles/000_98ca48b0d465946a/index.html"]
    assert "بدون تاريخ" in page.text
    assert not page.find("time")
    assert "1970" not in (built_site / "articles/000_98ca48b0d465946a/index.html").read_text(
        "utf-8"
    )
    assert "1970" not in (built_site / "index.html").read_text("utf-8")


def test_article_title_is_the_only_h1_and_the_page_title(pages):
    page = pages["articles/riyadh-rain/index.html"]
    h1s = [attrs for tag, attrs in page.tags if tag == "h1"]
    assert len(h1s) == 1
    assert "أمطار غزيرة على الرياض وتحذيرات من السيول — " in page.text


def test_listing_shows_every_article_with_date_and_source(pages):
    home = pages["index.html"]
    for slug in ("riyadh-rain", "jeddah-port", "000_98ca48b0d465946a", "hostile-markup"):
        assert home.find("a", href=f"./articles/{slug}/") or home.find(
            "a", href=f"articles/{slug}/"
        ), slug
    assert "21 يوليو 2015" in home.text and "صحيفة الرياض" in home.text
    assert "بدون تاريخ" in home.text


@pytest.mark.parametrize(("month", "label"), [("2015/07", "يوليو 2015"), ("2015/08", "أغسطس 2015")])
def test_archives_list_months_in_arabic(pages, month, label):
    archives = pages["archives/index.html"]
    links = archives.find("a", href=f"../archives/{month}/")
    assert links, f"no link to {month}"
    assert label in archives.text
    month_page = pages[f"archives/{month}/index.html"]
    assert f"أرشيف {label}" in month_page.text


def test_archives_keep_undated_articles_apart(pages):
    archives = pages["archives/index.html"]
    assert "بدون تاريخ" in archives.text
    assert "1970" not in archives.text


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "خبر واحد"),
        (2, "خبران"),
        (3, "3 أخبار"),
        (10, "10 أخبار"),
        (11, "11 خبرًا"),
        (100, "100 خبر"),
        (103, "103 أخبار"),
        (250, "250 خبرًا"),
    ],
)
def test_news_count_agrees_in_arabic(count, words):
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(TEMPLATES))
    macros = env.get_template("_macros.html").module
    assert str(macros.news_count(count)).strip() == words


def test_an_entry_made_once_links_from_each_pages_depth_and_stays_escaped():
    from types import SimpleNamespace

    from jinja2 import Environment, FileSystemLoader

    from newsarchive.dates import arabic_date
    from newsarchive.listentries import listed_entry

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["arabic_date"] = arabic_date
    env.globals["listed_entry"] = listed_entry
    page = env.from_string(
        '{% import "_macros.html" as m with context %}{{ m.article_list(articles, 3) }}'
    )
    article = SimpleNamespace(
        url="articles/a/",
        title="<b>زيارة</b>",
        undated=True,
        source="وكالة & شركاه",
        source_url="sources/w/",
        metadata={"plaintext": "نص <script>"},
    )
    shallow = page.render(articles=[article], SITEURL="..")
    deep = page.render(articles=[article], SITEURL="../../..")
    assert 'href="../articles/a/"' in shallow and 'href="../sources/w/"' in shallow
    assert 'href="../../../articles/a/"' in deep and 'href="../../../sources/w/"' in deep
    for html in (shallow, deep):
        assert "&lt;b&gt;زيارة&lt;/b&gt;" in html and "&lt;script&gt;" in html
        assert "وكالة &amp; شركاه" in html and "<h3" in html


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory) -> Path:
    """The fixture site built with one article a page, to exercise pagination."""
    root = tmp_path_factory.mktemp("paged")
    output = root / "output"
    build_site(FIXTURE_CONTENT, output, CACHE_PATH=str(root / "cache"), DEFAULT_PAGINATION=1)
    return output


def test_pagination_numbers_pages_from_the_oldest_and_links_them(paged_site):
    front = Page(paged_site / "index.html")
    third = Page(paged_site / "page" / "3" / "index.html")
    oldest = Page(paged_site / "page" / "1" / "index.html")
    assert not front.find("a", rel="prev")
    assert front.find("a", rel="next")[0]["href"] == "./page/3/"
    assert "صفحة 3" in third.text and "صفحة 1" in oldest.text
    assert not oldest.find("a", rel="next")
    for rel in ("prev", "next"):
        href = third.find("a", rel=rel)[0]["href"]
        assert resolve(paged_site, third.path, href).exists(), href
