"""Group articles for the archive's listing pages, as plain data."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from newsarchive.slugs import safe_slug


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
