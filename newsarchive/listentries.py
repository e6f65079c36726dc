"""A listing entry's HTML, made once per article: an article is listed on its month, category,
source and author pages, on the pages of the articles it is related to and on each of its
entities' pages (16 times on average in a 10,000-article archive)."""

from __future__ import annotations

import secrets
from weakref import WeakKeyDictionary

from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

# Entries kept per template environment before the oldest half is dropped: memory stays bounded
# at 30,000 articles, and pages list mostly recent articles.
MAX_ENTRIES = 20_000
# Stands for SITEURL in a kept entry, which serves pages at every depth (relative URLs differ
# by depth). Random, so that no article's text can contain it.
_SITEURL = f"\ue000{secrets.token_hex(8)}\ue000"
# environment -> (its _macros.html module, {(id(article), heading level): (article, HTML)})
_KEPT: WeakKeyDictionary[Environment, tuple] = WeakKeyDictionary()


@pass_context
def listed_entry(context, article, heading_level: int = 2) -> Markup:
    """The `entry` macro of _macros.html for an article, rendered once and kept."""
    env = context.environment
    if env not in _KEPT:
        _KEPT[env] = (env.get_template("_macros.html").make_module({"SITEURL": _SITEURL}), {})
    macros, kept = _KEPT[env]
    key = (id(article), heading_level)
    found = kept.get(key)
    if found is None or found[0] is not article:
        if len(kept) >= MAX_ENTRIES:
            for old in list(kept)[: MAX_ENTRIES // 2]:
                del kept[old]
        found = kept[key] = (article, str(macros.entry(article, heading_level)))
    return Markup(found[1].replace(_SITEURL, escape(context.get("SITEURL", ""))))
