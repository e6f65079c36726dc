"""Stable digests of what a page is rendered from, so that a rebuild renders only the pages whose
inputs changed. A page's fingerprint covers the code and settings of the build, its template, and
the values of exactly the variables its templates name."""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, meta

from newsarchive.jsoncache import joined_digest

# Attributes every content object shares with the whole build (digested once, as settings).
SHARED_ATTRIBUTES = frozenset({"settings", "_context"})
# A content object's links to other content objects; nested objects are digested without them,
# which keeps cycles (an article related to one related to it) out and the digests stable.
LINK_ATTRIBUTES = frozenset({"related", "translations"})
ALL_VARIABLES = "*"
# Digests of longer values are their sha256; shorter values stand for themselves.
SHORT_BYTES = 64


def code_digest(roots: Iterable[Path | str], suffixes=(".py", ".html", ".txt")) -> str:
    """Digest of the source files under the roots (every file when suffixes is None): new code
    or templates mean new pages."""
    h = hashlib.sha256()
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            wanted = suffixes is None or path.suffix in suffixes
            if wanted and path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def template_variables(env: Environment, name: str) -> frozenset[str]:
    """Every variable a template and the templates it extends, includes or imports name; '*'
    when it names a template only known at render time."""
    found: set[str] = set()
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source = env.loader.get_source(env, current)[0]
        tree = env.parse(source)
        found |= meta.find_undeclared_variables(tree)
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                found.add(ALL_VARIABLES)
            else:
                pending.append(referenced)
    return frozenset(found)


