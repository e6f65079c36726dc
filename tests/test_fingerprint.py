"""Page fingerprints: equal inputs give equal digests in any process, changed inputs do not."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import pytest
from conftest import REPO

from newsarchive.fingerprint import Fingerprinter, template_variables

SCRIPT = """
from datetime import datetime
from newsarchive.fingerprint import Fingerprinter
class Entity:
    def __init__(self): self.name, self.kinds, self.when = "الكاظمي", {"PER", "LOC"}, datetime(2015, 7, 21)
value = {"names": frozenset({"بغداد", "العراق", "واشنطن"}), "entity": Entity(), "n": 3}
print(Fingerprinter("salt").page(frozenset({"value"}), {"value": value}))
"""


def test_a_fingerprint_is_the_same_in_every_process():
    runs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.add(done.stdout.strip())
    assert len(runs) == 1


class Article:
    def __init__(self, title, related=()):
        self.title, self.date, self.related = title, datetime(2015, 7, 21), list(related)
        self.settings = {"ignored": object()}  # shared by every object: not part of its digest


@pytest.mark.parametrize(
    ("changed", "same"),
    [
        ({"article": Article("أمطار رعدية على الرياض")}, False),
        ({"article": Article("أمطار غزيرة على الرياض", [Article("سيول في جدة")])}, False),
        ({"article": Article("أمطار غزيرة على الرياض"), "articles": ["كل", "الأخبار"]}, True),
        ({"article": Article("أمطار غزيرة على الرياض"), "SITENAME": "أرشيف آخر"}, True),
    ],
)
def test_a_page_changes_only_with_the_variables_its_template_names(changed, same):
    names = frozenset({"article"})
    base = {"article": Article("أمطار غزيرة على الرياض")}
    first = Fingerprinter("build").page(names, base)
    assert (Fingerprinter("build").page(names, changed) == first) is same


def months(rows: dict) -> dict:
    return {"months": rows, "article": Article("أمطار غزيرة على الرياض", [Article("سيول في جدة")])}


@pytest.mark.parametrize(
    ("changed", "same"),
    [
        # Keys JSON cannot take: the item-by-item digest.
        (months({(2015, 7): ["تموز"], (2015, 8): {"آب"}}), True),
        (months({(2015, 7): ["تموز"], (2015, 8): {"أغسطس"}}), False),
        (months({(2015, 7): ["تموز"], 2015: {"آب"}}), False),
    ],
)
def test_values_json_cannot_take_are_digested_by_their_items(changed, same):
    names = frozenset({"months", "article"})
    first = Fingerprinter("build").page(names, months({(2015, 7): ["تموز"], (2015, 8): {"آب"}}))
    assert (Fingerprinter("build").page(names, changed) == first) is same


def test_template_variables_follow_extends_and_imports():
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(REPO / "theme" / "templates")))
    names = template_variables(env, "article.html")
    assert {"article", "SITEURL", "SITENAME"} <= names
    # Naming every article here would make each article page depend on all the others.
    assert "articles" not in names and "dates" not in names


def test_articles_digested_ahead_give_the_same_fingerprints_and_see_later_changes():
    """The writer's fingerprinter digests articles while the build waits for the entity stage:
    their pages get the fingerprints they would get otherwise, and an attribute set or
    replaced after that (the entities, an edited text) still counts."""
    text = "وقال مدير الميناء إن الرياض وجدة تشهدان نمواً في حركة التجارة خلال العام الجاري. " * 3
    names = frozenset({"article"})

    def article():
        made = Article("أمطار غزيرة على الرياض", [Article("سيول في جدة")])
        made.text = text
        return made

    ahead, plain = article(), article()
    early = Fingerprinter("build")
    early.prepare([ahead])
    for late in (ahead, plain):
        late.entities = {"LOC": ["الرياض"]}
    assert early.page(names, {"article": ahead}) == Fingerprinter("build").page(
        names, {"article": plain}
    )
    edited, plain = article(), article()
    early = Fingerprinter("build")
    early.prepare([edited])
    edited.text = text.replace("الرياض", "الدمام")
    assert early.page(names, {"article": edited}) != Fingerprinter("build").page(
        names, {"article": plain}
    )
