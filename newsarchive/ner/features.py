"""CRF features for a token sequence; per-word features are memoised since words repeat."""

from __future__ import annotations

import re
from typing import NamedTuple

from newsarchive.arabic import _LETTERS, PREFIXES, normalize
from newsarchive.ner import gazetteers

CONTEXT_OFFSETS = (-2, -1, 1, 2)
PREFIX_INITIALS = frozenset(p[0] for p in PREFIXES)
# Clitic prefixes by length, longest first: a word starts with at most one of each length, and
# the matches of one word are nested, so this yields them in prefix_splits' order.
_PREFIXES_BY_LENGTH = tuple(
    (n, frozenset(p for p in PREFIXES if len(p) == n))
    for n in sorted({len(p) for p in PREFIXES}, reverse=True)
)
# Longest multi-word gazetteer phrase tried when matching a sentence.
MAX_PHRASE = 5
# Words of plain letters and digits are unchanged by fold() (NFKC, marks, tatweel): only the
# letter unification remains, which skips most of normalize()'s cost.
_PLAIN_WORD = re.compile("[\u0621-\u063a\u0641-\u064a0-9A-Za-z]+")
_ARABIC_CHAR = re.compile("[\u0600-\u06ff\ufb50-\ufeff]")


def fast_normalize(word: str) -> str:
    """newsarchive.arabic.normalize, with a fast path for plain words."""
    if _PLAIN_WORD.fullmatch(word):
        return word.translate(_LETTERS)
    return normalize(word)


def fast_prefix_splits(norm: str) -> list[tuple[str, str]]:
    """newsarchive.arabic.prefix_splits(norm) as a list, by set lookups."""
    if norm[:1] not in PREFIX_INITIALS:
        return []
    size = len(norm)
    return [
        (norm[:n], norm[n:])
        for n, prefixes in _PREFIXES_BY_LENGTH
        if size - n >= 2 and norm[:n] in prefixes
    ]


def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if _ARABIC_CHAR.search(word):
        return "arabic"
    if word.isalpha():
        return "latin-cap" if word[0].isupper() else "latin"
    if any(ch.isdigit() for ch in word):
        return "mixed-digit"
    return "punct"


def _lengths(tables: dict[str, dict[tuple[str, ...], str]]) -> dict[str, tuple[int, ...]]:
    """For each first word, the distinct lengths of its phrases, longest first."""
    return {first: tuple(sorted({len(p) for p in t}, reverse=True)) for first, t in tables.items()}


class WordInfo(NamedTuple):
    """What the extractor memoises per word form."""

    feats: list[str]
    context: dict[int, list[str]]  # the word's features as seen from each neighbour offset
    stems: list[str]  # normalised form, then forms without clitics: lookup keys
    gz_firsts: list[str]  # keys that start a gazetteer phrase
    lex_firsts: list[str]  # keys that start a training-lexicon phrase
    # context[-2], context[-1], context[1], context[2]: read per token, so kept unboxed.
    seen_after2: list[str]
    seen_after1: list[str]
    seen_before1: list[str]
    seen_before2: list[str]


_LENGTHS = tuple(str(n) for n in range(9))
_EMPTY: dict[str, str] = {}


