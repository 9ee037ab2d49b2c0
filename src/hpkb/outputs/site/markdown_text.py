"""Safe Markdown text for generated pages.

Every value from front matter is escaped before it reaches a generated Markdown page, so
a title such as `<script>` or `[x](javascript:…)` renders as text, never as markup. Text
hpkb itself built (links, validated bodies) is marked `Md` and passed through.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from typing import Any

__all__ = ["Md", "escape_md", "html_link", "page_link", "relative_url", "yaml_string"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~^])")
_WHITESPACE = re.compile(r"\s+")


class Md(str):
    """Markdown that hpkb built or validated: emitted as it is."""

    __slots__ = ()


def escape_md(value: Any) -> str:
    """Any value as inline Markdown text: HTML-escaped, Markdown syntax backslashed,
    whitespace collapsed to single spaces (so it cannot start a block)."""
    if isinstance(value, Md):
        return str(value)
    if value is None:
        return ""
    return _escaped(str(value))


@functools.lru_cache(maxsize=8192)
def _escaped(text: str) -> str:
    # Four in five values a site's pages show are shown elsewhere too (organisations,
    # labels, markings, theme titles): each distinct one is escaped once.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _WHITESPACE.sub(" ", text).strip()


def relative_url(from_page: str, to_page: str) -> str:
    """A relative link from one generated page (docs-relative path) to another."""
    base = posixpath.normpath(posixpath.dirname(from_page) or ".")
    to_page = posixpath.normpath(to_page)
    folder, name = posixpath.split(to_page)
    if name in (".", "..") or f"{base}/".startswith(f"{to_page}/"):
        return _relative_folder(to_page, base)  # a folder (or above): relpath's own way
    between = _relative_folder(folder, base)
    return name if between == "." else f"{between}/{name}"


@functools.lru_cache(maxsize=1024)
def _relative_folder(folder: str, base: str) -> str:
    # Pages sit in a handful of folders: the relative path between two folders is worked
    # out once (posixpath.relpath is costly, and asked for every link of every page).
    return posixpath.relpath(folder or ".", base or ".")


def page_link(from_page: str, to_page: str, text: Any) -> Md:
    return Md(f"[{escape_md(text)}]({relative_url(from_page, to_page)})")


def html_link(from_page: str, to_page: str, text: Any) -> Md:
    """A link as HTML, for HTML a template writes whole (hpkb.outputs.site.raw_blocks:
    MkDocs does not read it): to the page MkDocs makes of ``to_page`` (the generated
    site's addresses end in .html, use_directory_urls being off), its text HTML-escaped."""
    url = relative_url(from_page, to_page)
    if url.endswith(".md"):
        url = url[:-3] + ".html"
    shown = html.escape(_WHITESPACE.sub(" ", str(text)).strip(), quote=False)
    return Md(f'<a href="{html.escape(url, quote=True)}">{shown}</a>')


def yaml_string(value: Any) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)
