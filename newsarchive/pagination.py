"""Stable pagination for listings: pages are cut from the oldest article, so that a new article
changes the front page and at most two numbered pages, where newest-first pages would all shift.

Page k (from 1) holds the k-th run of `per_page` articles counted from the oldest. The front page
holds the newest articles: the newest run, and the full run before it when the newest is short,
so that it shows at least `per_page` articles when there are that many."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class PageLink:
    """What a page shows of its neighbour: no articles, so that its own fingerprint does not
    change when the neighbour gains one."""

    number: int
    url: str
    is_front: bool


@dataclass
class ListingPage:
    """One page of a listing, with the attribute names of Pelican's Page that templates use."""

    number: int  # the page's place counted from the oldest; the front page's is the highest
    object_list: list  # newest first
    url: str
    save_as: str
    is_front: bool
    newer: PageLink | None = None
    older: PageLink | None = None

    def link(self) -> PageLink:
        """This page as its neighbours link to it."""
        return PageLink(self.number, self.url, self.is_front)


def runs(count: int, per_page: int) -> list[range]:
    """Positions (in newest-first order) on each page, front page first."""
    if count <= per_page:
        return [range(count)]
    front = count % per_page + per_page if count % per_page else per_page
    return [range(front)] + [range(i, i + per_page) for i in range(front, count, per_page)]


def numbered_location(pattern, name: str, url: str, number: int) -> tuple[str, str]:
    """URL and file of a numbered page from a Pelican pagination pattern (min_page, URL, SAVE_AS),
    formatted as Pelican formats them."""
    base, extension = os.path.splitext(name)
    folder, file = os.path.split(name)
    fields = {
        "save_as": name,
        "url": url,
        "name": base,
        "base_name": folder if file in ("index.htm", "index.html") else base,
        "extension": extension,
        "number": number,
    }
    # Pelican drops one leading slash too.
    return tuple(p.format(**fields).removeprefix("/") for p in (pattern[1], pattern[2]))


def stable_pages(items: list, per_page: int, name: str, url: str, pattern) -> list[ListingPage]:
    """The pages of a newest-first list, front page first: the front page is the listing's own
    file, numbered pages follow the pagination pattern."""
    positions = runs(len(items), per_page)
    pages = []
    for i, run in enumerate(positions):
        number = len(positions) - i
        where = (url, name) if i == 0 else numbered_location(pattern, name, url, number)
        pages.append(ListingPage(number, items[run.start : run.stop], *where, is_front=i == 0))
    for newer, older in zip(pages, pages[1:], strict=False):
        newer.older, older.newer = older.link(), newer.link()
    return pages
