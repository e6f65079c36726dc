"""Print the tags the archive would publish for a sample of corpus articles, for checking by eye.

    python -m newsarchive.entities.review ../shared/corpus/saudinewsnet.sample3k.jsonl -n 50

Each tag is shown with a few words of context so a reader can judge it right or wrong. The
output holds corpus text: read it, do not commit it.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from newsarchive.corpus_import import ImportReport, clean_record, count_recurring, read_records
from newsarchive.entities.aliases import load_aliases
from newsarchive.entities.archive import link_articles
from newsarchive.entities.gazetteer import known_given_names, known_places
from newsarchive.entities.linking import link_mentions
from newsarchive.entities.policy import Policy
from newsarchive.entities.tagging import CachedTagger, article_text


def sample_articles(path: Path, n: int, seed: int = 2015) -> list[tuple[str, str]]:
    """(id, text to tag) of n articles drawn at random (fixed seed) from a corpus JSONL file."""
    records = read_records(path, ImportReport())
    recurring = count_recurring(records)
    chosen = random.Random(seed).sample(records, n)
    result = []
    for _, record in chosen:
        parsed = clean_record(record, recurring)
        result.append((record["id"], article_text(record.get("title"), parsed.plaintext)))
    return result


def context(text: str, start: int, end: int, width: int = 30) -> str:
    """A one-line window of text around a span, the span in brackets."""
    snippet = f"{text[max(0, start - width) : start]}[{text[start:end]}]{text[end : end + width]}"
    return re.sub(r"\s+", " ", snippet)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--all", action="store_true", help="also show tags the policy drops")
    parser.add_argument("--model", type=Path, help="a model file other than the packaged one")
    args = parser.parse_args(argv)

    from newsarchive.ner.tagger import Tagger

    tagger = CachedTagger(Tagger.load(args.model), None)
    aliases, policy = load_aliases(), Policy()
    articles = sample_articles(args.corpus, args.n, args.seed)
    texts = dict(articles)
    mentions = {doc_id: tagger.tag(text) for doc_id, text in articles}
    places = known_places() | known_given_names()
    published = link_articles(texts, mentions, aliases, policy, gazetteer=places)
    for doc_id, text in articles:
        print(f"## {doc_id}")
        kept = {(e.type, e.key) for e in published[doc_id]}
        for ent in link_mentions(text, mentions[doc_id], aliases, gazetteer=places):
            if (ent.type, ent.key) not in kept and not args.all:
                continue
            mark = "+" if (ent.type, ent.key) in kept else "-"
            start = ent.first
            end = next((m.end for m in mentions[doc_id] if m.start == start), start)
            print(
                f"{mark} {ent.type} {ent.forms.most_common(1)[0][0] if ent.forms else ent.key}"
                f" | n={ent.count} s={ent.score:.2f} cur={int(ent.supported)}"
                f" | {context(text, start, end)}"
            )


if __name__ == "__main__":
    main()
