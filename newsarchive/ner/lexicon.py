"""A lexicon of names seen in training data, keyed like the gazetteers, with jackknife folds."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from newsarchive.arabic import normalize, prefix_splits
from newsarchive.ner.conll import Sentence, spans
from newsarchive.ner.gazetteers import STOPWORDS

Lexicon = dict[str, dict[tuple[str, ...], str]]


def build_lexicon(sentences: list[Sentence]) -> dict[tuple[str, ...], str]:
    """Each entity phrase (normalised, first word also without clitics) -> its majority type."""
    votes: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for tokens, tags in sentences:
        for etype, start, end in spans(tags):
            words = [normalize(t) for t in tokens[start:end]]
            firsts = {words[0], *(stem for _, stem in prefix_splits(words[0]))}
            for first in firsts:
                phrase = (first, *words[1:])
                if len(phrase) == 1 and (first in STOPWORDS or len(first) < 2):
                    continue
                votes[phrase][etype] += 1
    # Ties go to the alphabetically first type so the result never depends on dict order.
    return {p: min(c, key=lambda t: (-c[t], t)) for p, c in sorted(votes.items())}


def index(phrases: dict[tuple[str, ...], str]) -> Lexicon:
    """First word -> {phrase: type}, the shape the feature extractor matches against."""
    table: Lexicon = {}
    for phrase, etype in phrases.items():
        table.setdefault(phrase[0], {})[phrase] = etype
    return table


def jackknife(sentences: list[Sentence], folds: int = 5, block: int = 100) -> list[Lexicon]:
    """For each sentence, a lexicon built without its fold (folds are blocks of sentences).

    Blocks keep a document's sentences together, so a name repeated within one article
    does not make the lexicon look more reliable in training than on unseen text.
    """
    fold_of = [(i // block) % folds for i in range(len(sentences))]
    lexicons = [
        index(build_lexicon([s for s, f in zip(sentences, fold_of, strict=True) if f != k]))
        for k in range(folds)
    ]
    return [lexicons[f] for f in fold_of]


def lexicon_path(model_path: str | Path) -> Path:
    """The lexicon file that belongs to a model file (model.crfsuite -> model.lexicon.txt)."""
    return Path(model_path).with_suffix(".lexicon.txt")


def save_lexicon(phrases: dict[tuple[str, ...], str], path: Path) -> None:
    """Write phrase<TAB>type lines (words joined by spaces)."""
    with open(path, "w", encoding="utf-8") as handle:
        for phrase, etype in phrases.items():
            handle.write(" ".join(phrase) + "\t" + etype + "\n")


def load_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file into the matching table (empty when the file is missing)."""
    if not Path(path).exists():
        return {}
    phrases = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            phrase, _, etype = line.rstrip("\n").rpartition("\t")
            phrases[tuple(phrase.split(" "))] = etype
    return index(phrases)
