"""A crfsuite model's tags and marginals, computed with numpy for many sentences at once.

crfsuite tags one sentence per call, from its tokens' attribute strings: most of that time goes
to passing and looking up strings. A word's attributes are the same wherever it occurs, so here
each word form's weights are summed once, for the word itself and as each neighbour sees it
(WordInfo.feats and .context), and a sentence's label scores are five array lookups. Viterbi
and forward-backward then run over a batch of sentences at once, padded at the front to the
longest. The results are crfsuite's: tests compare both on real text.
"""

from __future__ import annotations

import re
import struct
from itertools import chain, compress, count
from operator import attrgetter

import numpy as np

# A state feature (type 0: attribute -> label) or a transition (type 1: label -> label), as
# crfsuite's model file stores them (crf1d_model.c: three uint32 and a double, little-endian).
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_HEADER = struct.Struct("<4sI4sIIIIIIIII")  # magic, size, type, version, counts, offsets
_NUMBERED = re.compile(r"^ +(\d+): (.*)$", re.M)  # "   12: w=قال" in crfsuite's dump
# Sentences decoded together: more means fewer numpy calls, each over more rows.
GROUP = 256
# Word rows (self.rows) of no word, of the BOS mark before a sentence and the EOS mark after it.
ZERO, BOS, EOS = 0, 1, 2
# A word's attributes in each view: its own, then as the tokens two and one after it, and one
# and two before it, see it (WordInfo's views).
_VIEWS = tuple(
    map(attrgetter, ("feats", "seen_after2", "seen_after1", "seen_before1", "seen_before2"))
)


def _section(dump: str, name: str) -> dict[str, int]:
    """A numbered section of crfsuite's dump (LABELS, ATTRIBUTES): name -> number."""
    start = dump.index(name + " = {")
    body = dump[start : dump.index("\n}", start)]
    return {text: int(number) for number, text in _NUMBERED.findall(body)}


def read_weights(
    model: bytes, dump: str
) -> tuple[list[str], dict[bytes, int], np.ndarray, np.ndarray]:
    """Labels, attribute numbers, state weights (attributes × labels, plus a zero row) and
    transition weights (labels × labels) of a crfsuite model file and its dump."""
    header = _HEADER.unpack_from(model, 0)
    if header[0] != b"lCRF" or header[2] != b"FOMC":
        raise ValueError("not a crfsuite CRF1d model")
    n_labels, n_attributes, offset = header[5], header[6], header[7]
    chunk, _, n_features = struct.unpack_from("<4sII", model, offset)
    if chunk != b"FEAT":
        raise ValueError("crfsuite model without its feature chunk")
    features = np.frombuffer(model, dtype=_FEATURE, count=n_features, offset=offset + 12)
    numbered = _section(dump, "LABELS")
    labels = sorted(numbered, key=numbered.get)
    attributes = {a.encode(): n for a, n in _section(dump, "ATTRIBUTES").items()}
    if len(labels) != n_labels or len(attributes) != n_attributes:
        raise ValueError("crfsuite model and dump disagree")
    state = np.zeros((n_attributes + 1, n_labels))  # the last row: no attribute
    transition = np.zeros((n_labels, n_labels))
    for kind, table in ((0, state), (1, transition)):
        rows = features[features["type"] == kind]
        table[rows["src"], rows["dst"]] = rows["weight"]
    return labels, attributes, state, transition


