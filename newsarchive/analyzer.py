"""Arabic search analyzer: text to index terms, mirrored exactly by theme/static/js/analyzer.js.

Pipeline for every token of the original text:
1. tokenise: a run of letters, digits and combining marks (plus ZWJ/ZWNJ) is one token;
2. normalise (newsarchive.arabic.search_normalize): NFKC, diacritics, tatweel and invisible
   marks removed, alef/ya/taa-marbuta variants, hamza seats (ؤ ئ as ء) and digits unified,
   lowercase; the result is re-split into words (NFKC can expand a ligature into several
   words) and digit runs are split from letters ("2015م" gives "2015" and "م"); each piece is
   an *exact form*;
3. stem each exact form lightly (see ``stem``) into its *term*.

Every term keeps the character span of the token it came from, for highlighting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, Token, Tokenizer

from newsarchive.arabic import ARTICLE_PREFIXES, search_normalize

# Combining marks that belong inside a word (Python's \w has letters and digits but no marks).
# The JS twin lists the same ranges; it uses \p{L}\p{N} for the letters and digits.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4"
    "\u06e7\u06e8\u06ea-\u06ed\u0898-\u089f\u08ca-\u08e1\u08e3-\u08ff\u1ab0-\u1aff"
    "\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
)
TOKEN_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
# Same tokens for any text without "_", about twice as fast (one character class).
_FAST_TOKEN_RE = re.compile(rf"[\w{_MARKS}]+")
# After normalisation, digit runs and letter runs become separate words.
DIGIT_SPLIT_RE = re.compile(r"[0-9]+|[^0-9]+")

MIN_STEM_AFTER_ARTICLE = 2

# Bare clitics (conjunction و, prepositions ب and ل). Ambiguous: بغداد starts with ب, وزير with
# و. The canonical term keeps them; the index adds the stripped form as an alternative term at
# the same position (``index_terms``), so بغداد finds لبغداد. ف and ك are left out: before a
# bare noun they are rare, and as first letters common (فيصل, كاميرا would index يصل, اميرا).
BARE_CLITICS = ("وب", "ول", "و", "ب", "ل")
MIN_STEM_AFTER_CLITIC = 3

# Suffixes in light10 order (after normalisation ة is ه and ية is يه), each tried once, with
# the letters that must remain. Departures from light10, for names:
# - ي and يه are kept (nisba): سعودي/سعودية stay apart from سعود, كاظمي stays كاظمي;
# - the dual and plural endings ان ون ين need 4 letters left, the shortest base of a sound
#   plural (معلمون, لاعبين): سلمان, لبنان, قانون, تعاون, برلين, بوتين, حسين stay whole.
SUFFIXES = (("ها", 2), ("ان", 4), ("ات", 2), ("ون", 4), ("ين", 4), ("ه", 2))

# Names and words that the suffix rules would merge with another common word.
KEEP_WHOLE = frozenset(
    {
        "ابها",  # Abha, not اب (father)
        "بحرين",  # not بحر (sea)
        "رياضه",  # sport, not رياض (Riyadh)
        "فلسطين",
        "امارات",  # the UAE, not اماره (emirate)
        "عرفات",
        "فرات",
        "سليمان",  # not سليم
        "طالبان",  # not طالب
        "برلمان",
        "اردوغان",
        "باكستان",
        "افغانستان",
        "كردستان",
        "جده",  # Jeddah, not جد
        "مساءله",  # مساءلة (accountability), not مسائل (issues)
    }
)

# مائة (hundred), its duals and its compounds, spelled as مئة: outlets use both (in the 30,100
# corpus articles المائة 6,235 times, المئة 1,095). Whole words, after the hamza fold: the
# letters ماءه also end سماءه (its sky) and اسماءه (his names).
HUNDRED_SPELLINGS = {
    "ماء" + ending: "مء" + ending for ending in ("ه", "تا", "تي", "تين", "تان")
} | {unit + "ماءه": unit + "مءه" for unit in ("ثلاث", "اربع", "خمس", "ست", "سبع", "ثمان", "تسع")}

# ARTICLE_PREFIXES as one regex: alternatives are tried in order, each needing the letters after.
_ARTICLE_RE = re.compile(
    "(?:" + "|".join(ARTICLE_PREFIXES) + f")(?=.{{{MIN_STEM_AFTER_ARTICLE}}})", re.DOTALL
)

ALLAH = "الله"
# الله with a clitic in front: all mean the name itself (لله is ل + الله).
_ALLAH_FORMS = frozenset(
    {"الله", "والله", "فالله", "بالله", "وبالله", "تالله", "لله", "ولله", "فلله"}
)


@lru_cache(maxsize=262144)
def stem(word: str) -> str:
    """Light-stem one normalised word: strip an article group, then suffixes (see module tables)."""
    if word in _ALLAH_FORMS:
        return ALLAH
    if word.endswith(ALLAH):
        return word  # joined names such as عبدالله: the final ه is not a suffix
    # The first article group, in ARTICLE_PREFIXES order, that leaves enough letters.
    article = _ARTICLE_RE.match(word)
    if article:
        word = word[article.end() :]
    word = HUNDRED_SPELLINGS.get(word, word)
    if word in KEEP_WHOLE:
        return word
    for suffix, min_left in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= min_left:
            word = word[: -len(suffix)]
    return word


@lru_cache(maxsize=262144)
def stem_alternatives(word: str) -> tuple[str, ...]:
    """Extra index terms for a normalised word: its stem without each bare clitic it may carry."""
    canonical = stem(word)
    found: list[str] = []
    for clitic in BARE_CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= MIN_STEM_AFTER_CLITIC:
            alternative = stem(word[len(clitic) :])
            if alternative != canonical and alternative not in found:
                found.append(alternative)
    return tuple(found)


@lru_cache(maxsize=262144)
def exact_forms(token: str) -> tuple[str, ...]:
    """Normalised, unstemmed words of one token (usually one; ligatures and digits may split)."""
    folded = search_normalize(token)
    return tuple(
        piece for word in TOKEN_RE.findall(folded) for piece in DIGIT_SPLIT_RE.findall(word)
    )


@lru_cache(maxsize=262144)
def token_terms(token: str) -> tuple[str, ...]:
    """Terms of one token (the cached unit of work: corpus text repeats its tokens a lot)."""
    return tuple(stem(form) for form in exact_forms(token))


# Exact forms straight from normalised text: digit runs, and runs of other word characters.
_FORM_RE = re.compile(rf"\n|[0-9]+|(?:[^\W_0-9]|[{_MARKS}])+")


def exact_forms_many(tokens: list[str]) -> list[tuple[str, ...]]:
    """exact_forms() of every token, normalising them all in one pass (the same results:
    normalisation never crosses or makes a line break, and no token has one)."""
    joined = "\n".join(tokens)
    if joined.count("\n") != max(len(tokens) - 1, 0):
        return [exact_forms(token) for token in tokens]
    out: list[tuple[str, ...]] = []
    forms: list[str] = []
    for piece in _FORM_RE.findall(search_normalize(joined) + "\n") if tokens else []:
        if piece == "\n":
            out.append(tuple(forms))
            forms = []
        else:
            forms.append(piece)
    return out


def token_pattern(text: str) -> re.Pattern[str]:
    """The fastest regex that finds exactly TOKEN_RE's tokens in this text."""
    return _FAST_TOKEN_RE if "_" not in text else TOKEN_RE


