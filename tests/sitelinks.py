"""Every internal link of a rendered site, and those that lead nowhere.

Shared by the site test (tests/test_site_links.py) and the hostile corpus runner
(tests/hostile_round3.py); the standard library only.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that point at another file of the site.
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = LINK_ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value)


def internal_links(page: Path) -> list[str]:
    """The links of one HTML page that stay inside the site (no scheme, no host, not only a
    fragment of the page itself)."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    out = []
    for link in parser.links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # another site, mailto:, javascript:, data:, or "#section" of this page
        out.append(link)
    return out


def target_of(page: Path, link: str) -> Path:
    path = unquote(urlsplit(link).path)
    return (page.parent / path).resolve()


def broken_links(site: Path) -> list[str]:
    """``page -> link`` for every internal link of every HTML page of ``site`` whose target is
    neither a file nor a folder holding index.html, or lies outside the site."""
    site = site.resolve()
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in internal_links(page):
            target = target_of(page, link)
            inside = target == site or site in target.parents
            found = target.is_file() or (target.is_dir() and (target / "index.html").is_file())
            if not inside or not found:
                broken.append(f"{page.relative_to(site).as_posix()} -> {link}")
    return broken
