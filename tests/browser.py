"""A rendered site in headless Chromium: served on 127.0.0.1, every other request blocked.

Shared by the browser tests (tests/test_quarto_real.py, tests/test_quarto_hostile.py and the
axe check in tests/test_conformance_accessibility.py).
"""

from __future__ import annotations

import functools
import http.server
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_tool
from tests.local_server import local_http_server

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHARTS_SETTLED = """() => [...document.querySelectorAll('[data-vega-spec]')]
  .every(e => ['true', 'failed'].includes(e.getAttribute('data-vega-drawn')))"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no request log on stderr
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a free port); yields the base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with local_http_server(handler) as port:
        yield f"http://127.0.0.1:{port}/"


def on_pages(
    site: Path,
    pages: Sequence[str],
    look: Callable[[Any], Any],
    *,
    viewport: dict[str, int] | None = None,
    blocked: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """For each page of ``site``: open it (charts settled), return ``look(page)``. Requests off
    the local server are refused (and listed per page in ``blocked`` when given)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    chromium = require_tool("chromium")
    out: dict[str, Any] = {}
    with served(site) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**({"viewport": viewport} if viewport else {}))
            refused: list[str] = []

            def only_local(route) -> None:
                if route.request.url.startswith(base):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            context.route("**/*", only_local)
            for rel in pages:
                refused.clear()
                page = context.new_page()
                page.goto(base + rel, wait_until="load")
                page.wait_for_function(CHARTS_SETTLED, timeout=60_000)
                out[rel] = look(page)
                if blocked is not None:
                    blocked[rel] = list(refused)
                page.close()
        finally:
            browser.close()
    return out
