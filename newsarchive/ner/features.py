"""CRF features for a token sequence; per-word features are memoised since words repeat."""

from __future__ import annotations

from typing import NamedTuple

from newsarchive.arabic import PREFIXES, is_arabic, normalize, prefix_splits
from newsarchive.ner import gazetteers

CONTEXT_OFFSETS = (-2, -1, 1, 2)
PREFIX_INITIALS = frozenset(p[0] for p in PREFIXES)
# Longest multi-word gazetteer phrase tried when matching a sentence.
MAX_PHRASE = 5


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


class WordInfo(NamedTuple):
    """What the extractor memoises per word form."""

    feats: list[str]
    context: dict[int, list[str]]  # the word's features as seen from each neighbour offset
    stems: list[str]  # normalised form, then forms without clitics: lookup keys
    gz_firsts: list[str]  # keys that start a gazetteer phrase
    lex_firsts: list[str]  # keys that start a training-lexicon phrase


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
        # When set (by a loaded tagger), attributes the model has no weight for are dropped
        # early: they cannot change a tag, and passing fewer strings to crfsuite is faster.
        self.known: set[str] | None = None

    def _keep(self, attributes: list[str]) -> list[str]:
        known = self.known
        return attributes if known is None else [a for a in attributes if a in known]

    def _cluster(self, stems: list[str]) -> tuple[str, ...] | None:
        for stem in stems:
            ids = self.clusters.get(stem)
            if ids:
                return ids
        return None

    def word(self, word: str) -> WordInfo:
        """Own features, features seen from each neighbour offset, and lookup keys of a word."""
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        norm = normalize(word)
        # Every clitic prefix starts with one of these letters: skip the search for most words.
        splits = list(prefix_splits(norm)) if norm[:1] in PREFIX_INITIALS else []
        # Candidate bare words: the word itself and each clitic split (و، ف، ب، ك، ل، ال…).
        stems = [norm, *(stem for _, stem in splits)]
        feats = ["bias", "w=" + norm, "shape=" + _shape(word), f"len={min(len(norm), 8)}"]
        feats += ["s2=" + norm[-2:], "s3=" + norm[-3:], "s4=" + norm[-4:]]
        feats += ["p2=" + norm[:2], "p3=" + norm[:3], "p4=" + norm[:4]]
        if splits:
            prefix, stem = splits[0]
            feats += ["pre=" + prefix, "stem=" + stem, "stem_s2=" + stem[-2:]]
        if len(splits) > 1:
            feats.append("stem2=" + splits[-1][1])
        ids = self._cluster(stems)
        if ids:
            feats += [f"c{i}={c}" for i, c in enumerate(ids)]
        else:
            feats.append("c=none")
        stem_set = set(stems)
        flags = []
        if stem_set & gazetteers.PERSON_TRIGGERS:
            flags.append("trig=PER")
        if stem_set & gazetteers.ORG_TRIGGERS:
            flags.append("trig=ORG")
        if stem_set & gazetteers.LOCATION_TRIGGERS:
            flags.append("trig=LOC")
        for etype in sorted(self.lexicon_words.get(norm, ())):
            flags.append("lexw=" + etype)
        if len(norm) > 4 and norm.startswith("ال") and norm.endswith("ي"):
            flags.append("nisba")  # e.g. الفرنسي, العراقي: nationalities right before names
        if norm in self.single["GIVEN"]:
            flags.append("gaz=GIVEN1")
        if stem_set & self.single["SURNAME"]:
            flags.append("gaz=SURNAME")
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
        if self.known is not None:
            feats = self._keep(feats)
            context = {k: self._keep(v) for k, v in context.items()}
        result = WordInfo(
            feats,
            context,
            stems,
            [f for f in stems if f in self.phrases],
            [f for f in stems if f in self.lexicon],
        )
        self.cache[word] = result
        return result

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
        i = 0
        while i < len(keys):
            best = 0
            kind = ""
            for first in firsts[i]:
                table = table_of[first]
                longest = min(MAX_PHRASE, len(keys) - i)
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
                i += best
            else:
                i += 1
        return tags

    def sentence(self, tokens: list[str]) -> list[list[str]]:
        """Attribute lists for each token of a sentence."""
        words = [self.word(t) for t in tokens]
        keys = [w.stems for w in words]
        phrase_tags: list[list[str]] = [[] for _ in keys]
        gz_firsts = [w.gz_firsts for w in words]
        self._phrase_tags(keys, gz_firsts, self.phrases, self.gz_lengths, "gz", phrase_tags)
        if self.lexicon:
            lex_firsts = [w.lex_firsts for w in words]
            self._phrase_tags(keys, lex_firsts, self.lexicon, self.lex_lengths, "lex", phrase_tags)
        n = len(tokens)
        out = []
        norms = [w.stems[0] for w in words]
        known = self.known
        for i, word in enumerate(words):
            row = [*word.feats, *phrase_tags[i]]
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
            row += extra if known is None else [a for a in extra if a in known]
            out.append(row)
        return out
