"""Every plugin setting has a default and is documented in the README."""

from __future__ import annotations

import importlib
import re
import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "plugins"))

DEFAULT_TABLES = [
    "theme_assets",
    "raw_reader",
    "listings",
    "build_report",
    "incremental",
    "newsarchive.entities.settings",
    "newsarchive.search",
    "newsarchive.build",
]


def all_settings() -> list[str]:
    names = []
    for module in DEFAULT_TABLES:
        names.extend(importlib.import_module(module).DEFAULTS)
    return names


@pytest.mark.parametrize("name", all_settings())
def test_setting_is_documented_in_the_readme(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`{name}`", readme), f"{name} is not documented in README.md"
