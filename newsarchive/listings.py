"""Group articles for the archive's listing pages, as plain data."""

from __future__ import annotations

import calendar
import hashlib
from collections import defaultdict
from itertools import groupby

from newsarchive.slugs import safe_slug

# Pelican's period keys: the year alone is an int, longer periods are tuples.
PERIOD_KEYS = {
    "year": lambda d: d.year,
    "month": lambda d: (d.year, d.month),
    "day": lambda d: (d.year, d.month, d.day),
}


def group_by_source(articles) -> list[dict]:
    """Group articles by source: dicts {name, slug, count, articles}, largest source first."""
    groups: dict[str, list] = defaultdict(list)
    slugs: dict[str, str] = {}
    for article in articles:
        name = getattr(article, "source", None)
        if not name:
            continue
        groups[name].append(article)
        # A source's id (from an import) is its stable slug; otherwise its name is.
        slugs.setdefault(name, safe_slug(getattr(article, "source_id", None) or name))
    result = [
        {"name": name, "slug": slugs[name], "count": len(items), "articles": items}
        for name, items in groups.items()
    ]
    result.sort(key=lambda group: (-group["count"], group["name"]))
    unique_slugs(result)
    return result


def unique_slugs(groups: list[dict]) -> None:
    """Make slugs unique: a later group whose slug is taken gets a suffix from its name's hash."""
    seen: set[str] = set()
    for group in groups:
        if group["slug"] in seen:
            digest = hashlib.sha1(group["name"].encode("utf-8")).hexdigest()[:8]
            group["slug"] = f"{group['slug']}-{digest}"
        seen.add(group["slug"])


class MemberList(list):
    """A list whose `in` looks the object up by identity in a set, not by scanning: Pelican
    asks, for every article and every category or author, whether the article is in its list."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def ranks(ordered) -> dict[int, int]:
    """Each object's place in ordered, by identity."""
    return {id(item): i for i, item in enumerate(ordered)}


def in_order_of(articles, rank: dict[int, int]) -> list:
    """The articles that rank places, in its order: Pelican's `[a for a in ordered if a in
    articles]` without scanning every article of the archive once per listing."""
    return sorted((a for a in articles if id(a) in rank), key=lambda a: rank[id(a)])


def period_archives(sorted_articles, articles, settings) -> dict[str, list[dict]]:
    """Pelican's per-year, per-month and per-day archive groups, built in one pass: Pelican's own
    compares every article with every article of its period, which is quadratic."""
    archives: dict[str, list[dict]] = defaultdict(list)
    members = {id(a) for a in sorted_articles}
    for granularity, key in PERIOD_KEYS.items():
        save_as = settings[f"{granularity.upper()}_ARCHIVE_SAVE_AS"]
        url = settings[f"{granularity.upper()}_ARCHIVE_URL"]
        if not save_as:
            continue
        in_period = defaultdict(list)  # in the order of `articles`, as Pelican gives them
        for article in articles:
            if id(article) in members:
                in_period[key(article.date)].append(article)
        for period, group in groupby(sorted_articles, key=lambda a: key(a.date)):
            dates = list(group)
            first = dates[0].date
            archive = {
                "dates": dates,
                "articles": in_period[period],
                "save_as": save_as.format(date=first),
                "url": url.format(date=first),
            }
            if granularity == "year":
                archive["period"] = archive["period_num"] = (period,)
            else:
                name = calendar.month_name[period[1]]
                archive["period"] = (period[0], name, *period[2:])
                archive["period_num"] = tuple(period)
            archives[granularity].append(archive)
    return archives
