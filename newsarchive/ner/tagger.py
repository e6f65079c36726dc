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
from newsarchive.ner.decoder import BatchDecoder
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


def model_dump(crf: pycrfsuite.Tagger) -> str:
    """crfsuite's text dump of an open model: its labels, attributes and weights."""
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "model.txt"
        crf.dump(str(dump))
        return dump.read_text("utf-8")


def strong_attributes(crf: pycrfsuite.Tagger | str, min_weight: float) -> set[str]:
    """Attributes with a state feature weighing at least min_weight (either sign) for a label,
    from an open model or its dump."""
    # crfsuite's own dump, read with one regular expression: pycrfsuite's info() parses the same
    # dump line by line in Python (0.6 s for this model against 0.13 s), and each rebuild that
    # tags an article loads the model.
    text = crf if isinstance(crf, str) else model_dump(crf)
    start = text.index("STATE_FEATURES = {")
    features = text[start : text.index("\n}", start)]
    strongest: dict[str, float] = {}
    for attribute, weight in _STATE_FEATURE.findall(features):
        strongest[attribute] = max(strongest.get(attribute, 0.0), abs(float(weight)))
    return {a for a, w in strongest.items() if w >= min_weight}


class Tagger:
    """A trained CRF model with its feature extractor."""

    def __init__(
        self,
        model_path: Path,
        clusters_path: Path = CLUSTERS_FILE,
        org_patterns: bool = True,
        cache_folder: Path | str | None = None,
    ):
        self.model_path = Path(model_path)
        self.org_patterns = org_patterns
        lexicon = load_lexicon(lexicon_path(self.model_path))
        clusters = load_clusters(clusters_path)
        self.features = FeatureExtractor(clusters, lexicon, cache_folder)
        # crfsuite only lists the model's labels and attributes: the decoder tags.
        crf = pycrfsuite.Tagger()
        crf.open(str(self.model_path))
        dump = model_dump(crf)
        crf.close()
        # Attributes whose weights are all tiny are left out: they hardly move a score, and
        # every attribute passed costs time (0.1 left ANERcorp dev scores unchanged).
        self.features.known = strong_attributes(dump, MIN_ATTRIBUTE_WEIGHT)
        self.decoder = BatchDecoder(self.model_path.read_bytes(), dump)
        self._label = {label: n for n, label in enumerate(self.decoder.labels)}

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        org_patterns: bool = True,
        cache_folder: Path | str | None = None,
    ) -> Tagger:
        """Load a model file (default: the committed model) and the committed word clusters;
        cache_folder keeps the gazetteer of cities between loads."""
        model = Path(path) if path else MODEL_FILE
        return cls(model, org_patterns=org_patterns, cache_folder=cache_folder)

    def _decode(self, token_lists: list[list[str]]) -> tuple[list[list[str]], list]:
        """Tags and marginals (tokens × labels) of each sentence, decoded together."""
        features, decoder = self.features, self.decoder
        if len(features.cache) > MAX_CACHED_WORDS:
            features.cache.clear()
            decoder.clear()
        parts = [features.parts(tokens) for tokens in token_lists]
        decoder.add_words(features.take_new_words())
        scores = decoder.scores(token_lists, [extras for _, extras in parts])
        return decoder.decode(scores, list(map(len, token_lists)))

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """IOB2 tags for one tokenised sentence."""
        return self._decode([tokens])[0][0] if tokens else []

    def _scored_spans(self, tags: list[str], marginals) -> list[Span]:
        """A sentence's entity spans, each with the lowest marginal of its tokens' tags."""
        if tags.count("O") == len(tags):  # most sentences: nothing to score
            return []
        label = self._label
        return [
            (etype, start, end, min(float(marginals[i, label[tags[i]]]) for i in range(start, end)))
            for etype, start, end in spans(tags)
        ]

    def tag_documents(
        self,
        documents: list[list[list[str]]],
        consistent: bool = True,
        org_patterns: bool | None = None,
    ) -> list[list[list[Span]]]:
        """tag_document of each document, their sentences decoded together."""
        tags, marginals = self._decode([tokens for document in documents for tokens in document])
        found, at = [], 0
        for document in documents:
            end = at + len(document)
            found.append(
                self._document(document, tags[at:end], marginals[at:end], consistent, org_patterns)
            )
            at = end
        return found

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
        return self.tag_documents([token_lists], consistent, org_patterns)[0]

    def _document(
        self,
        token_lists: list[list[str]],
        tags: list[list[str]],
        marginals: list,
        consistent: bool,
        org_patterns: bool | None,
    ) -> list[list[Span]]:
        """A document's spans from its sentences' tags and marginals (see tag_document)."""
        found = [self._scored_spans(t, m) for t, m in zip(tags, marginals, strict=True)]
        names = document_names(token_lists, found) if consistent else {}
        starts = frozenset(phrase[0] for phrase in names)
        multi_starts = frozenset(phrase[0] for phrase in names if len(phrase) > 1)
        cache, word = self.features.cache, self.features.word
        use_patterns = self.org_patterns if org_patterns is None else org_patterns
        outside = self._label["O"]
        if names:
            found = [relabel(t, s, names) for t, s in zip(token_lists, found, strict=True)]
        for tokens, spans_, probabilities in zip(token_lists, found, marginals, strict=True):
            added = None
            if names:
                infos = list(map(cache.get, tokens))
                if None in infos:  # the cache was cleared during this document
                    infos = [word(t) for t in tokens]
                keys = list(map(_stems, infos))
                spans_[:] = widen(keys, spans_, names, multi_starts)
                added = fill_gaps(keys, spans_, names, starts)
            if added:
                for etype, start, end in added:
                    score = min(1.0 - float(probabilities[i, outside]) for i in range(start, end))
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
        return self.tag_texts([text])[0]

    def tag_texts(self, texts: list[str]) -> list[list[Mention]]:
        """tag_text of each text, their sentences decoded together (faster than one by one)."""
        # Tagging allocates many small lists and tuples but no reference cycles: the cyclic
        # garbage collector's passes over them cost ~7% of the time and free nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._tag_texts(texts)
        finally:
            if collecting:
                gc.enable()

    def _tag_texts(self, texts: list[str]) -> list[list[Mention]]:
        split = [list(sentences(text)) for text in texts]
        found_all = self.tag_documents(
            [[[tok for tok, _, _ in s] for s in sents] for sents in split]
        )
        result = []
        for text, sents, found_doc in zip(texts, split, found_all, strict=True):
            mentions = []
            for sentence, found in zip(sents, found_doc, strict=True):
                for etype, start, end, score in found:
                    begin, stop = sentence[start][1], sentence[end - 1][2]
                    mentions.append(Mention(text[begin:stop], etype, begin, stop, round(score, 4)))
            result.append(mentions)
        return result
