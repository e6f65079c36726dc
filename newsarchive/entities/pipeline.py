"""From articles to the archive's entity catalog: tag (through the cache), link, filter."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsarchive import timing
from newsarchive.entities.aliases import AliasTable, load_aliases
from newsarchive.entities.archive import Catalog, Doc, link_articles
from newsarchive.entities.cache import TagCache
from newsarchive.entities.gazetteer import known_given_names, known_places
from newsarchive.entities.linkcache import LinkCache
from newsarchive.entities.policy import Policy
from newsarchive.entities.tagging import CachedTagger, article_text, tagging_version
from newsarchive.fingerprint import Fingerprinter, code_digest
from newsarchive.memory import map_large_blocks, release_free_memory
from newsarchive.ner import Mention

log = logging.getLogger(__name__)
# Linking results are kept for this code only.
LINKING_CODE = code_digest([Path(__file__).parent], suffixes=(".py",))


@dataclass(frozen=True)
class ArticleInput:
    """What the entity pipeline needs of an article."""

    id: str
    title: str | None
    plaintext: str | None
    date: datetime | None = None


class LazyTagger:
    """The project's tagger, loaded on the first text that is not in the cache: a rebuild where
    nothing changed never pays for loading the model and its gazetteers."""

    def __init__(self, model_path: Path, cache_folder: Path | str | None = None) -> None:
        self.model_path = model_path  # model_version() hashes it without loading the model
        self.cache_folder = cache_folder  # where the tagger keeps its gazetteer of cities
        self._tagger = None

    def tag_text(self, text: str):
        """Mentions in one text."""
        return self.tag_texts([text])[0]

    def tag_texts(self, texts: list[str]):
        """Mentions in each text, decoded together."""
        if self._tagger is None:
            from newsarchive.ner.tagger import Tagger

            self._tagger = Tagger.load(self.model_path, cache_folder=self.cache_folder)
        return self._tagger.tag_texts(texts)


def load_tagger(cache_folder: Path | str | None = None):
    """The project's tagger (loaded lazily, keeping its gazetteer of cities in cache_folder), or
    None with a warning when there is no model."""
    try:
        from newsarchive.ner.tagger import MODEL_FILE
    except Exception as error:  # the tagger package is broken: build without tags
        log.warning("entities: no tagger available (%s); articles get no entity tags", error)
        return None
    if not Path(MODEL_FILE).exists():
        log.warning("entities: no model at %s; articles get no entity tags", MODEL_FILE)
        return None
    return LazyTagger(Path(MODEL_FILE), cache_folder)


def tag_articles(
    texts: dict[str, str],
    tagger,
    cache: TagCache | None,
    max_chars: int,
    procs: int,
    every_article: bool = False,
) -> dict[str, list[Mention]]:
    """Mentions of every text by id, through the cache, which is saved and then let go; when
    the texts are every article's, the cache keeps only theirs."""
    cached = CachedTagger(tagger, cache, max_chars)
    # The tagger decodes in numpy arrays of a few MB a batch: freed, they go back to the system
    # at once instead of staying in each tagging process's heap (30 MB of 290 in one).
    map_large_blocks()
    mentions = cached.tag_many(texts, procs)
    timing.count("articles tagged", cached.tagged)
    if cache:
        if every_article:
            cache.prune()  # entries of edited or removed articles, or of an older model
        cache.save()
        log.info("entities: tagged %d articles, %d from cache", cached.tagged, cache.hits)
    return mentions


def link_tagged(
    texts: dict[str, str],
    tagger,
    aliases: AliasTable,
    policy: Policy,
    cache_folder: Path | str | None,
    max_chars: int,
    procs: int,
) -> dict[str, list]:
    """Each article's published entities. An article whose linking the link cache keeps is
    neither tagged nor looked up in the tag cache: its mentions are not needed."""
    timing.note("articles tagged", 0)
    gazetteer = known_places(cache_folder) | known_given_names()
    link_cache = tagging = None
    if cache_folder:
        # Hashes the model file: asked once, for both caches.
        tagging = tagging_version(tagger, max_chars)
        # The mentions' source (model, characters tagged) is in the version, not in each key.
        source = [aliases, gazetteer, tagging]
        version = LINKING_CODE + Fingerprinter("").digest(source).hex()
        link_cache = LinkCache(Path(cache_folder) / "linked.pickle", version)

    def mentions_of(ids: list[str]) -> dict[str, list[Mention]]:
        if not ids:
            return {}
        # Asked for every article when the link cache kept none: after a new model, aliases
        # or code (its version), or on a first build.
        every = len(ids) == len(texts)
        cache = TagCache(cache_folder, tagging) if cache_folder else None
        found = tag_articles({i: texts[i] for i in ids}, tagger, cache, max_chars, procs, every)
        # The tag cache's rows, a copy of every mention, go back to the system before the
        # linking forks its processes.
        release_free_memory()
        return found

    linked = link_articles(
        texts, mentions_of, aliases, policy, gazetteer=gazetteer, cache=link_cache, procs=procs
    )
    if link_cache:
        link_cache.save()
        timing.note("articles linked", len(texts) - link_cache.hits)
    return linked


def build_catalog(
    articles: Iterable[ArticleInput],
    *,
    tagger=None,
    aliases: AliasTable | None = None,
    policy: Policy | None = None,
    cache_folder: Path | str | None = None,
    max_chars: int = 200_000,
    procs: int = 1,
) -> Catalog:
    """Tag every article (reusing cached results; procs processes tag the rest), link its
    mentions, and build the catalog."""
    articles = list(articles)
    aliases = aliases or load_aliases()
    texts = {a.id: article_text(a.title, a.plaintext) for a in articles}
    linked = {}
    if tagger is not None:
        policy = policy or Policy()
        linked = link_tagged(texts, tagger, aliases, policy, cache_folder, max_chars, procs)
    docs = [Doc(a.id, a.date, linked.get(a.id, [])) for a in articles]
    return Catalog(docs, aliases)
