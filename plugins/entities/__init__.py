"""Pelican adapter for entity tags: tag articles, attach entities and related articles, write
entity pages and the entity index. The work happens in newsarchive.entities."""

from __future__ import annotations

import logging
import os
import time
from functools import partial

from pelican import signals

from newsarchive import timing
from newsarchive.background import apart
from newsarchive.entities import pipeline
from newsarchive.entities.aliases import load_aliases
from newsarchive.entities.archive import by_letter, index_letter, month_rows
from newsarchive.entities.names import TYPE_LABELS, TYPE_LABELS_PLURAL, TYPES
from newsarchive.entities.policy import Policy
from newsarchive.entities.settings import DEFAULTS
from newsarchive.forkmap import forks
from newsarchive.memory import release_free_memory

LETTER_SLUGS = {"#": "other"}
log = logging.getLogger(__name__)


def setting(settings: dict, name: str):
    """A setting of this plugin, or its default."""
    return settings.get(name, DEFAULTS[name])


def letter_url(settings: dict, letter: str) -> str:
    """URL of one letter's page in the alphabetical view."""
    return f"{setting(settings, 'ENTITIES_LETTERS_URL')}{LETTER_SLUGS.get(letter, letter)}/"


def attach_entities(generator) -> None:
    """Tag and link every article; give each its entities and related articles."""
    started = time.perf_counter()
    settings = generator.settings
    if not setting(settings, "ENTITIES_ENABLED") or not generator.articles:
        return
    articles = generator.articles
    inputs = [
        pipeline.ArticleInput(
            a.slug,
            a.title,
            a.metadata.get("plaintext"),
            None if a.metadata.get("undated") else a.date,
        )
        for a in articles
    ]
    cache = setting(settings, "ENTITIES_CACHE_PATH") or os.path.join(
        settings["CACHE_PATH"], "entities"
    )
    policy = Policy(
        min_score=setting(settings, "ENTITIES_MIN_SCORE"),
        min_score_single=setting(settings, "ENTITIES_MIN_SCORE_SINGLE"),
        min_chars=setting(settings, "ENTITIES_MIN_CHARS"),
    )
    aliases = load_aliases(
        setting(settings, "ENTITIES_ALIASES_PATH"), setting(settings, "ENTITIES_STOPLIST_PATH")
    )
    procs = setting(settings, "ENTITIES_TAGGING_PROCS")
    build = partial(
        pipeline.build_catalog,
        inputs,
        tagger=pipeline.load_tagger(cache),
        aliases=aliases,
        policy=policy,
        cache_folder=cache,
        max_chars=setting(settings, "ENTITIES_MAX_CHARS"),
        procs=procs,
    )
    # Where the tagging forks anyway, the whole stage runs apart: its mentions and caches are
    # many small objects whose memory this process could not give back after them (at 30,100
    # articles the build held 1,085 MB after the stage, and 580 MB since); only the catalog
    # comes back.
    catalog = apart("entities", build) if forks(inputs, procs) else build()
    by_slug = {a.slug: a for a in articles}
    related_count = setting(settings, "ENTITIES_RELATED_COUNT")
    max_articles = setting(settings, "ENTITIES_RELATED_MAX_ARTICLES")
    for article in articles:
        article.entities = catalog.article_entities(article.slug)
        related = catalog.related(article.slug, related_count, max_articles)
        article.related = [by_slug[slug] for slug in related]
    generator.entity_catalog = catalog
    # Plain data for the search plugin, which only reads it.
    generator.context["entities"] = catalog.table()
    # Entity pages paginate like category pages, ENTITIES_PER_PAGE articles a page.
    paginated = settings["PAGINATED_TEMPLATES"]
    if paginated.get("entity") is None:
        paginated["entity"] = setting(settings, "ENTITIES_PER_PAGE")
    release_free_memory()  # the texts, mentions and caches: most of what tagging allocated
    timing.add("tagging", time.perf_counter() - started)
    log.info(
        "entities: %d entities in %d articles, %.1fs",
        len(catalog.entities),
        len(articles),
        time.perf_counter() - started,
    )


def link(entity) -> dict:
    """What a page shows of another entity: only this, so that its page is not rendered again
    each time that entity gains an article."""
    return {"url": entity.url, "name": entity.name, "type": entity.type}


def write_entity_pages(generator, writer) -> None:
    """Write one paginated page per entity, the index by type, and the alphabetical view."""
    catalog = getattr(generator, "entity_catalog", None)
    if catalog is None:
        return
    started = time.perf_counter()
    settings = generator.settings
    relative = settings["RELATIVE_URLS"]
    by_slug = {a.slug: a for a in generator.articles}
    common = {"entity_type_labels": TYPE_LABELS, "entity_type_plural": TYPE_LABELS_PLURAL}
    index_url = setting(settings, "ENTITIES_URL")
    letters_url = setting(settings, "ENTITIES_LETTERS_URL")
    common |= {"entities_index_url": index_url, "entities_letters_url": letters_url}

    template = generator.get_template("entity")
    cooccurring = setting(settings, "ENTITIES_COOCCURRING_COUNT")
    for entity in catalog.entities.values():
        articles = [by_slug[slug] for slug in entity.article_ids]
        writer.write_file(
            f"{entity.url}index.html",
            template,
            generator.context,
            relative_urls=relative,
            template_name="entity",
            url=entity.url,
            page_name=entity.url.rstrip("/"),
            entity=link(entity),
            articles=articles,
            # What changes as the entity gains articles goes on its front page only.
            front_only={
                "entity_facts": {"count": len(articles), "aliases": entity.aliases},
                "cooccurring": [
                    (link(o), n) for o, n in catalog.cooccurring(entity.id, cooccurring)
                ],
                "months": month_rows(entity),
            },
            entity_letter_url=letter_url(settings, index_letter(entity.key)),
            **common,
        )

    letters = [(ch, letter_url(settings, ch), group) for ch, group in by_letter(catalog.ranked())]
    limit = setting(settings, "ENTITIES_INDEX_LIMIT")
    groups = [(t, catalog.ranked(t)) for t in TYPES]
    index_template = generator.get_template("entities")
    pages = [(setting(settings, "ENTITIES_SAVE_AS"), index_url, "types", None)]
    pages.append((setting(settings, "ENTITIES_LETTERS_SAVE_AS"), letters_url, "letters", None))
    pages += [(f"{url}index.html", url, "letter", (ch, group)) for ch, url, group in letters]
    for save_as, url, view, letter in pages:
        writer.write_file(
            save_as,
            index_template,
            generator.context,
            relative_urls=relative,
            url=url,
            entities_view=view,
            entity_groups=groups,
            entity_group_limit=limit,
            entity_letters=letters,
            entity_letter=letter,
            entity_total=len(catalog.entities),
            **common,
        )
    timing.add("entity pages", time.perf_counter() - started)
    log.info(
        "entities: wrote %d entity pages, %.1fs",
        len(catalog.entities),
        time.perf_counter() - started,
    )


def register() -> None:
    """Wire entity tagging into Pelican's article generation."""
    signals.article_generator_finalized.connect(attach_entities)
    signals.article_writer_finalized.connect(write_entity_pages)
