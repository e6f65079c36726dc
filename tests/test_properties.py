"""Property-based tests: arbitrary text never crashes the raw-article reader or the decoder."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsarchive.arabic import _LETTERS as LETTERS
from newsarchive.arabic import fold, fold_presentation_forms, is_arabic, normalize
from newsarchive.entities.names import full_name_key, name_key
from newsarchive.rawarticle import CONTROL_RE, parse_article
from newsarchive.textfile import UnreadableFile, decode_bytes

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
TEXTISH = st.one_of(ARABIC, st.characters(), st.sampled_from(["\n", "\n\n", " ", ":", "–", "/"]))
ARTICLE_TEXT = st.lists(TEXTISH, max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(ARTICLE_TEXT)
@example("\u0600\n\x1b\u0601")  # a control character inside a line once failed this test
def test_reader_never_crashes_and_loses_no_body_line(text):
    article = parse_article(text)
    cleaned = CONTROL_RE.sub("", fold_presentation_forms(text))
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", cleaned)]
    # Every paragraph is a line of the input (less an end marker): nothing invented.
    for paragraph in article.paragraphs:
        assert paragraph and any(line.startswith(paragraph) for line in lines)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decoder_returns_text_or_says_why(data):
    try:
        decoded = decode_bytes(data)
    except UnreadableFile as error:
        assert str(error)
    else:
        assert isinstance(decoded.text, str)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(ARABIC, min_size=1, max_size=30), min_size=1, max_size=20))
def test_corpus_body_paragraphs_are_kept_in_order(paragraphs):
    body = "\n\n".join(paragraphs)
    article = parse_article(body, raw_page=False)
    removed = {line for _, line in article.removed}
    expected = [p.strip() for p in paragraphs if p.strip() and p.strip() not in removed]
    assert [p for p in article.paragraphs if p not in removed] == expected


PLAIN_WORDS = st.text(st.characters(min_codepoint=0x0621, max_codepoint=0x064A), max_size=12)


@given(PLAIN_WORDS | st.text(st.characters(max_codepoint=0x7F), max_size=12) | st.text(max_size=12))
@example("أإآىة")
@example("Reuters")
def test_a_plain_word_normalises_as_folding_it_would(word):
    assert normalize(word) == fold(word).translate(LETTERS)
    assert name_key(word) == full_name_key(word)


@given(st.text(max_size=20) | ARTICLE_TEXT)
@example("\u05ff\u0700\ufb4f\uff00")  # just outside each Arabic block
@example("x\u0600")
@example("\ufeff")
def test_is_arabic_means_a_character_of_the_arabic_blocks(word):
    expected = any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in word)
    assert is_arabic(word) == expected
