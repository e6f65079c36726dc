"""CRF features for a token sequence; per-word features are memoised since words repeat."""

from __future__ import annotations

from itertools import chain, compress
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from newsarchive.arabic import PREFIXES, is_arabic, normalize
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
    if is_arabic(word):
        return "arabic"
    if word.isalpha():
        return "latin-cap" if word[0].isupper() else "latin"
    if any(ch.isdigit() for ch in word):
        return "mixed-digit"
    return "punct"


def _lengths(tables: dict[str, dict[tuple[str, ...], str]]) -> dict[str, tuple[int, ...]]:
    """For each first word, the distinct lengths of its phrases, longest first."""
    return {first: tuple(sorted({len(p) for p in t}, reverse=True)) for first, t in tables.items()}


def _seconds(tables: dict[str, dict[tuple[str, ...], str]]) -> dict[str, frozenset[str]]:
    """For each first word, the second words of its phrases (to skip most longer tries)."""
    return {first: frozenset(p[1] for p in t if len(p) > 1) for first, t in tables.items()}


class WordInfo(NamedTuple):
    """What the extractor memoises per word form."""

    # None in the cache once handed to the tagger's decoder (take_new_words).
    feats: list[str] | None
    context: dict[int, list[str]] | None  # the word's features as seen from each neighbour offset
    stems: list[str]  # normalised form, then forms without clitics: lookup keys
    gz_firsts: list[str]  # keys that start a gazetteer phrase
    lex_firsts: list[str]  # keys that start a training-lexicon phrase
    # context[-2], context[-1], context[1], context[2]: read per token, so kept unboxed.
    seen_after2: list[str]
    seen_after1: list[str]
    seen_before1: list[str]
    seen_before2: list[str]
    norm: str  # stems[0]


_NO_VIEWS = dict.fromkeys(("seen_after2", "seen_after1", "seen_before1", "seen_before2"))
_SEEN_AFTER2 = attrgetter("seen_after2")
_SEEN_AFTER1 = attrgetter("seen_after1")
_SEEN_BEFORE1 = attrgetter("seen_before1")
_SEEN_BEFORE2 = attrgetter("seen_before2")
_NORM = attrgetter("norm")
_GZ_FIRSTS = attrgetter("gz_firsts")
_LEX_FIRSTS = attrgetter("lex_firsts")


_LENGTHS = tuple(str(n) for n in range(9))
_EMPTY: dict[str, str] = {}
_NONE5 = (None,) * 5
_BOS = [b"BOS"]
# The trigger flags of each combination of the person (1), organisation (2) and place (4) bits.
_TRIGGER_FLAGS = tuple(
    tuple(f for bit, f in ((1, "trig=PER"), (2, "trig=ORG"), (4, "trig=LOC")) if mask & bit)
    for mask in range(8)
)
_EOS = [b"EOS"]
# Attribute prefixes of the five slots a word's attribute can fill: its own, then neighbours'.
_SLOTS = ("", "-2:", "-1:", "1:", "2:")