class KnownIndex:
    """A model's attributes indexed by template ("w", "-1:s2"…) and value, for lookups by value.

    A word's kept attributes are then found with dict lookups on strings it has anyway (its
    normalised form and slices of it), instead of building every attribute string and testing
    it: most of them have no weight.
    """

    def __init__(self, known: set[str]):
        tables: dict[str, dict[str, str]] = {}
        plain = set()
        before: set[tuple[str, str]] = set()
        after: set[tuple[str, str]] = set()
        for attr in known:
            head, eq, value = attr.partition("=")
            if not eq:
                plain.add(attr)
                continue
            tables.setdefault(head, {})[value] = attr
            if head in ("bi-1", "bi+1"):
                # Every split at a "|" (a token may itself be "|"): then (left, right) in the
                # set exactly when "bi-1=left|right" is a known attribute.
                pairs = before if head == "bi-1" else after
                for cut, ch in enumerate(value):
                    if ch == "|":
                        pairs.add((value[:cut], value[cut + 1 :]))
        self.known = known
        self.tables = tables
        self.bigrams_before = before
        self.bigrams_after = after
        self.bias = "bias" if "bias" in plain else None
        self.c_none = tables.get("c", _EMPTY).get("none")
        self.clusters = [tables.get(f"c{i}", _EMPTY) for i in range(8)]
        # Per neighbour offset: template tables, and flag -> prefixed attribute.
        self.context = {}
        for k in CONTEXT_OFFSETS:
            mark = f"{k}:"
            flags = {a[len(mark) :]: a for a in known if a.startswith(mark)}
            get = {t: tables.get(mark + t, _EMPTY) for t in ("w", "c0", "s2", "stem", "c1")}
            self.context[k] = (flags, get)

    def word(
        self,
        word: str,
        norm: str,
        splits: list[tuple[str, str]],
        ids: tuple[str, ...] | None,
        flags: list[str],
    ) -> tuple[list[str], dict[int, list[str]]]:
        """The kept attributes of a word and of its neighbour views, in _all_features' order."""
        tables = self.tables
        get = tables.get
        s2 = norm[-2:]
        found = [
            self.bias,
            get("w", _EMPTY).get(norm),
            get("shape", _EMPTY).get(_shape(word)),
            get("len", _EMPTY).get(_LENGTHS[min(len(norm), 8)]),
            get("s2", _EMPTY).get(s2),
            get("s3", _EMPTY).get(norm[-3:]),
            get("s4", _EMPTY).get(norm[-4:]),
            get("p2", _EMPTY).get(norm[:2]),
            get("p3", _EMPTY).get(norm[:3]),
            get("p4", _EMPTY).get(norm[:4]),
        ]
        stem = None
        if splits:
            prefix, stem = splits[0]
            found += [
                get("pre", _EMPTY).get(prefix),
                get("stem", _EMPTY).get(stem),
                get("stem_s2", _EMPTY).get(stem[-2:]),
            ]
        if len(splits) > 1:
            found.append(get("stem2", _EMPTY).get(splits[-1][1]))
        if ids:
            found += [table.get(c) for table, c in zip(self.clusters, ids, strict=False)]
        else:
            found.append(self.c_none)
        known = self.known
        feats = [a for a in found if a]
        feats += [f for f in flags if f in known]
        context = {}
        for k in CONTEXT_OFFSETS:
            flag_of, view = self.context[k]
            seen = [view["w"].get(norm), *(flag_of.get(f) for f in flags)]
            if ids:
                seen.append(view["c0"].get(ids[0]))
            if k == 1 or k == -1:
                seen.append(view["s2"].get(s2))
                if stem is not None:
                    seen.append(view["stem"].get(stem))
                if ids:
                    seen.append(view["c1"].get(ids[-1]))
            context[k] = [a for a in seen if a]
        return feats, context


