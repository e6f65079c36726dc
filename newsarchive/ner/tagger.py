"""The CRF tagger: raw text in, PER/LOC/ORG mentions with character offsets and scores out."""

from __future__ import annotations

import gc
import re
import tempfile
from operator import attrgetter, itemgetter
from pathlib import Path

import pycrfsuite

from newsarchive.ner import Mention
from newsarchive.ner.clusters import CLUSTERS_FILE, load_clusters
from newsarchive.ner.conll import spans
from newsarchive.ner.consistency import Span, document_names, fill_gaps, relabel, widen
from newsarchive.ner.features import FeatureExtractor
from newsarchive.ner.lexicon import lexicon_path, load_lexicon
from newsarchive.ner.patterns import PATTERN_SCORE, organisation_spans
from newsarchive.ner.tokenize import sentences

MODEL_FILE = Path(__file__).with_name("model.crfsuite")
# The per-word feature cache is dropped past this many words, so memory stays bounded.
MAX_CACHED_WORDS = 200_000
# Attributes whose largest absolute weight (over all labels) is below this are not extracted.
MIN_ATTRIBUTE_WEIGHT = 0.1


# One line of the dump's STATE_FEATURES: "  (0) attribute --> label: weight".
_STATE_FEATURE = re.compile(r"^  \(\d+\) (.+) --> [^ ]+: (\S+)$", re.M)
_start = itemgetter(1)  # a span's first token
_stems = attrgetter("stems")


def strong_attributes(crf: pycrfsuite.Tagger, min_weight: float) -> set[str]:
    """Attributes with a state feature weighing at least min_weight (either sign) for a label."""
    # crfsuite's own dump, read with one regular expression: pycrfsuite's info() parses the same
    # dump line by line in Python (0.6 s for this model against 0.13 s), and each rebuild that
    # tags an article loads the model.
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "model.txt"
        crf.dump(str(dump))
        text = dump.read_text("utf-8")
    start = text.index("STATE_FEATURES = {")
    features = text[start : text.index("\n}", start)]
    strongest: dict[str, float] = {}
    for attribute, weight in _STATE_FEATURE.findall(features):
        strongest[attribute] = max(strongest.get(attribute, 0.0), abs(float(weight)))
    return {a for a, w in strongest.items() if w >= min_weight}


class Tagger:
    """A trained CRF model with its feature extractor."""

    def __init__(
        self, model_path: Path, clusters_path: Path = CLUSTERS_FILE, org_patterns: bool = True
    ):
        self.model_path = Path(model_path)
        self.org_patterns = org_patterns
        lexicon = load_lexicon(lexicon_path(self.model_path))
        self.features = FeatureExtractor(load_clusters(clusters_path), lexicon)
        self._crf = pycrfsuite.Tagger()
        self._crf.open(str(self.model_path))
        # Attributes whose weights are all tiny are left out: they hardly move a score, and
        # every attribute passed costs time (0.1 left ANERcorp dev scores unchanged).
        self.features.known = strong_attributes(self._crf, MIN_ATTRIBUTE_WEIGHT)

    @classmethod
    def load(cls, path: str | Path | None = None, org_patterns: bool = True) -> Tagger:
        """Load a model file (default: the committed model) and the committed word clusters."""
        return cls(Path(path) if path else MODEL_FILE, org_patterns=org_patterns)

    def _attributes(self, tokens: list[str]) -> list[list[str]]:
        if len(self.features.cache) > MAX_CACHED_WORDS:
            self.features.cache.clear()
        return self.features.sentence(tokens)

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """IOB2 tags for one tokenised sentence."""
        if not tokens:
            return []
        return self._crf.tag(self._attributes(tokens))

    def tag_with_scores(self, tokens: list[str]) -> tuple[list[str], list[Span]]:
        """Tags of a sentence and its entity spans with the lowest token marginal of each span."""
        if not tokens:
            return [], []
        return self._decode(self._attributes(tokens))

    def _decode(self, attributes: list[list[str]]) -> tuple[list[str], list[Span]]:
        crf = self._crf
        crf.set(attributes)
        tags = crf.tag()
        if tags.count("O") == len(tags):  # most sentences: nothing to score
            return tags, []
        found = []
        for etype, start, end in spans(tags):
            score = min(crf.marginal(tags[i], i) for i in range(start, end))
            found.append((etype, start, end, score))
        return tags, found

    def tag_document(
        self,
        token_lists: list[list[str]],
        consistent: bool = True,
        org_patterns: bool | None = None,
    ) -> list[list[Span]]:
        """Entity spans of each sentence of one document.

        With consistent, a name the CRF tagged confidently somewhere in the document is also
        tagged where it recurs untagged; such a span scores 1 - P(O) of its least sure token.
        With org_patterns (default: the tagger's setting), head-noun organisation names are
        added on untagged tokens with a fixed score.
        """
        # Attributes are kept for the document so a second look at a sentence costs no features.
        attributes = [self._attributes(tokens) if tokens else [] for tokens in token_lists]
        found = [self._decode(a)[1] if a else [] for a in attributes]
        names = document_names(token_lists, found) if consistent else {}
        starts = frozenset(phrase[0] for phrase in names)
        multi_starts = frozenset(phrase[0] for phrase in names if len(phrase) > 1)
        cache, word = self.features.cache, self.features.word
        use_patterns = self.org_patterns if org_patterns is None else org_patterns
        if names:
            found = [relabel(t, s, names) for t, s in zip(token_lists, found, strict=True)]
        for tokens, spans_, attrs in zip(token_lists, found, attributes, strict=True):
            added = None
            if names:
                infos = list(map(cache.get, tokens))
                if None in infos:  # the cache was cleared during this document
                    infos = [word(t) for t in tokens]
                keys = list(map(_stems, infos))
                spans_[:] = widen(keys, spans_, names, multi_starts)
                added = fill_gaps(keys, spans_, names, starts)
            if added:
                self._crf.set(attrs)
                for etype, start, end in added:
                    score = min(1.0 - self._crf.marginal("O", i) for i in range(start, end))
                    spans_.append((etype, start, end, score))
            if use_patterns:
                taken = [False] * len(tokens)
                for _, start, end, _ in spans_:
                    taken[start:end] = [True] * (end - start)
                spans_ += [
                    (etype, start, end, PATTERN_SCORE)
                    for etype, start, end in organisation_spans(tokens, taken)
                ]
            if len(spans_) > 1:
                spans_.sort(key=_start)
        return found

    def tag_text(self, text: str) -> list[Mention]:
        """Mentions in raw text; offsets index the given string (text[m.start:m.end] == m.text)."""
        # Tagging allocates many small lists and tuples but no reference cycles: the cyclic
        # garbage collector's passes over them cost ~7% of the time and free nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._tag_text(text)
        finally:
            if collecting:
                gc.enable()

    def _tag_text(self, text: str) -> list[Mention]:
        mentions = []
        sents = list(sentences(text))
        found_all = self.tag_document([[tok for tok, _, _ in s] for s in sents])
        for sentence, found in zip(sents, found_all, strict=True):
            for etype, start, end, score in found:
                begin, stop = sentence[start][1], sentence[end - 1][2]
                mentions.append(Mention(text[begin:stop], etype, begin, stop, round(score, 4)))
        return mentions
