"""Importing a JSON Lines corpus: one content file per record, bad lines reported, idempotent."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import shared_path

from newsarchive.boilerplate import SHORT_LINE_WORDS, word_count
from newsarchive.boilerplate_report import removal_stats
from newsarchive.corpus_import import import_corpus
from newsarchive.rawarticle import parse_article

RECORD = {
    "id": "snn-0000test0001",
    "title": "أمير منطقة الرياض يستقبل السفير",
    "body": "عين اليوم – متابعات\n\nاستقبل أمير منطقة الرياض اليوم السفير في مكتبه.\n\n// انتهى //",
    "date": "2015-07-21",
    "source": "3alyoum",
    "source_name": "عين اليوم",
    "category": None,
    "url": "http://example.com/a?x=1&amp;y=2",
    "author": "محمد&nbsp;العلي",
}


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_record_becomes_a_content_file_with_clean_metadata(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", [json.dumps(RECORD, ensure_ascii=False)])
    report = import_corpus(corpus, tmp_path / "content", progress=False)
    assert report.written == 1 and not report.skipped
    text = (tmp_path / "content" / "snn-0000test0001.txt").read_text(encoding="utf-8")
    article = parse_article(text)
    assert article.title == RECORD["title"]
    assert article.metadata["slug"] == "snn-0000test0001"
    assert article.metadata["author"] == "محمد العلي"  # &nbsp; decoded, then spaces folded
    assert article.metadata["url"] == "http://example.com/a?x=1&y=2"
    assert article.metadata["source_id"] == "3alyoum"
    assert article.paragraphs == ["استقبل أمير منطقة الرياض اليوم السفير في مكتبه."]


def test_byline_is_the_author_when_the_record_has_none(tmp_path):
    record = dict(RECORD, author=None)
    corpus = write_jsonl(tmp_path / "c.jsonl", [json.dumps(record, ensure_ascii=False)])
    import_corpus(corpus, tmp_path / "content", progress=False)
    text = (tmp_path / "content" / "snn-0000test0001.txt").read_text(encoding="utf-8")
    assert parse_article(text).metadata["author"] == "عين اليوم – متابعات"


def test_malformed_lines_are_reported_with_line_numbers_and_the_rest_imports(tmp_path):
    good = json.dumps(RECORD, ensure_ascii=False)
    second = json.dumps(dict(RECORD, id="snn-0000test0002"), ensure_ascii=False)
    lines = [good, "{not json", json.dumps({"id": "x"}), "[1, 2]", second, good]
    corpus = write_jsonl(tmp_path / "c.jsonl", lines)
    report = import_corpus(corpus, tmp_path / "content", progress=False)
    assert report.written == 2
    assert [number for number, _ in report.skipped] == [2, 3, 4, 6]
    reasons = dict(report.skipped)
    assert reasons[2].startswith("invalid JSON")
    assert reasons[3] == "missing or empty field 'body'"
    assert reasons[4] == "not a JSON object"
    assert "duplicate id" in reasons[6]


def test_missing_title_is_reported_and_taken_from_the_body(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", [json.dumps(dict(RECORD, title=None))])
    report = import_corpus(corpus, tmp_path / "content", progress=False)
    assert report.warnings == [(1, "no title; the first words of the body are the title")]
    text = (tmp_path / "content" / "snn-0000test0001.txt").read_text(encoding="utf-8")
    assert parse_article(text).title.startswith("استقبل أمير منطقة الرياض")


def test_reimport_is_idempotent(tmp_path):
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as out:
        out.write(json.dumps(RECORD, ensure_ascii=False) + "\n")
    import_corpus(corpus, tmp_path / "content", progress=False)
    before = (tmp_path / "content" / "snn-0000test0001.txt").stat().st_mtime_ns
    again = import_corpus(corpus, tmp_path / "content", progress=False)
    assert (again.written, again.unchanged) == (0, 1)
    assert (tmp_path / "content" / "snn-0000test0001.txt").stat().st_mtime_ns == before


def test_sample_corpus_imports_every_article(tmp_path):
    corpus = shared_path("corpus", "saudinewsnet.sample3k.jsonl")
    report = import_corpus(corpus, tmp_path / "content", progress=False)
    assert report.imported == 3000 and not report.skipped
    assert len(list((tmp_path / "content").glob("*.txt"))) == 3000


def test_boilerplate_rules_eat_no_real_sentences():
    corpus = shared_path("corpus", "saudinewsnet.sample3k.jsonl")
    articles, counts, lines = removal_stats(corpus)
    assert articles == 3000
    assert counts["agency-marker"] > 0 and counts["byline"] > 0 and counts["sms-block"] > 0
    # Only SMS instructions (numbers and operator names) may be longer than a short line.
    other = [line for rule, group in lines.items() if rule != "sms-block" for line in group]
    assert max(word_count(line) for line in other) <= SHORT_LINE_WORDS


@pytest.mark.parametrize("form", ["ﺍﻟﺮﻳﺎﺽ", "ﻻ"])
def test_presentation_forms_in_titles_are_folded(tmp_path, form):
    record = dict(RECORD, title=f"خبر {form}")
    corpus = write_jsonl(tmp_path / "c.jsonl", [json.dumps(record, ensure_ascii=False)])
    import_corpus(corpus, tmp_path / "content", progress=False)
    text = (tmp_path / "content" / "snn-0000test0001.txt").read_text(encoding="utf-8")
    assert parse_article(text).title in {"خبر الرياض", "خبر لا"}
