"""Pelican settings for the Arabic news archive (development build)."""

from newsarchive.dates import arabic_date, arabic_month_year
from newsarchive.listentries import listed_entry

SITENAME = "أرشيف الأخبار"
SITESUBTITLE = "أرشيف عربي للأخبار بأسماء الأعلام والأماكن والمؤسسات"
SITEURL = ""
RELATIVE_URLS = True
DEFAULT_LANG = "ar"
TIMEZONE = "UTC"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
# Order matters where plugins share a signal: incremental records its page counts at
# `finalized` before timing writes the log.
# In this order: at the end of a build, each plugin finishes in turn; the search stage, which
# runs beside the pages, is waited for after the sitemap is written and before the timing and
# the report, which count what it did.
PLUGINS = [
    "theme_assets",
    "incremental",
    "raw_reader",
    "listings",
    "entities",
    "pelican.plugins.sitemap",
    "search",
    "timing",
    "build_report",
]
READERS = {"html": None, "md": None, "rst": None}
IGNORE_FILES = [".#*", "*.pyc", "__pycache__"]
DELETE_OUTPUT_DIRECTORY = False

# URLs: an article's slug is its stable id; Arabic names keep their letters.
SLUGIFY_USE_UNICODE = True
SLUGIFY_PRESERVE_CASE = True
# Articles sharing a slug are duplicates, which the build_report plugin reports and keeps out,
# not translations: Pelican's translation grouping is also quadratic (47 s of 30,100 articles).
ARTICLE_TRANSLATION_ID = None
# Pelican's substitutions, then a length cap: file names have at most 255 bytes.
SLUG_REGEX_SUBSTITUTIONS = [
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
    (r"^(.{80}).+$", r"\1"),
]
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
PAGE_URL = "pages/{slug}/"
PAGE_SAVE_AS = "pages/{slug}/index.html"
CATEGORY_URL = "categories/{slug}/"
CATEGORY_SAVE_AS = "categories/{slug}/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
AUTHOR_URL = "authors/{slug}/"
AUTHOR_SAVE_AS = "authors/{slug}/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
DEFAULT_CATEGORY = "عام"

DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {
    "index": None,
    "category": None,
    "author": None,
    "source": None,
    "entity": None,
    "period_archives": None,
}
PAGINATION_PATTERNS = [
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
]

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/categories/{slug}.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 50

STATIC_PATHS = []
DIRECT_TEMPLATES = ["index", "archives", "categories", "authors", "search", "404"]
SEARCH_SAVE_AS = "search/index.html"

JINJA_FILTERS = {"arabic_date": arabic_date, "arabic_month_year": arabic_month_year}
# A listing entry is rendered once per article, whatever page lists it.
JINJA_GLOBALS = {"listed_entry": listed_entry}

SITEMAP = {
    "format": "xml",
    "priorities": {"articles": 0.5, "indexes": 0.5, "pages": 0.5},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
}

# Escape everything templates print, unless marked safe (only the reader's escaped article HTML).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