class FeatureExtractor:
    """Turns token lists into crfsuite attribute lists, using clusters and gazetteers."""

    def __init__(
        self,
        clusters: dict[str, tuple[str, ...]],
        lexicon: dict[str, dict[tuple[str, ...], str]] | None = None,
    ):
        self.clusters = clusters
        self.phrases = gazetteers.phrase_gazetteer()
        # Names seen in training data (first word -> {phrase: type}), matched like gazetteers.
        self.lexicon = lexicon or {}
        self.gz_lengths = _lengths(self.phrases)
        self.lex_lengths = _lengths(self.lexicon)
        # Each word of a training name -> the types of the names it occurs in ("محمد" -> PER).
        self.lexicon_words: dict[str, set[str]] = {}
        for table in self.lexicon.values():
            for phrase, etype in table.items():
                for word in phrase:
                    if word not in gazetteers.STOPWORDS:
                        self.lexicon_words.setdefault(word, set()).add(etype)
        self.single = gazetteers.single_words()
        self.cache: dict[str, WordInfo] = {}
        self._known: set[str] | None = None
        self._index: KnownIndex | None = None

    @property
    def known(self) -> set[str] | None:
        """The attributes a loaded model has weights for (None while training: keep all)."""
        return self._known

    @known.setter
    def known(self, attributes: set[str] | None) -> None:
        # Attributes the model has no weight for are dropped early: they cannot change a tag,
        # and passing fewer strings to crfsuite is faster. The index finds the kept ones
        # without building the others' strings.
        self._known = attributes
        self._index = None if attributes is None else KnownIndex(attributes)
        self.cache.clear()

    def _cluster(self, stems: list[str]) -> tuple[str, ...] | None:
        for stem in stems:
            ids = self.clusters.get(stem)
            if ids:
                return ids
        return None

    def word(self, word: str) -> WordInfo:
        """Own features, features seen from each neighbour offset, and lookup keys of a word."""
        cached = self.cache.get(word)
        return cached if cached is not None else self._new_word(word)

    def _flags(self, norm: str, stems: list[str]) -> list[str]:
        """Trigger, lexicon and gazetteer flags of a word (its own and its neighbours' view)."""
        stem_set = set(stems)
        flags = []
        if not stem_set.isdisjoint(gazetteers.PERSON_TRIGGERS):
            flags.append("trig=PER")
        if not stem_set.isdisjoint(gazetteers.ORG_TRIGGERS):
            flags.append("trig=ORG")
        if not stem_set.isdisjoint(gazetteers.LOCATION_TRIGGERS):
            flags.append("trig=LOC")
        types = self.lexicon_words.get(norm)
        if types:
            flags += ["lexw=" + etype for etype in sorted(types)]
        if len(norm) > 4 and norm.startswith("ال") and norm.endswith("ي"):
            flags.append("nisba")  # e.g. الفرنسي, العراقي: nationalities right before names
        if norm in self.single["GIVEN"]:
            flags.append("gaz=GIVEN1")
        if not stem_set.isdisjoint(self.single["SURNAME"]):
            flags.append("gaz=SURNAME")
        return flags

    def _new_word(self, word: str) -> WordInfo:
        norm = fast_normalize(word)
        # Candidate bare words: the word itself and each clitic split (و، ف، ب، ك، ل، ال…).
        splits = fast_prefix_splits(norm)
        stems = [norm, *(stem for _, stem in splits)]
        ids = self._cluster(stems)
        flags = self._flags(norm, stems)
        if self._index is not None:
            feats, context = self._index.word(word, norm, splits, ids, flags)
        else:
            feats, context = self._all_features(word, norm, splits, ids, flags)
        phrases, lexicon = self.phrases, self.lexicon
        result = WordInfo(
            feats,
            context,
            stems,
            [f for f in stems if f in phrases],
            [f for f in stems if f in lexicon],
            context[-2],
            context[-1],
            context[1],
            context[2],
        )
        self.cache[word] = result
        return result

    @staticmethod
    def _all_features(
        word: str,
        norm: str,
        splits: list[tuple[str, str]],
        ids: tuple[str, ...] | None,
        flags: list[str],
    ) -> tuple[list[str], dict[int, list[str]]]:
        """Every attribute of a word and its neighbour views (training: no model to filter by)."""
        feats = ["bias", "w=" + norm, "shape=" + _shape(word), f"len={min(len(norm), 8)}"]
        feats += ["s2=" + norm[-2:], "s3=" + norm[-3:], "s4=" + norm[-4:]]
        feats += ["p2=" + norm[:2], "p3=" + norm[:3], "p4=" + norm[:4]]
        if splits:
            prefix, stem = splits[0]
            feats += ["pre=" + prefix, "stem=" + stem, "stem_s2=" + stem[-2:]]
        if len(splits) > 1:
            feats.append("stem2=" + splits[-1][1])
        if ids:
            feats += [f"c{i}={c}" for i, c in enumerate(ids)]
        else:
            feats.append("c=none")
        feats += flags
        # Neighbours see a word through its form, stem, cluster, ending and flags only.
        seen = ["w=" + norm, *flags]
        if ids:
            seen.append("c0=" + ids[0])
        near = [*seen, "s2=" + norm[-2:]]
        if splits:
            near.append("stem=" + splits[0][1])
        if ids:
            near.append("c1=" + ids[-1])
        context = {
            k: [f"{k}:{f}" for f in (near if abs(k) == 1 else seen)] for k in CONTEXT_OFFSETS
        }
        return feats, context

    @staticmethod
    def _phrase_tags(
        keys: list[list[str]],
        firsts: list[list[str]],
        table_of: dict,
        lengths: dict[str, tuple[int, ...]],
        label: str,
        tags: list[list[str]],
    ) -> list[list[str]]:
        """Add B/I features of the longest phrase matches (the first word may carry clitics).

        firsts[i] lists the forms of word i that start some phrase of table_of (often none).
        """
        n_keys = len(keys)
        # Most words start no phrase: visit only those that do, left to right, after the last match.
        resume = 0
        for i, starts in enumerate(firsts):
            if not starts or i < resume:
                continue
            best = 0
            kind = ""
            longest = min(MAX_PHRASE, n_keys - i)
            for first in starts:
                table = table_of[first]
                for n in lengths[first]:  # the phrase lengths this first word has, longest first
                    if n > longest:
                        continue
                    if n <= best:
                        break
                    phrase = (first, *(keys[i + j][0] for j in range(1, n)))
                    found = table.get(phrase)
                    if found:
                        best, kind = n, found
                        break
            if best:
                tags[i].append(f"{label}B={kind}")
                for j in range(1, best):
                    tags[i + j].append(f"{label}I={kind}")
                resume = i + best
        return tags

    def sentence(self, tokens: list[str]) -> list[list[str]]:
        """Attribute lists for each token of a sentence."""
        cache = self.cache
        new_word = self._new_word
        words = [cache.get(t) or new_word(t) for t in tokens]
        keys = [w.stems for w in words]
        phrase_tags: list[list[str]] = [[] for _ in keys]
        gz_firsts = [w.gz_firsts for w in words]
        if any(gz_firsts):
            self._phrase_tags(keys, gz_firsts, self.phrases, self.gz_lengths, "gz", phrase_tags)
        if self.lexicon:
            lex_firsts = [w.lex_firsts for w in words]
            if any(lex_firsts):
                self._phrase_tags(
                    keys, lex_firsts, self.lexicon, self.lex_lengths, "lex", phrase_tags
                )
        n = len(tokens)
        last = n - 1
        norms = [w.stems[0] for w in words]
        known = self.known
        if known is None:
            return [self._row(words, norms, phrase_tags, i) for i in range(n)]
        # Known bigrams as (left, right) pairs: tuples of cached strings hash without building
        # the attribute string, which is rarely one the model has a weight for.
        before, after = self._index.bigrams_before, self._index.bigrams_after
        out = []
        for i, word in enumerate(words):
            row = word.feats.copy()
            if phrase_tags[i]:
                row += phrase_tags[i]
            norm = norms[i]
            if i:
                if i > 1:
                    row += words[i - 2].seen_after2
                row += words[i - 1].seen_after1
                left = norms[i - 1]
            else:
                row.append("BOS")
                left = "^"
            if i < last:
                row += words[i + 1].seen_before1
                if i + 1 < last:
                    row += words[i + 2].seen_before2
                right = norms[i + 1]
            else:
                row.append("EOS")
                right = "$"
            if (left, norm) in before:
                row.append("bi-1=" + left + "|" + norm)
            if (norm, right) in after:
                row.append("bi+1=" + norm + "|" + right)
            if i and phrase_tags[i - 1]:
                row += [a for a in ("-1:" + t for t in phrase_tags[i - 1]) if a in known]
            if i < last and phrase_tags[i + 1]:
                row += [a for a in ("1:" + t for t in phrase_tags[i + 1]) if a in known]
            out.append(row)
        return out

    @staticmethod
    def _row(
        words: list[WordInfo], norms: list[str], phrase_tags: list[list[str]], i: int
    ) -> list[str]:
        """All attributes of token i, for training (no model yet to filter them by)."""
        n = len(words)
        row = [*words[i].feats, *phrase_tags[i]]
        extra = [
            "bi-1=" + (norms[i - 1] if i else "^") + "|" + norms[i],
            "bi+1=" + norms[i] + "|" + (norms[i + 1] if i + 1 < n else "$"),
        ]
        for k in CONTEXT_OFFSETS:
            j = i + k
            if 0 <= j < n:
                row += words[j].context[k]
                if phrase_tags[j] and abs(k) == 1:
                    extra += [f"{k}:{t}" for t in phrase_tags[j]]
            elif abs(k) == 1:
                row.append("BOS" if k < 0 else "EOS")
        return row + extra
