"""Pelican plugin: the theme's static files go to a folder named by their digest
(THEME_STATIC_DIR/<digest>), so a new theme is at new URLs. A browser or CDN that cached a
script of an older build then never runs it beside a newer build's pages or search files: the
search client's modules import one another by relative URLs, which stay inside that folder.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from newsarchive.fingerprint import code_digest

DEFAULTS = {"THEME_ASSETS_VERSIONED": True}
DIGEST_CHARS = 12


def setting(settings: dict, name: str):
    """A setting of this plugin, or its default."""
    return settings.get(name, DEFAULTS[name])


def versioned_dir(static_dir: str, theme: Path | str, static_paths: list[str]) -> str:
    """static_dir with a subfolder named by the digest of the theme's static files."""
    digest = code_digest([Path(theme) / path for path in static_paths], suffixes=None)
    return f"{static_dir.rstrip('/')}/{digest[:DIGEST_CHARS]}"


def version_static_dir(pelican) -> None:
    """Point THEME_STATIC_DIR, where Pelican copies the theme's files and where the templates
    link to them, at the digest of those files."""
    settings = pelican.settings
    if setting(settings, "THEME_ASSETS_VERSIONED"):
        settings["THEME_STATIC_DIR"] = versioned_dir(
            settings["THEME_STATIC_DIR"], settings["THEME"], settings["THEME_STATIC_PATHS"]
        )


def register() -> None:
    """Wire the versioned theme folder into Pelican."""
    signals.initialized.connect(version_static_dir)
