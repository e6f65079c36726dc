"""The Arabic search analyzer: rules on real examples, the golden file, Whoosh, and JS agreement."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from newsarchive.analyzer import (
    HUNDRED_SPELLINGS,
    KEEP_WHOLE,
    ArabicAnalyzer,
    ExactAnalyzer,
    analyze,
    analyze_spans,
    analyze_word,
    exact,
    exact_form,
    exact_forms,
    exact_forms_many,
    index_terms,
    stem_alternatives,
)

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "data" / "analyzer_golden.tsv"
JS_STDIO = Path(__file__).parent / "js" / "analyzer_stdio.mjs"


def golden_rows() -> list[tuple[str, str, str]]:
    """(token, terms, alternatives) rows of the golden file."""
    rows = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            token, terms, alternatives = line.split("\t")
            rows.append((token, terms, alternatives))
    return rows


# --- normalisation: spelling variants of one word give one term ---------------------------------


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("أحمد", "احمد"),  # hamza above alef
        ("إسلام", "اسلام"),  # hamza below
        ("آمال", "امال"),  # madda
        ("ٱلرحمن", "الرحمن"),  # wasla
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("مدرسة", "مدرسه"),  # taa marbuta
        ("سَلْمَانُ", "سلمان"),  # harakat
        ("الرِّيَاض", "الرياض"),  # shadda and kasra
        ("العـــراق", "العراق"),  # tatweel
        ("\ufe8d\ufedf\ufecc\ufeae\ufe8d\ufed5", "العراق"),  # presentation forms
        ("\ufefb", "لا"),  # lam-alef ligature
        ("ال\u200cعراق", "العراق"),  # zero-width non-joiner inside the word
        ("٢٠١٥", "2015"),  # Arabic-Indic digits
        ("۲۰۱۵", "2015"),  # Extended (Persian) digits
        ("Trump", "trump"),  # Latin lowercased
        ("مسئول", "مسؤول"),  # hamza seated on ya or on waw, as outlets spell it
        ("شئون", "شؤون"),
        ("والمسئولية", "والمسؤولية"),
    ],
)
def test_variants_analyse_alike(variant, plain):
    assert analyze(variant) == analyze(plain)
    assert len(analyze(variant)) == 1


def test_digits_split_from_letters():
    assert analyze("عام 2015م") == ["عام", "2015", "م"]
    assert analyze("COVID-19") == ["covid", "19"]


def test_ligature_of_several_words_gives_several_terms():
    assert analyze("\ufdfa") == analyze("صلى الله عليه وسلم")


# --- prefixes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefixed", "bare"),
    [
        ("والعراق", "العراق"),
        ("فالحكومة", "الحكومة"),
        ("بالكاظمي", "الكاظمي"),
        ("للمدرسة", "المدرسة"),
        ("كالبرق", "البرق"),
        ("وبالعراق", "العراق"),
        ("وللمدرسة", "المدرسة"),
        ("فبالرياض", "الرياض"),
        ("والسعودية", "السعودية"),
    ],
)
def test_article_groups_are_stripped(prefixed, bare):
    assert analyze(prefixed) == analyze(bare)


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("العراق", "عراق"),
        ("الحكومة", "حكوم"),
        ("الكاظمي", "كاظمي"),
        ("بغداد", "بغداد"),  # starts with ب but keeps it
        ("لبنان", "لبنان"),  # starts with ل, ends with ان: both kept
        ("وزير", "وزير"),  # starts with و: kept in the term
    ],
)
def test_canonical_terms(word, term):
    assert analyze_word(word) == term


@pytest.mark.parametrize(
    ("prefixed", "bare"),
    [
        ("لبغداد", "بغداد"),
        ("ببغداد", "بغداد"),
        ("وبغداد", "بغداد"),
        ("ولبغداد", "بغداد"),
        ("بمصر", "مصر"),
        ("لسوريا", "سوريا"),
        ("وقال", "قال"),
        ("للجنة", "اللجنة"),  # ل + اللجنة is written للجنة
    ],
)
def test_bare_clitics_are_indexed_as_alternatives(prefixed, bare):
    """A search for the bare word finds the word with a clitic (index side holds both)."""
    (terms,) = index_terms(prefixed)
    assert analyze_word(bare) in terms
    assert analyze_word(prefixed) == terms[0]


def test_short_words_get_no_clitic_alternative():
    # بعد, لها: stripping would leave 2 letters, which are other words (عد, ها)
    assert index_terms("بعد لها") == [["بعد"], ["لها"]]


# --- suffixes and names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group",
    [
        ("المعلمون", "المعلمين", "معلم"),  # sound masculine plural
        ("اللاعبون", "اللاعبين", "لاعب", "لاعبان"),  # plural and dual
        ("الحكومات", "الحكومة", "حكومة"),  # feminine plural and singular
        ("كتابه", "كتابها", "كتاب"),  # possessives
        ("السعودية", "سعودي", "السعوديون", "السعوديين", "السعوديات"),  # nisba kept as ي
        ("المسؤولان", "مسؤول"),  # dual of a long word
        ("أبناء", "أبناؤه", "أبنائه"),  # the hamza's seat follows the case ending
        ("مئة", "مائة", "المئة", "المائة", "بالمئة", "بالمائة"),  # hundred, new and old spelling
        ("مئتين", "مائتين"),
        ("خمسمئة", "خمسمائة"),
        ("السماء", "سماؤه", "سمائه"),  # its sky: ماءه inside a word is not hundred
        ("الله", "والله", "لله", "بالله"),
    ],
)
def test_inflections_share_a_term(group):
    terms = {analyze_word(word) for word in group}
    assert len(terms) == 1, terms


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("كاميرون", "كاميرا"),
        ("البحرين", "البحر"),
        ("سلمان", "السلم"),
        ("لبنان", "لبن"),
        ("إيران", "اير"),
        ("السعودية", "سعود"),
        ("الإمارات", "إمارة"),
        ("طالبان", "طالب"),
        ("الله", "له"),
        ("عبدالله", "عبدالل"),
        ("حسين", "حس"),
        ("جدة", "جد"),
        ("أبها", "أب"),
        ("الرياض", "الرياضة"),
        ("برلين", "برل"),
        ("قانون", "قان"),
        ("التعاون", "تعا"),
        ("بالمائة", "الماء"),  # hundred (per cent), not water, once the hamza is folded
        ("المساءلة", "المسائل"),  # accountability, not issues
    ],
)
def test_names_stay_apart_from_other_words(word, other):
    assert analyze_word(word) != analyze_word(other)
    assert analyze_word(other) not in index_terms(word)[0]


@pytest.mark.parametrize("stopword", ["في", "من", "على", "إلى", "عن", "و", "لا"])
def test_stopwords_are_kept(stopword):
    assert analyze(f"ذهب {stopword} البيت")[1] == analyze_word(stopword)


# --- spans, exact forms, API consistency --------------------------------------------------------


def test_spans_point_into_the_original_text():
    text = "قال الكاظميُّ: إنّ العـــراق ﻻ يريد ٢٠١٥م."
    spans = analyze_spans(text)
    assert [text[s:e] for _t, s, e in spans] == [
        "قال",
        "الكاظميُّ",
        "إنّ",
        "العـــراق",
        "ﻻ",
        "يريد",
        "٢٠١٥م",
        "٢٠١٥م",
    ]
    assert [t for t, _s, _e in spans] == analyze(text)


def test_exact_forms_are_normalised_but_unstemmed():
    assert exact_form("والعراقيون") == "والعراقيون"
    assert exact_form("بالمدرسةِ") == "بالمدرسه"
    assert exact("في العراق") == ["في", "العراق"]
    assert exact_form("") is None
    assert analyze_word("ذهب الى") is None


def test_empty_and_punctuation_only_text():
    assert analyze("") == []
    assert analyze(" ،؛؟!... «» - ") == []
    assert analyze("\u064e\u0640") == []  # a lone haraka and tatweel


# --- Whoosh ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def whoosh_index():
    """A RAM index of three tiny documents with a stemmed and an exact field."""
    schema = Schema(
        slug=ID(stored=True),
        body=TEXT(analyzer=ArabicAnalyzer(), phrase=True),
        body_exact=TEXT(analyzer=ExactAnalyzer()),
    )
    index = RamStorage().create_index(schema)
    writer = index.writer()
    docs = {
        "a": "وصل الرئيس لبغداد والعراق يستعد للانتخابات",
        "b": "اشترى كاميرا جديدة من الرياض",
        "c": "ديفيد كاميرون يزور المملكة العربية السعودية",
    }
    for slug, text in docs.items():
        writer.add_document(slug=slug, body=text, body_exact=text)
    writer.commit()
    return index


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("بغداد", {"a"}),
        ("العراق", {"a"}),
        ("الانتخابات", {"a"}),
        ("كاميرون", {"c"}),
        ("كاميرا", {"b"}),
        ("السعودية", {"c"}),
        ("من", {"b"}),
        ('"المملكة العربية"', {"c"}),
    ],
)
def test_whoosh_search(whoosh_index, query, slugs):
    with whoosh_index.searcher() as searcher:
        parsed = QueryParser("body", whoosh_index.schema).parse(query)
        assert {hit["slug"] for hit in searcher.search(parsed)} == slugs


def test_whoosh_analyzer_matches_analyze_spans():
    text = "وصل الرئيس لبغداد، والعراق ﻻ يريد ٢٠١٥م"
    tokens = [
        (t.text, t.startchar, t.endchar) for t in ArabicAnalyzer()(text, positions=True, chars=True)
    ]
    assert tokens == analyze_spans(text)
    indexed = [(t.text, t.pos) for t in ArabicAnalyzer()(text, positions=True, mode="index")]
    assert ("بغداد", 2) in indexed and ("لبغداد", 2) in indexed
    assert [t.text for t in ExactAnalyzer()(text)] == exact(text)


# --- golden file --------------------------------------------------------------------------------


def test_golden_file_is_large_sorted_and_distinct():
    tokens = [token for token, _terms, _alts in golden_rows()]
    assert len(tokens) >= 20000
    assert tokens == sorted(set(tokens))


def test_python_analyzer_matches_golden_file():
    differences = []
    for token, terms, alternatives in golden_rows():
        got_alternatives = [alt for form in exact(token) for alt in stem_alternatives(form)]
        if " ".join(analyze(token)) != terms or " ".join(got_alternatives) != alternatives:
            differences.append((token, terms, " ".join(analyze(token))))
    assert not differences, f"{len(differences)} differences, first: {differences[:10]}"


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_crashes_and_spans_are_consistent(text):
    spans = analyze_spans(text)
    assert [term for term, _s, _e in spans] == analyze(text)
    assert [terms[0] for terms in index_terms(text)] == analyze(text)
    for term, start, end in spans:
        assert 0 <= start < end <= len(text)
        assert term and term in analyze(text[start:end])


def _assigned(first: int, last: int) -> list[str]:
    """Characters of a range that Python's Unicode database knows (Node's is newer)."""
    return [
        chr(c) for c in range(first, last + 1) if unicodedata.category(chr(c)) not in ("Cn", "Cs")
    ]


ARABIC_CHARS = (
    _assigned(0x0600, 0x06FF)
    + _assigned(0x0750, 0x077F)
    + _assigned(0x0870, 0x08FF)
    + _assigned(0xFB50, 0xFDFF)
    + _assigned(0xFE70, 0xFEFF)
)
OTHER_CHARS = list(" \n\t.,،؛؟!«»()-_/'\"0123456789abcXYZéÉ\u200c\u200d\u200f\u0301")
CLITICS = ["", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "لل", "ولل", "فبال", "وب", "ول"]
ENDINGS = ["", "ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي", "ى"]
STEM_LETTERS = list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآؤئةى")


@st.composite
def arabic_words(draw):
    """A word built from a clitic, letters and an ending, sometimes with marks or tatweel."""
    core = draw(st.text(alphabet=STEM_LETTERS, min_size=1, max_size=7))
    word = draw(st.sampled_from(CLITICS)) + core + draw(st.sampled_from(ENDINGS))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(word)))
        word = (
            word[:at] + draw(st.sampled_from(["\u064e", "\u0651", "\u0640", "\u0670"])) + word[at:]
        )
    return word


arabic_texts = st.one_of(
    st.lists(arabic_words(), max_size=8).map(" ".join),
    st.text(alphabet=ARABIC_CHARS + OTHER_CHARS, max_size=40),
)


@pytest.fixture(scope="module")
def node_analyzer():
    """A Node process running the JS analyzer on JSON lines; yields a batch -> results function."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    process = subprocess.Popen(
        [node, str(JS_STDIO)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )

    def run(texts: list[str]) -> list[dict]:
        process.stdin.write(json.dumps(texts) + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    yield run
    process.stdin.close()
    process.wait(timeout=10)


def python_view(text: str) -> dict:
    """The Python analyzer's output in the JSON shape the Node script prints."""
    return {
        "spans": [[term, start, end] for term, start, end in analyze_spans(text)],
        "index": index_terms(text),
        "exact": exact(text),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(arabic_texts, min_size=1, max_size=40))
def test_python_and_javascript_agree_on_arabic_text(node_analyzer, batch):
    # Every generated character is in the BMP, so JS and Python offsets are the same numbers.
    assert node_analyzer(batch) == [python_view(text) for text in batch]


def test_python_and_javascript_agree_on_every_word_the_tables_name(node_analyzer):
    # Each listed word alone, after the article and after a clitic and the article.
    batch = [f"{word} ال{word} وبال{word}" for word in sorted({*KEEP_WHOLE, *HUNDRED_SPELLINGS})]
    assert node_analyzer(batch) == [python_view(text) for text in batch]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(st.characters(exclude_categories=("Cn", "Cs", "Co"))), max_size=40))
def test_python_and_javascript_agree_on_any_text(node_analyzer, batch):
    """Terms agree for any script; offsets differ after astral characters (UTF-16 vs code points)."""
    got = [[span[0] for span in result["spans"]] for result in node_analyzer(batch)]
    assert got == [analyze(text) for text in batch]


def test_forms_of_many_tokens_at_once_equal_one_by_one():
    tokens = [token for token, _terms, _alternatives in golden_rows()]
    tokens += ["\ufdfa", "2015م", "COVID_19", "Σ", "ΣΑΣ", "a\u0301", "\u0651", "\ufefb", "x\u200dy"]
    assert exact_forms_many(tokens) == [exact_forms(token) for token in tokens]
    assert exact_forms_many([]) == []
