"""Pelican plugin for the archive's listings: one page per news source, undated articles kept
out of the date archives."""

from __future__ import annotations

from datetime import datetime

from pelican import signals

from newsarchive.listings import MemberList, group_by_source, in_order_of, period_archives, ranks

DEFAULTS = {
    "SOURCE_URL": "sources/{slug}/",
    "SOURCE_SAVE_AS": "sources/{slug}/index.html",
    "SOURCES_SAVE_AS": "sources/index.html",
}


def setting(settings: dict, name: str) -> str:
    """A setting of this plugin, or its default."""
    return settings.get(name, DEFAULTS[name])


def linear_listings(generator) -> None:
    """Group the date archives in one pass and give each author page its dated articles in
    linear time: Pelican does both in time quadratic in the articles."""
    generator._build_period_archives = period_archives

    def generate_authors(write) -> None:
        """Pelican's ArticlesGenerator.generate_authors, with `dates` in linear time."""
        template = generator.get_template("author")
        rank = ranks(generator.dates)
        for author, articles in generator.authors:
            write(
                author.save_as,
                template,
                generator.context,
                url=author.url,
                author=author,
                articles=articles,
                dates=in_order_of(articles, rank),
                template_name="author",
                blog=True,
                page_name=author.page_name,
                all_articles=generator.articles,
            )

    generator.generate_authors = generate_authors


def prepare(generator) -> None:
    """Give each article its source page URL and keep undated articles out of date archives."""
    pin_urls(generator.articles)
    url = setting(generator.settings, "SOURCE_URL")
    groups = group_by_source(generator.articles)
    for group in groups:
        group["url"] = url.format(slug=group["slug"])
        for article in group["articles"]:
            article.source_url = group["url"]
    generator.context["sources"] = groups
    dated = [a for a in generator.dates if not a.metadata.get("undated")]
    pin_sitemap_date(dated)
    if len(dated) != len(generator.dates):
        generator.dates = dated
        generator.period_archives = generator._build_period_archives(
            dated, generator.articles, generator.settings
        )
        generator.context["dates"] = dated
        generator.context["period_archives"] = generator.period_archives
    # Pelican picks each category's, author's and tag's articles out of all articles with `in`:
    # quadratic on plain lists. In place, as the context holds the same lists.
    generator.categories[:] = [(c, MemberList(arts)) for c, arts in generator.categories]
    generator.authors[:] = [(a, MemberList(arts)) for a, arts in generator.authors]
    for tag, arts in generator.tags.items():
        generator.tags[tag] = MemberList(arts)
    # A year page lists its months, not its articles: one page, not one per DEFAULT_PAGINATION
    # articles.
    for year in generator.period_archives.get("year", []):
        year["articles"] = []


def pin_urls(articles) -> None:
    """Keep each article's URL as it is now, final: Pelican formats it from its settings again
    at every use (the sitemap, the report, search, listings): 2.7 s of a profiled rebuild of
    10,010 articles (136 s). Pelican reads this override first. (Not save_as: an article with
    its own save_as is written as overriding any other page at that place.)"""
    for article in articles:
        article.override_url = article.url


def pin_sitemap_date(dated) -> None:
    """Date listing pages in the sitemap by the newest article, not the build's clock, so that
    the same input builds the same bytes."""
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    if dated:
        newest = max(article.date for article in dated)
        # A plain datetime: Pelican's own formats in Python, six times slower, and the sitemap
        # formats this date for each of the site's listing and entity pages.
        sitemap.generator.now = datetime.combine(newest.date(), newest.timetz())


def write_sources(generator, writer) -> None:
    """Write the source index and one paginated page per source."""
    settings = generator.settings
    groups = generator.context.get("sources", [])
    if not groups:
        return
    save_as = setting(settings, "SOURCE_SAVE_AS")
    index = setting(settings, "SOURCES_SAVE_AS")
    writer.write_file(
        index,
        generator.get_template("sources"),
        generator.context,
        relative_urls=settings["RELATIVE_URLS"],
        template_name="sources",
        url=index.removesuffix("index.html"),
    )
    for group in groups:
        writer.write_file(
            save_as.format(slug=group["slug"]),
            generator.get_template("source"),
            generator.context,
            relative_urls=settings["RELATIVE_URLS"],
            paginated={"articles": group["articles"]},
            template_name="source",
            url=group["url"],
            source={"name": group["name"], "url": group["url"]},
            front_only={"source_count": group["count"]},
            page_name=group["url"].rstrip("/"),
        )


def register() -> None:
    """Wire the listings into Pelican's article generation."""
    signals.article_generator_init.connect(linear_listings)
    signals.article_generator_finalized.connect(prepare)
    signals.article_writer_finalized.connect(write_sources)
