"""Stable digests of what a page is rendered from, so that a rebuild renders only the pages whose
inputs changed. A page's fingerprint covers the code and settings of the build, its template, and
the values of exactly the variables its templates name."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, meta

# Attributes every content object shares with the whole build (digested once, as settings).
SHARED_ATTRIBUTES = frozenset({"settings", "_context"})
# A content object's links to other content objects; nested objects are digested without them,
# which keeps cycles (an article related to one related to it) out and the digests stable.
LINK_ATTRIBUTES = frozenset({"related", "translations"})
ALL_VARIABLES = "*"


def code_digest(roots: Iterable[Path | str], suffixes=(".py", ".html", ".txt")) -> str:
    """Digest of the source files under the roots: new code or templates mean new pages."""
    h = hashlib.sha256()
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix in suffixes and path.is_file() and "__pycache__" not in path.parts:
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
    """Digests template inputs; content objects are digested once per build."""

    def __init__(self, salt: str) -> None:
        self.salt = salt.encode()
        self._objects: dict[int, tuple[object, bytes]] = {}  # id → (object kept alive, digest)
        self._containers: dict[int, tuple[object, bytes]] = {}
        self.unstable: set[str] = set()  # types digested by repr with an address: never reused

    def forget_containers(self) -> None:
        """Drop digests of lists and dicts, which may change between two write calls."""
        self._containers.clear()

    def page(self, names: frozenset[str], context: Mapping) -> str:
        """The fingerprint of one page: the salt and the named variables of its context."""
        h = hashlib.sha256(self.salt)
        keys = context.keys() if ALL_VARIABLES in names else names
        for key in sorted(k for k in keys if k in context and not k.isupper()):
            h.update(key.encode())
            h.update(self.digest(context[key], top=True))
        return h.hexdigest()

    def settings(self, context: Mapping) -> str:
        """Digest of the upper-case (settings) entries of a context."""
        h = hashlib.sha256()
        for key in sorted(k for k in context if k.isupper()):
            h.update(key.encode())
            h.update(self.digest(context[key]))
        return h.hexdigest()

    def digest(self, value, top: bool = False) -> bytes:
        """A stable digest of a value of the template context."""
        if value is None or isinstance(value, bool | int | float | str | bytes | enum.Enum):
            return hashlib.sha256(f"{type(value).__name__}:{value!r}".encode()).digest()
        if isinstance(value, datetime | date):
            return hashlib.sha256(f"date:{value.isoformat()}".encode()).digest()
        if callable(value) and hasattr(value, "__qualname__"):
            name = f"{getattr(value, '__module__', '')}.{value.__qualname__}"
            return hashlib.sha256(f"callable:{name}".encode()).digest()
        if isinstance(value, Mapping | list | tuple | set | frozenset):
            return self._container(value)
        if hasattr(value, "__dict__"):
            return self._object(value, deep=top)
        text = repr(value)
        if " at 0x" in text:
            self.unstable.add(type(value).__name__)
        return hashlib.sha256(f"{type(value).__name__}:{text}".encode()).digest()

    def _container(self, value) -> bytes:
        known = self._containers.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        h = hashlib.sha256(type(value).__name__.encode())
        if isinstance(value, Mapping):
            items = sorted((self.digest(k), self.digest(v)) for k, v in value.items())
            for key, item in items:
                h.update(key + item)
        else:
            parts = [self.digest(v) for v in value]
            for part in sorted(parts) if isinstance(value, set | frozenset) else parts:
                h.update(part)
        result = h.digest()
        self._containers[id(value)] = (value, result)
        return result

    def _object(self, value, deep: bool) -> bytes:
        """An object by its attributes; links to other objects only for a page's own objects."""
        if not deep:
            known = self._objects.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
        h = hashlib.sha256(f"{type(value).__module__}.{type(value).__qualname__}".encode())
        for key, item in sorted(vars(value).items()):
            if key in SHARED_ATTRIBUTES or (not deep and key in LINK_ATTRIBUTES):
                continue
            h.update(key.encode())
            h.update(self.digest(item))
        result = h.digest()
        if not deep:
            self._objects[id(value)] = (value, result)
        return result
