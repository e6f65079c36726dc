"""Shared fixtures: a tiny real site built once per test session."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import settings

from newsarchive.build import build_site

# CI runs the same examples every time, so a submission's result does not depend on luck;
# local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Path to a file in ../shared, skipping the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"shared data not found: {path} (tests that use the real corpus need ../shared)"
        )
    return path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build the fixture site once with every plugin and return its output folder."""
    root = tmp_path_factory.mktemp("site")
    output = root / "output"
    build_site(FIXTURE_CONTENT, output, CACHE_PATH=str(root / "cache"))
    return output


@pytest.fixture(scope="session")
def theme_files(built_site) -> Path:
    """The built site's copy of the theme's static files: one folder, named by their digest."""
    (folder,) = (built_site / "theme").iterdir()
    return folder


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@contextlib.contextmanager
def serve_folder(folder: Path):
    """Serve a folder over HTTP on 127.0.0.1; yields its base URL ending in '/'."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_server(built_site):
    """Serve the built fixture site over HTTP on 127.0.0.1; yields its base URL ending in '/'."""
    with serve_folder(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium driven by Playwright, shared by every browser test."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
