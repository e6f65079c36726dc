"""Listing groups: the date archives and author listings match Pelican's own."""

from datetime import datetime
from types import SimpleNamespace

import pytest
from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG

from newsarchive.listings import MemberList, in_order_of, period_archives, ranks

DATES = [
    datetime(2015, 1, 31, 23, 0),
    datetime(2015, 1, 31, 8, 0),
    datetime(2015, 2, 1, 0, 5),
    datetime(2015, 12, 31, 12, 0),
    datetime(2016, 1, 1, 9, 0),
    datetime(2016, 1, 1, 9, 0),
]


@pytest.mark.parametrize("day_archives", [False, True])
def test_period_archives_group_as_pelican_does(day_archives):
    articles = [SimpleNamespace(date=d, title=f"خبر {i}") for i, d in enumerate(DATES)]
    # Pelican gives the articles newest first and the dates oldest first.
    dates = sorted(articles, key=lambda a: a.date)
    settings = dict(DEFAULT_CONFIG)
    settings |= {"YEAR_ARCHIVE_SAVE_AS": "archives/{date:%Y}/index.html"}
    settings |= {"MONTH_ARCHIVE_SAVE_AS": "archives/{date:%Y}/{date:%m}/index.html"}
    if day_archives:
        settings["DAY_ARCHIVE_SAVE_AS"] = "archives/{date:%Y}/{date:%m}/{date:%d}/index.html"
    theirs = ArticlesGenerator._build_period_archives(None, dates, articles[::-1], settings)
    ours = period_archives(dates, articles[::-1], settings)
    assert ours == theirs
    assert [len(a["articles"]) for a in ours["month"]] == [2, 1, 1, 2]
    assert ("day" in ours) == day_archives


def test_member_list_finds_by_identity_and_stays_a_list():
    first, second = SimpleNamespace(title="خبر"), SimpleNamespace(title="خبر")
    members = MemberList([first])
    assert first in members and second not in members  # equal objects, not the same one
    assert members == [first] and isinstance(members, list)


def test_author_dates_are_pelicans_in_linear_time():
    articles = [SimpleNamespace(date=d, title=f"خبر {i}") for i, d in enumerate(DATES)]
    dates = sorted(articles, key=lambda a: a.date)[1:]  # an undated article is left out
    listing = [articles[0], articles[5], articles[3], articles[1]]  # an author's, newest first
    theirs = [a for a in dates if a in listing]  # ArticlesGenerator.generate_authors
    assert in_order_of(listing, ranks(dates)) == theirs
    assert in_order_of([SimpleNamespace(**vars(articles[3]))], ranks(dates)) == []  # by identity
