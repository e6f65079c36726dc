"""CRF features for a token sequence; per-word features are memoised since words repeat."""

from __future__ import annotations

from newsarchive.arabic import fold, is_arabic, normalize, prefix_splits
from newsarchive.ner import gazetteers

CONTEXT_OFFSETS = (-2, -1, 1, 2)
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
        # Each word of a training name -> the types of the names it occurs in ("محمد" -> PER).
        self.lexicon_words: dict[str, set[str]] = {}
        for table in self.lexicon.values():
            for phrase, etype in table.items():
                for word in phrase:
                    if word not in gazetteers.STOPWORDS:
                        self.lexicon_words.setdefault(word, set()).add(etype)
        self.single = gazetteers.single_words()
        self.cache: dict[str, tuple[list[str], dict[int, list[str]], list[str]]] = {}

    def _stems(self, norm: str) -> list[str]:
        # Candidate bare words: the word itself and each clitic split (و، ف، ب، ك، ل، ال…).
        return [norm, *(stem for _, stem in prefix_splits(norm))]

    def _cluster(self, stems: list[str]) -> tuple[str, ...] | None:
        for stem in stems:
            ids = self.clusters.get(stem)
            if ids:
                return ids
        return None

    def _word(self, word: str) -> tuple[list[str], dict[int, list[str]], list[str]]:
        """Own features, features seen from each neighbour offset, and lookup keys of a word."""
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        norm = normalize(word)
        stems = self._stems(norm)
        splits = list(prefix_splits(norm))
        feats = ["bias", "w=" + norm, "shape=" + _shape(word), f"len={min(len(norm), 8)}"]
        folded = fold(word)
        if folded != norm:
            # Alef, ya and taa marbuta spellings tell words apart: على (on) and علي (Ali).
            feats.append("raw=" + folded)
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
        result = (feats, context, stems)
        self.cache[word] = result
        return result

    def _phrase_tags(
        self, keys: list[list[str]], table_of: dict, label: str, tags: list[list[str]]
    ) -> list[list[str]]:
        """Add B/I features of the longest phrase matches (the first word may carry clitics)."""
        i = 0
        while i < len(keys):
            best = 0
            kind = ""
            for first in keys[i]:
                table = table_of.get(first)
                if not table:
                    continue
                for n in range(min(MAX_PHRASE, len(keys) - i), 0, -1):
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
        words = [self._word(t) for t in tokens]
        keys = [w[2] for w in words]
        phrase_tags: list[list[str]] = [[] for _ in keys]
        self._phrase_tags(keys, self.phrases, "gz", phrase_tags)
        if self.lexicon:
            self._phrase_tags(keys, self.lexicon, "lex", phrase_tags)
        n = len(tokens)
        out = []
        norms = [w[2][0] for w in words]
        for i, (feats, _, _) in enumerate(words):
            row = [*feats, *phrase_tags[i]]
            row.append("bi-1=" + (norms[i - 1] if i else "^") + "|" + norms[i])
            row.append("bi+1=" + norms[i] + "|" + (norms[i + 1] if i + 1 < n else "$"))
            for k in CONTEXT_OFFSETS:
                j = i + k
                if 0 <= j < n:
                    row += words[j][1][k]
                    if phrase_tags[j] and abs(k) == 1:
                        row += [f"{k}:{t}" for t in phrase_tags[j]]
                elif abs(k) == 1:
                    row.append("BOS" if k < 0 else "EOS")
            out.append(row)
        return out