class KnownIndex:
    """A model's attributes indexed by template ("w", "-1:s2"…) and value, for lookups by value.

    A word's kept attributes are then found with dict lookups on strings it has anyway (its
    normalised form and slices of it), instead of building every attribute string and testing
    it: most of them have no weight. Attributes come out UTF-8 encoded: crfsuite takes bytes
    as they are, while it would encode each str again on every sentence (a third of its time).
    """

    def __init__(self, known: set[str]):
        tables: dict[str, dict[str, str]] = {}
        plain = set()
        before: dict[tuple[str, str], bytes] = {}
        after: dict[tuple[str, str], bytes] = {}
        for attr in known:
            head, eq, value = attr.partition("=")
            if not eq:
                plain.add(attr)
                continue
            encoded = attr.encode()
            tables.setdefault(head, {})[value] = encoded
            if head in ("bi-1", "bi+1"):
                # Every split at a "|" (a token may itself be "|"): then (left, right) is a key
                # exactly when "bi-1=left|right" is a known attribute.
                pairs = before if head == "bi-1" else after
                for cut, ch in enumerate(value):
                    if ch == "|":
                        pairs[value[:cut], value[cut + 1 :]] = encoded
        self.known = known
        self.tables = tables
        self.bigrams_before = before
        self.bigrams_after = after
        self.bias = b"bias" if "bias" in plain else None
        self.c_none = tables.get("c", _EMPTY).get("none")
        self.clusters = [tables.get(f"c{i}", _EMPTY) for i in range(8)]
        own = {t: tables.get(t, _EMPTY) for t in ("shape", "len", "s3", "s4", "p2", "p3", "p4")}
        self.own = own
        self.pre, self.stem_s2, self.stem2 = (
            tables.get(t, _EMPTY) for t in ("pre", "stem_s2", "stem2")
        )
        # Templates a word shows both itself and to neighbours: value -> the attribute in each
        # slot (own, then offsets -2, -1, 1, 2), so one lookup serves all five.
        self.views = {}
        for template in ("w", "s2", "stem", "c0", "c1"):
            merged: dict[str, list[str | None]] = {}
            for slot, mark in enumerate(_SLOTS):
                for value, attr in tables.get(mark + template, _EMPTY).items():
                    merged.setdefault(value, [None] * 5)[slot] = attr
            self.views[template] = {value: tuple(attrs) for value, attrs in merged.items()}
        self._flag_views: dict[str, tuple[str | None, ...]] = {}
        self._cluster_views: dict[tuple[str, ...], tuple] = {}
        # Bounded: one entry per (cluster path, two-letter ending) pair.
        self._shared_views: dict[tuple, dict[int, list[bytes]]] = {}

    def _flag_view(self, flag: str) -> tuple[str | None, ...]:
        view = self._flag_views.get(flag)
        if view is None:
            view = tuple(
                a.encode() if a in self.known else None for a in (m + flag for m in _SLOTS)
            )
            self._flag_views[flag] = view
        return view

    def _cluster_view(self, ids: tuple[str, ...]) -> tuple:
        view = self._cluster_views.get(ids)
        if view is None:
            own = [t.get(c) for t, c in zip(self.clusters, ids, strict=False)]
            views = self.views
            view = (own, views["c0"].get(ids[0], _NONE5), views["c1"].get(ids[-1], _NONE5))
            self._cluster_views[ids] = view
        return view

    def word(
        self,
        word: str,
        norm: str,
        splits: list[tuple[str, str]],
        ids: tuple[str, ...] | None,
        flags: list[str],
    ) -> tuple[list[str], dict[int, list[str]]]:
        """The kept attributes of a word and of its neighbour views, in _all_features' order."""
        own, views = self.own, self.views
        s2 = norm[-2:]
        w_view = views["w"].get(norm, _NONE5)
        s2_view = views["s2"].get(s2, _NONE5)
        found = [
            self.bias,
            w_view[0],
            own["shape"].get(_shape(word)),
            own["len"].get(_LENGTHS[min(len(norm), 8)]),
            s2_view[0],
            own["s3"].get(norm[-3:]),
            own["s4"].get(norm[-4:]),
            own["p2"].get(norm[:2]),
            own["p3"].get(norm[:3]),
            own["p4"].get(norm[:4]),
        ]
        stem_view = _NONE5
        if splits:
            prefix, stem = splits[0]
            stem_view = views["stem"].get(stem, _NONE5)
            found += [self.pre.get(prefix), stem_view[0], self.stem_s2.get(stem[-2:])]
            if len(splits) > 1:
                found.append(self.stem2.get(splits[-1][1]))
        if ids:
            own_clusters, c0, c1 = self._cluster_view(ids)
            found += own_clusters
        else:
            c0 = c1 = _NONE5
            found.append(self.c_none)
        # filter(None, …) drops the attributes the model has no weight for (found as None).
        feats = list(filter(None, found))
        w, s2v, st = w_view, s2_view, stem_view
        if not flags and w is _NONE5 and st is _NONE5:
            # Most new words are rare: neighbours see only their cluster and ending, so words
            # alike share one (read-only) set of views.
            key = (ids, s2)
            context = self._shared_views.get(key)
            if context is None:
                context = self._shared_views[key] = {
                    -2: list(filter(None, (c0[1],))),
                    -1: list(filter(None, (c0[2], s2v[2], c1[2]))),
                    1: list(filter(None, (c0[3], s2v[3], c1[3]))),
                    2: list(filter(None, (c0[4],))),
                }
            return feats, context
        if not flags:  # no trigger or gazetteer flag
            context = {
                -2: list(filter(None, (w[1], c0[1]))),
                -1: list(filter(None, (w[2], c0[2], s2v[2], st[2], c1[2]))),
                1: list(filter(None, (w[3], c0[3], s2v[3], st[3], c1[3]))),
                2: list(filter(None, (w[4], c0[4]))),
            }
            return feats, context
        flag_views = [self._flag_view(f) for f in flags]
        feats += filter(None, (v[0] for v in flag_views))
        context = {}
        # Slots 1-4 are offsets -2, -1, 1, 2; the nearest neighbours (-1, 1) see more.
        for slot, offset in ((1, -2), (2, -1), (3, 1), (4, 2)):
            seen = [w[slot], *(v[slot] for v in flag_views), c0[slot]]
            if slot == 2 or slot == 3:
                seen += (s2v[slot], st[slot], c1[slot])
            context[offset] = list(filter(None, seen))
        return feats, context


