"""Stable pagination: a new article changes the front page and at most two numbered pages."""

from collections import namedtuple

import pytest

from newsarchive.pagination import runs, stable_pages

Pattern = namedtuple("Pattern", "min_page URL SAVE_AS")
PATTERN = Pattern(2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html")


def pages(count, per_page=3):
    """Pages of `count` articles numbered from the oldest (1) to the newest (count)."""
    items = list(range(count, 0, -1))  # newest first
    return stable_pages(items, per_page, "sources/okaz/index.html", "sources/okaz/", PATTERN)


def numbered(result):
    """Each numbered page as what its file shows: articles and links."""
    return {p.save_as: (p.object_list, p.newer, p.older) for p in result if not p.is_front}


@pytest.mark.parametrize("count", [0, 1, 3, 4, 6, 7, 10, 20])
def test_every_article_is_on_exactly_one_page_newest_first(count):
    result = pages(count)
    shown = [item for page in result for item in page.object_list]
    assert shown == list(range(count, 0, -1))
    assert result[0].is_front and result[0].save_as == "sources/okaz/index.html"
    assert len(result[0].object_list) >= min(count, 3)
    assert all(len(p.object_list) == 3 for p in result[1:])


def test_numbered_pages_count_from_the_oldest_and_link_both_ways():
    result = pages(10)  # front: 10..7; page 2: 6..4; page 1: 3..1
    assert [p.number for p in result] == [3, 2, 1]
    assert result[-1].object_list == [3, 2, 1]
    assert result[-1].url == "sources/okaz/page/1/"
    assert result[-1].newer.url == "sources/okaz/page/2/"
    assert result[1].newer.is_front and result[1].newer.url == "sources/okaz/"
    assert result[0].older.url == "sources/okaz/page/2/" and result[0].newer is None


@pytest.mark.parametrize("count", range(1, 40))
def test_one_new_article_changes_at_most_two_numbered_pages(count):
    before, after = numbered(pages(count)), numbered(pages(count + 1))
    changed = [name for name in after if before.get(name) != after[name]]
    assert len(changed) <= 2
    assert set(before) <= set(after), "a numbered page never goes away"


def test_runs_put_the_short_run_on_the_front_page():
    assert runs(7, 3) == [range(0, 4), range(4, 7)]
    assert runs(6, 3) == [range(0, 3), range(3, 6)]
    assert runs(2, 3) == [range(0, 2)]