class Fingerprinter:
    """Digests template inputs. Every object and container is digested once per build: nothing
    a template reads changes while Pelican writes pages."""

    def __init__(self, salt: str) -> None:
        self.salt = salt.encode()
        # id → (the object, kept alive so that its id is not reused; its digest; as JSON takes it)
        self._objects: dict[int, tuple[object, bytes, list]] = {}
        # id → (the object, {attribute: (its text, digest)}): digests of long texts made ahead
        # of the pages (prepare).
        self._prepared: dict[int, tuple[object, dict[str, tuple[object, bytes]]]] = {}
        self._containers: dict[int, tuple[object, bytes]] = {}
        self.unstable: set[str] = set()  # types digested by repr with an address: never reused
        # A template's names, sorted, without the settings (digested once, as the salt).
        self._wanted: dict[frozenset[str], list[str]] = {}
        # Plain data is serialised in C; objects, dates and sets come to _plain one by one.
        self._json = json.JSONEncoder(default=self._plain, sort_keys=True, ensure_ascii=False)

    def page(self, names: frozenset[str], context: Mapping) -> str:
        """The fingerprint of one page: the salt and the named variables of its context."""
        # A ChainMap's own mappings, looked up in turn: its `in` and [] are Python code, which
        # was a fifth of fingerprinting 32,000 pages.
        maps = getattr(context, "maps", (context,))
        if ALL_VARIABLES in names:
            wanted = sorted({k for m in maps for k in m if not k.isupper()})
        else:
            wanted = self._wanted.get(names) or self._wanted.setdefault(
                names, sorted(k for k in names if not k.isupper())
            )
        parts = []
        for key in wanted:
            for mapping in maps:
                if key in mapping:
                    parts.append(key.encode() + b"=" + self.digest(mapping[key], top=True))
                    break
        return joined_digest(self.salt, parts).hex()

    def settings(self, context: Mapping) -> str:
        """Digest of the upper-case (settings) entries of a context."""
        keys = sorted(k for k in context if k.isupper())
        return joined_digest(b"", [k.encode() + b"=" + self.digest(context[k]) for k in keys]).hex()

    def digest(self, value, top: bool = False) -> bytes:
        """A stable digest of a value of the template context: the value's own bytes when
        short, else their sha256."""
        if isinstance(value, str):
            data = b"s" + value.encode("utf-8", "surrogatepass")
        elif value is None or isinstance(value, bool | int | float | bytes | enum.Enum):
            data = f"{type(value).__name__}:{value!r}".encode()
        elif isinstance(value, datetime | date):
            data = b"d" + value.isoformat().encode()
        elif isinstance(value, Mapping | list | tuple | set | frozenset):
            return self._container(value)
        elif callable(value) and hasattr(value, "__qualname__"):
            data = f"f:{getattr(value, '__module__', '')}.{value.__qualname__}".encode()
        elif hasattr(value, "__dict__"):
            return self._object(value, deep=top)
        else:
            data = f"{type(value).__name__}:{value!r}".encode()
            if b" at 0x" in data:
                self.unstable.add(type(value).__name__)
        return data if len(data) <= SHORT_BYTES else b"h" + hashlib.sha256(data).digest()

    def _container(self, value) -> bytes:
        known = self._containers.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        result = self._serialised(value)
        self._containers[id(value)] = (value, result)
        return result

    def _serialised(self, value) -> bytes:
        """A container's digest: its JSON's sha256, or its items' digests combined."""
        try:
            data = self._json.encode(value)
        except TypeError:  # keys JSON cannot take or sort (tuples, mixed types)
            return self._container_by_parts(value)
        return b"j" + hashlib.sha256(data.encode("utf-8", "surrogatepass")).digest()

    def _plain(self, value):
        """What JSON writes for a value it cannot serialise itself."""
        known = self._objects.get(id(value))
        if known is not None and known[0] is value:
            return known[2]  # an object seen before (an article in many listings)
        if isinstance(value, datetime | date):
            return ["\0d", value.isoformat()]
        if isinstance(value, Mapping):
            return dict(value)
        if isinstance(value, set | frozenset):
            return ["\0set", *sorted(self.digest(v).hex() for v in value)]
        return ["\0", self.digest(value).hex()]

    def _container_by_parts(self, value) -> bytes:
        """A container's digest from each of its items' digests."""
        if isinstance(value, Mapping):
            parts = sorted(self.digest(k) + b"=" + self.digest(v) for k, v in value.items())
        else:
            parts = [self.digest(v) for v in value]
            if isinstance(value, set | frozenset):
                parts.sort()
        return b"h" + joined_digest(type(value).__name__.encode(), parts)

    def _object(self, value, deep: bool) -> bytes:
        """An object by its attributes; its links to other objects only for a page's own."""
        known = self._objects.get(id(value))
        if known is not None and known[0] is value:
            own = known[1]
        else:
            kind = f"{type(value).__module__}.{type(value).__qualname__}"
            own = b"h" + joined_digest(kind.encode(), self._attribute_digests(value))
            self._prepared.pop(id(value), None)
            self._objects[id(value)] = (value, own, ["\0", own.hex()])
        if not deep:
            return own
        links = [self.digest(getattr(value, key, None)) for key in sorted(LINK_ATTRIBUTES)]
        return b"h" + joined_digest(own, links)

    def prepare(self, objects: Iterable) -> None:
        """Digest the objects' attributes ahead of their pages (while the build waits for a
        stage in another process): a page then digests only those set or replaced since."""
        for value in objects:
            self._attribute_digests(value, keep=True)

    def _attribute_digests(self, value, keep: bool = False) -> list[bytes]:
        """name=digest of each of the object's own attributes, in name order; with keep, a long
        text's digest is kept for as long as the attribute holds the same text."""
        entry = self._prepared.get(id(value))
        if entry is None or entry[0] is not value:
            entry = (value, {})
            if keep:
                self._prepared[id(value)] = entry
        known = entry[1]
        parts = []
        for key, item in sorted(self._attributes(value).items()):
            seen = known.get(key)
            if seen is not None and seen[0] is item:
                found = seen[1]
            else:
                found = self.digest(item)
                # A container's digest is kept by _container already; a long text's here.
                if keep and isinstance(item, str) and len(item) > SHORT_BYTES:
                    known[key] = (item, found)
            parts.append(key.encode() + b"=" + found)
        return parts

    @staticmethod
    def _attributes(value) -> dict:
        """The object's own attributes: not those it shares with the build, nor its links."""
        return {
            key: item
            for key, item in vars(value).items()
            if key not in SHARED_ATTRIBUTES and key not in LINK_ATTRIBUTES
        }