class FeatureExtractor:
    """Turns token lists into crfsuite attribute lists, using clusters and gazetteers (the
    cities kept in cache_folder, when given)."""

    def __init__(
        self,
        clusters: dict[str, tuple[str, ...]],
        lexicon: dict[str, dict[tuple[str, ...], str]] | None = None,
        cache_folder: Path | str | None = None,
    ):
        self.clusters = clusters
        self.phrases = gazetteers.phrase_gazetteer(cache_folder)
        # Names seen in training data (first word -> {phrase: type}), matched like gazetteers.
        self.lexicon = lexicon or {}
        self.gz_lengths = _lengths(self.phrases)
        self.lex_lengths = _lengths(self.lexicon)
        self.gz_seconds = _seconds(self.phrases)
        self.lex_seconds = _seconds(self.lexicon)
        # Each word of a training name -> the types of the names it occurs in ("محمد" -> PER).
        self.lexicon_words: dict[str, set[str]] = {}
        for table in self.lexicon.values():
            for phrase, etype in table.items():
                for word in phrase:
                    if word not in gazetteers.STOPWORDS:
                        self.lexicon_words.setdefault(word, set()).add(etype)
        self.single = gazetteers.single_words()
        # Bits of the stem-keyed flags (person, organisation, place trigger; surname) per stem.
        self._stem_marks: dict[str, int] = {}
        for bit, words in (
            (1, gazetteers.PERSON_TRIGGERS),
            (2, gazetteers.ORG_TRIGGERS),
            (4, gazetteers.LOCATION_TRIGGERS),
            (8, self.single["SURNAME"]),
        ):
            for word in words:
                self._stem_marks[word] = self._stem_marks.get(word, 0) | bit
        self.cache: dict[str, WordInfo] = {}
        # Words new to the cache since take_new_words(), with a model's known attributes only.
        self._new_words: dict[str, WordInfo] = {}
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
        self._new_words = {}

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
        marks = self._stem_marks
        mask = 0
        for stem in stems:
            mask |= marks.get(stem, 0)
        flags = list(_TRIGGER_FLAGS[mask & 7])
        types = self.lexicon_words.get(norm)
        if types:
            flags += ["lexw=" + etype for etype in sorted(types)]
        if len(norm) > 4 and norm.startswith("ال") and norm.endswith("ي"):
            flags.append("nisba")  # e.g. الفرنسي, العراقي: nationalities right before names
        if norm in self.single["GIVEN"]:
            flags.append("gaz=GIVEN1")
        if mask & 8:
            flags.append("gaz=SURNAME")
        return flags

    def _new_word(self, word: str) -> WordInfo:
        norm = normalize(word)
        # Candidate bare words: the word itself and each clitic split (و، ف، ب، ك، ل، ال…).
        splits = fast_prefix_splits(norm)
        stems = [norm]
        if splits:
            stems += [stem for _, stem in splits]
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
            list(filter(phrases.__contains__, stems)),
            list(filter(lexicon.__contains__, stems)),
            context[-2],
            context[-1],
            context[1],
            context[2],
            norm,
        )
        self.cache[word] = result
        if self._index is not None:
            self._new_words[word] = result
        return result

    def take_new_words(self) -> dict[str, WordInfo]:
        """The words first seen since the last call (form -> WordInfo), whose attributes the
        cache then forgets: a caller that keeps their weights (the tagger's decoder) needs
        only their lookup keys again, and a tagging process holds 200,000 words."""
        new, self._new_words = self._new_words, {}
        cache = self.cache
        for form, info in new.items():
            if cache.get(form) is info:
                cache[form] = info._replace(feats=None, context=None, **_NO_VIEWS)
        return new

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
        norms: list[str],
        firsts: list[list[str]],
        table_of: dict,
        lengths: dict[str, tuple[int, ...]],
        seconds: dict[str, frozenset[str]],
        label: str,
        tags: list[list[str]],
    ) -> list[list[str]]:
        """Add B/I features of the longest phrase matches (the first word may carry clitics).

        firsts[i] lists the forms of word i that start some phrase of table_of (often none).
        """
        n_keys = len(norms)
        # Most words start no phrase: visit only those that do, left to right, after the last match.
        resume = 0
        for i in compress(range(n_keys), firsts):
            if i < resume:
                continue
            best = 0
            kind = ""
            longest = min(MAX_PHRASE, n_keys - i)
            after = norms[i + 1] if longest > 1 else None
            for first in firsts[i]:
                table = table_of[first]
                if after not in seconds[first]:  # no longer phrase can match: one word only
                    if not best:
                        found = table.get((first,))
                        if found:
                            best, kind = 1, found
                    continue
                for n in lengths[first]:  # the phrase lengths this first word has, longest first
                    if n > longest:
                        continue
                    if n <= best:
                        break
                    found = table.get((first, *norms[i + 1 : i + n]))
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
        if self.known is None:
            words, norms, phrase_tags = self._words(tokens)
            return [self._row(words, norms, phrase_tags, i) for i in range(len(tokens))]
        words, extras = self.parts(tokens)
        if any(w.feats is None for w in words):  # words whose attributes were handed over
            for form in tokens:
                self.cache.pop(form, None)
            words = self._words(tokens)[0]
        # Each token's neighbour views, shifted into place; sentence edges see BOS/EOS or nothing.
        views_2 = chain(([], []), map(_SEEN_AFTER2, words))
        views_1 = chain((_BOS,), map(_SEEN_AFTER1, words))
        views1 = chain(map(_SEEN_BEFORE1, words[1:]), (_EOS,))
        views2 = chain(map(_SEEN_BEFORE2, words[2:]), ([], []))
        return [
            [*word.feats, *v_2, *v_1, *v1, *v2, *more]
            for word, v_2, v_1, v1, v2, more in zip(
                words, views_2, views_1, views1, views2, extras, strict=False
            )  # views_2 runs two past the end: zip stops with the words
        ]

    def parts(self, tokens: list[str]) -> tuple[list[WordInfo], list[list[bytes]]]:
        """A sentence's words, and each token's attributes beyond its word's and its neighbours'
        views (phrase matches, known word pairs); with a model's known attributes only."""
        words, norms, phrase_tags = self._words(tokens)
        known = self.known
        # Known bigrams by (left, right): tuples of cached strings hash without building the
        # attribute string, which is rarely one the model has a weight for.
        before, after = self._index.bigrams_before, self._index.bigrams_after
        has_phrases = any(phrase_tags)
        extras = (
            [[t.encode() for t in tags] for tags in phrase_tags]
            if has_phrases
            else [[] for _ in words]
        )
        for more, left, pair, right in zip(
            extras, chain(("^",), norms), norms, chain(norms[1:], ("$",)), strict=False
        ):
            bigram = before.get((left, pair))
            if bigram:
                more.append(bigram)
            bigram = after.get((pair, right))
            if bigram:
                more.append(bigram)
        if has_phrases:
            # Phrase matches seen from the next and previous token (rare: only kept weights).
            last = len(tokens) - 1
            for i, tags in enumerate(phrase_tags):
                if not tags:
                    continue
                if i < last:
                    extras[i + 1] += [a.encode() for a in ("-1:" + t for t in tags) if a in known]
                if i:
                    extras[i - 1] += [a.encode() for a in ("1:" + t for t in tags) if a in known]
        return words, extras

    def _words(self, tokens: list[str]) -> tuple[list[WordInfo], list[str], list]:
        """A sentence's words, their normalised forms and their phrase-match features."""
        cache = self.cache
        new_word = self._new_word
        words = list(map(cache.get, tokens))
        if None in words:
            words = [
                w if w is not None else new_word(t) for w, t in zip(words, tokens, strict=True)
            ]
        norms = list(map(_NORM, words))
        gz_firsts = list(map(_GZ_FIRSTS, words))
        lex_firsts = list(map(_LEX_FIRSTS, words)) if self.lexicon else []
        has_gz, has_lex = any(gz_firsts), any(lex_firsts)
        # Lists to add phrase features to, only when some word may start a phrase.
        phrase_tags: list = [[] for _ in words] if has_gz or has_lex else [()] * len(words)
        if has_gz:
            self._phrase_tags(
                norms, gz_firsts, self.phrases, self.gz_lengths, self.gz_seconds, "gz", phrase_tags
            )
        if has_lex:
            self._phrase_tags(
                norms,
                lex_firsts,
                self.lexicon,
                self.lex_lengths,
                self.lex_seconds,
                "lex",
                phrase_tags,
            )
        return words, norms, phrase_tags

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
