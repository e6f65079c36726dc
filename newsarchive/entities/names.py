"""Entity names: cleaning surface forms, matching keys, and safe URL paths."""

from __future__ import annotations

import functools
import hashlib
import re

from newsarchive.arabic import PLAIN_WORD_RE, fold, is_arabic, normalize, prefix_splits

TYPES = ("PER", "LOC", "ORG")
TYPE_LABELS = {"PER": "شخص", "LOC": "مكان", "ORG": "مؤسسة"}
TYPE_LABELS_PLURAL = {"PER": "أشخاص", "LOC": "أماكن", "ORG": "مؤسسات"}

# Anything that is not a letter, digit or space; used to trim quotes and punctuation off spans.
_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
# Quotes and brackets inside a span: تنظيم «داعش» → تنظيم داعش.
_QUOTES_RE = re.compile(r"[«»\"“”„‘’'()\[\]{}<>]")
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
        "سمو صاحب السمو الملكي فضيلة معالي سعادة الأستاذ الأستاذة المستشار القاضي البابا "
        "النبي الرسول جلالة فخامة دكتور مهندس الشاعر المغرد اللاعب المدرب"
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


# Describing words a tagger may take into a span; never part of a name: تنظيم داعش المندحر.
TRAILING_DESCRIPTORS = frozenset(
    normalize(word)
    for word in (
        "الإرهابي الإرهابية الإرهابيين المندحر المندحرة المتطرف المتطرفة المزعوم المزعومة "
        "الإجرامي الإجرامية المسلحة المسلح الانقلابي الانقلابية المتمردة المتمردين المحظورة "
        "المنحل المنحلة الراحل الراحلة السابق السابقة الحالي صلى"
    ).split()
)
# A person's name never ends on these: the tagger cut it short (عبداللطيف آل، محمد بن).
PER_INCOMPLETE_ENDS = frozenset(normalize(w) for w in "بن ابن بنت آل أبو أبي عبد".split())


# Head nouns of organisation names (وزارة الصحة، نادي الهلال); alone, or definite and followed by
# one adjective (المجلس الاستشاري), they describe an organisation rather than name it.
ORG_HEAD_WORDS = frozenset(
    normalize(w)
    for w in """وكالة وزارة منظمة هيئة جامعة مؤسسة جمعية مجلس اتحاد صندوق بنك مصرف محكمة شركة
    حزب حركة جبهة مكتب مركز معهد أكاديمية كلية مستشفى نادي لجنة رابطة نقابة تنظيم جماعة
    مجموعة""".split()
)


def is_org_description(key: str) -> bool:
    """True for a key that only describes an organisation: مركز، المجلس الاستشاري."""
    words = key.split(" ")
    if len(words) == 1:
        return words[0] in ORG_HEAD_WORDS or words[0][2:] in ORG_HEAD_WORDS
    return (
        len(words) == 2
        and words[0].startswith("ال")
        and words[0][2:] in ORG_HEAD_WORDS
        and words[1].startswith("ال")
    )


def strip_descriptors(display: str, type_: str = "") -> str:
    """Drop describing words off the end of a name while a name remains; for a person, also
    words that cannot end a name (بن، آل) and prepositional phrases (عبدالعزيز للعلوم)."""
    parts = display.split(" ")
    while len(parts) > 1:
        last = name_key(parts[-1])
        person_tail = type_ == "PER" and (last in PER_INCOMPLETE_ENDS or last.startswith("لل"))
        title_tail = type_ != "PER" and last in PER_TITLES  # نادي الشباب الأمير
        if last not in TRAILING_DESCRIPTORS and not person_tail and not title_tail:
            break
        parts = parts[:-1]
    return " ".join(parts)


def clean_surface(text: str) -> str:
    """Fold a tagged span for display: no diacritics or tatweel, no edge punctuation, one space."""
    text = _SPACES_RE.sub(" ", _QUOTES_RE.sub(" ", fold(text))).strip()
    return _EDGE_RE.sub("", text)


# Names recur across an archive: linking asks for the same keys over and over.
@functools.lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """Matching key of a name: normalised letters, no punctuation, joined compound names."""
    if PLAIN_WORD_RE.fullmatch(text):  # one word of plain letters: nothing to drop or join
        text = normalize(text)
        return text if is_arabic(text) else text.casefold()
    return full_name_key(text)


def full_name_key(text: str) -> str:
    """name_key, every step taken."""
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