class BatchDecoder:
    """Viterbi tags and per-token marginals of a CRF, with each word's weights summed once."""

    def __init__(self, model: bytes, dump: str) -> None:
        self.labels, self.attributes, self.state, self.transition = read_weights(model, dump)
        self.none = len(self.state) - 1  # the zero row of state
        self._exp_transition = np.exp(self.transition)
        self.clear()

    def clear(self) -> None:
        """Forget the words' summed weights (the feature extractor forgot their features)."""
        self.rows: dict[str, int] = {}  # word form -> its row of self.index
        # A word's row of self.weights in each view. Words share the rows of views with the same
        # attributes: the views from two tokens away have 2,000 distinct lists for 110,000
        # words, those from the next token 25,000.
        self.index = np.zeros((1024, len(_VIEWS)), dtype=np.int32)
        self.weights = np.zeros((1024, len(self.labels)))  # summed weights; row 0: none
        self._shared: dict[tuple, int] = {}  # (view, attributes) -> row of self.weights
        self._rows = 1
        for word, view, mark in ((BOS, 2, b"BOS"), (EOS, 3, b"EOS")):
            self.index[word, view] = self._new_rows(view, [[mark]])[0]
        self._words = EOS + 1  # rows of self.index in use

    def _ids(self, attributes) -> list[int]:
        """The model's numbers of the attributes it knows, in order."""
        get = self.attributes.get
        return [n for n in map(get, attributes) if n is not None]

    def _new_rows(self, view: int, lists: list) -> list[int]:
        """Rows of self.weights holding the summed weights of attribute lists seen from a view;
        a neighbour's view shares the row of the same list, a word's own view does not (most
        differ, and keys would cost more than rows)."""
        shared, found, new = self._shared, [], []
        for attributes in lists:
            key = (view, tuple(attributes)) if view else None
            row = shared.get(key)
            if row is None:
                row = self._rows + len(new)
                new.append(attributes)
                if view:
                    shared[key] = row
            found.append(row)
        if new:
            self.weights = _fitted(self.weights, self._rows + len(new))
            ids, starts = [], []
            for attributes in new:
                # Each list, then the zero row: none is empty, which add.reduceat needs.
                starts.append(len(ids))
                ids += self._ids(attributes)
                ids.append(self.none)
            self.weights[self._rows : self._rows + len(new)] = np.add.reduceat(
                self.state[ids], starts
            )
            self._rows += len(new)
        return found

    def add_words(self, words: dict) -> None:
        """Sum the weights of new words' views (form -> WordInfo)."""
        new = [(form, info) for form, info in words.items() if form not in self.rows]
        if not new:
            return
        first = self._words
        self._words += len(new)
        self.index = _fitted(self.index, self._words)
        for n, (form, _) in enumerate(new):
            self.rows[form] = first + n
        for view, attributes in enumerate(_VIEWS):
            rows = self._new_rows(view, [attributes(info) for _, info in new])
            self.index[first : self._words, view] = rows

    def scores(self, sentences: list[list[str]], extras: list[list[list[bytes]]]) -> np.ndarray:
        """Label scores of every token of the sentences, one row per token in order; extras
        holds each token's attributes beyond its words' (phrases, word pairs)."""
        get_row = self.rows.__getitem__
        own, after2, after1, before1, before2 = [], [], [], [], []
        for tokens in sentences:
            ids = list(map(get_row, tokens))
            n = len(ids)
            own += ids
            after2 += ([ZERO, ZERO] + ids)[:n]
            after1 += ([BOS] + ids)[:n]
            before1 += ids[1:] + [EOS]
            before2 += (ids[2:] + [ZERO, ZERO])[:n]
        index, weights = self.index, self.weights
        found = weights[index[own, 0]] + weights[index[after2, 1]]
        found += weights[index[after1, 2]]
        found += weights[index[before1, 3]]
        found += weights[index[before2, 4]]
        more = list(chain.from_iterable(extras))
        at, attributes = [], []
        for token in compress(count(), more):  # the few tokens with more attributes
            ids = self._ids(more[token])
            at += [token] * len(ids)
            attributes += ids
        if at:
            np.add.at(found, at, self.state[attributes])
        return found

    def decode(
        self, scores: np.ndarray, lengths: list[int]
    ) -> tuple[list[list[str]], list[np.ndarray]]:
        """Each sentence's tags and marginals (tokens × labels), from the token scores of
        sentences of these lengths, in order."""
        starts = np.cumsum([0, *lengths[:-1]])
        padded = np.vstack([scores, np.zeros((1, scores.shape[1]))])  # its last row: padding
        tags: list[list[str]] = [[] for _ in lengths]
        marginals: list[np.ndarray] = [np.empty((0, scores.shape[1]))] * len(lengths)
        order = sorted((n for n in range(len(lengths)) if lengths[n]), key=lengths.__getitem__)
        for at in range(0, len(order), GROUP):
            group = order[at : at + GROUP]
            width = lengths[group[-1]]
            sizes = np.array([lengths[n] for n in group])
            index = np.full((len(group), width), len(scores))
            for row, n in enumerate(group):
                index[row, width - lengths[n] :] = np.arange(starts[n], starts[n] + lengths[n])
            x = padded[index]
            # A transition weighs only between two tokens of a sentence: into a token whose
            # previous position is padding, every label starts afresh.
            linked = np.arange(width)[None, :] > (width - sizes)[:, None]
            paths = self._viterbi(x, linked)
            probabilities = self._marginals(x, linked)
            for row, n in enumerate(group):
                start = width - lengths[n]
                tags[n] = [self.labels[i] for i in paths[row, start:]]
                marginals[n] = probabilities[row, start:]
        return tags, marginals

    def _viterbi(self, x: np.ndarray, linked: np.ndarray) -> np.ndarray:
        """Best label paths of padded scores (sentences × positions × labels)."""
        size, width, _ = x.shape
        back = np.zeros((size, width, x.shape[2]), dtype=np.int8)
        score = x[:, 0].copy()
        for t in range(1, width):
            candidates = score[:, :, None] + self.transition * linked[:, t, None, None]
            back[:, t] = candidates.argmax(1)  # the first best, as crfsuite's strict <
            score = candidates.max(1) + x[:, t]
        paths = np.empty((size, width), dtype=np.int64)
        paths[:, -1] = score.argmax(1)
        rows = np.arange(size)
        for t in range(width - 1, 0, -1):
            paths[:, t - 1] = back[rows, t, paths[:, t]]
        return paths

    def _marginals(self, x: np.ndarray, linked: np.ndarray) -> np.ndarray:
        """P(label at position) by forward-backward, scaled at each position."""
        size, width, _ = x.shape
        weights = np.exp(x - x.max(2, keepdims=True))
        forward = np.empty_like(weights)
        backward = np.empty_like(weights)
        step = self._exp_transition
        alpha = weights[:, 0] / weights[:, 0].sum(1, keepdims=True)
        forward[:, 0] = alpha
        for t in range(1, width):
            carried = np.where(linked[:, t, None], alpha @ step, alpha.sum(1, keepdims=True))
            alpha = carried * weights[:, t]
            alpha /= alpha.sum(1, keepdims=True)
            forward[:, t] = alpha
        beta = np.ones((size, x.shape[2]))
        backward[:, -1] = beta
        for t in range(width - 1, 0, -1):
            ahead = weights[:, t] * beta
            beta = np.where(linked[:, t, None], ahead @ step.T, ahead.sum(1, keepdims=True))
            beta /= beta.sum(1, keepdims=True)
            backward[:, t - 1] = beta
        joint = forward * backward
        return joint / joint.sum(2, keepdims=True)


def _fitted(array: np.ndarray, rows: int) -> np.ndarray:
    """The array, or a copy twice as long or more, holding at least rows rows."""
    if rows <= len(array):
        return array
    grown = np.zeros((max(rows, 2 * len(array)), *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
