"""Entity names: cleaning surface forms, matching keys, and safe URL paths."""

from __future__ import annotations

import hashlib
import re

from newsarchive.arabic import fold, is_arabic, normalize, prefix_splits

TYPES = ("PER", "LOC", "ORG")
TYPE_LABELS = {"PER": "شخص", "LOC": "مكان", "ORG": "مؤسسة"}
TYPE_LABELS_PLURAL = {"PER": "أشخاص", "LOC": "أماكن", "ORG": "مؤسسات"}

# Anything that is not a letter, digit or space; used to trim quotes and punctuation off spans.
_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
_NON_NAME_RE = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES_RE = re.compile(r"\s+")
# "عبد الله" and "عبدالله", "أبو ظبي" and "أبوظبي" are the same name written two ways.
_JOINED_RE = re.compile(r"\b(عبد|ابو) (?=\w)")

# Clitic runs that always mean "preposition + article": بالعراق → العراق, للعراق → العراق.
SAFE_ARTICLE_PREFIXES = frozenset({"بال", "وبال", "فبال", "لل", "ولل", "فلل"})

# Honorifics and ranks that taggers sometimes include in a person's span.
PER_TITLES = frozenset(
    normalize(word)
    for word in (
        "الرئيس الملك الأمير الأميرة الشيخ الشيخة الدكتور الدكتورة د المهندس الجنرال العقيد "
        "اللواء العميد الفريق المشير الرائد النقيب السيد السيدة الوزير الوزيرة السفير الإمام "
        "سمو صاحب السمو الملكي فضيلة معالي سعادة الأستاذ الأستاذة المستشار القاضي البابا"
    ).split()
)

# Generic heads that may precede a name: تنظيم داعش ≡ داعش, مدينة الرياض ≡ الرياض.
GENERIC_HEADS = {
    "ORG": frozenset(
        normalize(w) for w in "تنظيم حركة جماعة ميليشيا ميليشيات مليشيا مليشيات جبهة".split()
    ),
    "LOC": frozenset(normalize(w) for w in "مدينة محافظة منطقة دولة جمهورية إمارة".split()),
    "PER": frozenset(),
}


def clean_surface(text: str) -> str:
    """Fold a tagged span for display: no diacritics or tatweel, no edge punctuation, one space."""
    text = _SPACES_RE.sub(" ", fold(text)).strip()
    return _EDGE_RE.sub("", text)


def name_key(text: str) -> str:
    """Matching key of a name: normalised letters, no punctuation, joined compound names."""
    text = normalize(text)
    text = _NON_NAME_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text).strip()
    if not is_arabic(text):
        text = text.casefold()
    return _JOINED_RE.sub(r"\1", text)


def strip_titles(display: str) -> str:
    """Drop leading honorifics from a person's name while a name remains."""
    parts = display.split(" ")
    while len(parts) > 1 and name_key(parts[0]) in PER_TITLES:
        parts = parts[1:]
    return " ".join(parts)


def prefix_candidates(display: str) -> list[tuple[str, bool]]:
    """Forms of a name without an attached clitic on its first word, with whether the cut is safe.

    A cut is "safe" when the clitic is a preposition fused with the article (بالعراق → العراق);
    other cuts (والكاظمي → الكاظمي, لبغداد → بغداد) need the remainder to be a known name.
    """
    first, _, rest = display.partition(" ")
    candidates = []
    for prefix, stem in prefix_splits(first, min_stem=2):
        if prefix == "ال":
            continue  # the article belongs to names: العراق stays العراق
        if prefix.endswith("ال") or prefix.endswith("لل"):
            if len(stem) < 3:
                continue
            stem = "ال" + stem
        candidates.append((f"{stem} {rest}".strip(), prefix in SAFE_ARTICLE_PREFIXES))
    return candidates


def entity_id(type_: str, key: str) -> str:
    """Stable id of a canonical entity: its type and key."""
    return f"{type_}:{key}"


def _short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


# Path-safe name: letters and digits of any script, single dashes between words.
_SLUG_OK_RE = re.compile(r"^[^\W_]+(?: [^\W_]+)*$", re.UNICODE)
MAX_SLUG_CHARS = 80


def entity_slug(type_: str, key: str) -> str:
    """URL path segment for an entity, a function of its key alone so it survives rebuilds.

    Keys made of words of letters and digits map one to one (spaces become dashes); any other key
    (punctuation, control characters, very long) gets a hash of the key appended so two keys
    never share a path.
    """
    if _SLUG_OK_RE.match(key) and len(key) <= MAX_SLUG_CHARS:
        return key.replace(" ", "-")
    safe = "-".join(re.findall(r"[^\W_]+", key, re.UNICODE))[:MAX_SLUG_CHARS].strip("-")
    digest = _short_hash(entity_id(type_, key))
    return f"{safe}-{digest}" if safe else digest


def entity_path(type_: str, key: str) -> str:
    """Relative URL of an entity page, e.g. entities/loc/بغداد/."""
    return f"entities/{type_.lower()}/{entity_slug(type_, key)}/"
