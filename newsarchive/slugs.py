"""URL slugs that keep Arabic letters, never transliterate, and can never leave the output folder."""

from __future__ import annotations

import hashlib
import re

from newsarchive.arabic import fold

UNSAFE_RE = re.compile(r"[^\w.-]+")
EDGE_RE = re.compile(r"^[.-]+|[.-]+$")


def safe_slug(text: str) -> str:
    """A slug of letters (any script), digits, '-', '_' and inner dots; a hash when nothing is left."""
    slug = UNSAFE_RE.sub("-", fold(text).strip())
    slug = EDGE_RE.sub("", slug.replace("..", "-"))
    if not slug:
        return "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return slug