def exact_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield each exact form with the start and end offsets of its token in the text."""
    for match in token_pattern(text).finditer(text):
        start, end = match.span()
        for form in exact_forms(match.group()):
            yield form, start, end


def analyze_spans(text: str) -> list[tuple[str, int, int]]:
    """Terms of the text, in order, each with its token's (start, end) code-point offsets."""
    return [
        (term, match.start(), match.end())
        for match in token_pattern(text).finditer(text)
        for term in token_terms(match.group())
    ]


def analyze(text: str) -> list[str]:
    """Terms of the text, in order (the query side; the JS analyze() gives the same list)."""
    return [term for token in token_pattern(text).findall(text) for term in token_terms(token)]


@lru_cache(maxsize=262144)
def token_index_terms(token: str) -> tuple[tuple[str, ...], ...]:
    """Per word of one token, its term followed by its bare-clitic variants."""
    return tuple((stem(form), *stem_alternatives(form)) for form in exact_forms(token))


def index_terms(text: str) -> list[list[str]]:
    """Per word, the terms to index at its position: the term first, then bare-clitic variants."""
    return [
        list(terms)
        for token in token_pattern(text).findall(text)
        for terms in token_index_terms(token)
    ]


def analyze_word(word: str) -> str | None:
    """The term of a single word, or None when it yields no term or several."""
    forms = [form for form, _start, _end in exact_spans(word)]
    return stem(forms[0]) if len(forms) == 1 else None


def exact_form(word: str) -> str | None:
    """The normalised, unstemmed form of a single word, or None when it yields none or several."""
    forms = [form for form, _start, _end in exact_spans(word)]
    return forms[0] if len(forms) == 1 else None


def exact(text: str) -> list[str]:
    """Normalised, unstemmed forms of the text's words, in order (for an exact-match field)."""
    return [form for form, _start, _end in exact_spans(text)]


# --- Whoosh adapter -----------------------------------------------------------------------------


class ArabicTokenizer(Tokenizer):
    """Whoosh tokenizer yielding exact forms, with positions and token character offsets."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        # Untokenised values (Whoosh's prefix and wildcard queries) are still normalised.
        pieces = exact_spans(value) if tokenize else [(search_normalize(value), 0, len(value))]
        for pos, (form, start, end) in enumerate(pieces, start_pos):
            token.text = form
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class ArabicStemFilter(Filter):
    """Whoosh filter: exact form to term, plus bare-clitic variants when indexing."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for token in tokens:
            form = token.text
            token.text = stem(form)
            yield token
            if token.mode == "index":
                for alternative in stem_alternatives(form):
                    token.text = alternative
                    yield token


def ArabicAnalyzer():  # noqa: N802 - named like Whoosh's analyzer factories
    """Whoosh analyzer, stemmed field: the terms of analyze(), plus variants when indexing."""
    return ArabicTokenizer() | ArabicStemFilter()


def ExactAnalyzer():  # noqa: N802
    """Whoosh analyzer for the exact field: normalised, unstemmed forms (same as exact())."""
    return ArabicTokenizer()
