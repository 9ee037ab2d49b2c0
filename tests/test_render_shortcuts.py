"""The site's rendering shortcuts change nothing but time: the gated inline patterns
(hpkb.inline_gates), the navigation and the script settings made once per folder
(hpkb.mkdocs_run.NavOnce, MadeOnce)
give byte for byte what plain Python-Markdown and Material give."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hpkb import mkdocs_run
from tests.site_helpers import build_profiles, copy_example

EXTENSIONS = ["tables", "admonition", "md_in_html", "toc", "fenced_code", "hpkb.raw_blocks"]


def _html(text: str, gated: bool) -> str:
    converter = markdown.Markdown(extensions=[*EXTENSIONS, *(["hpkb.inline_gates"]
                                                              if gated else [])],
                                  extension_configs={"toc": {"permalink": True}})
    return converter.convert(text)


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("shortcuts") / "repo")
    build_profiles(root, "shared", "internal")
    return root / "build"


def test_gated_inline_patterns_render_every_generated_page_alike(example_build: Path
                                                                 ) -> None:
    pages = sorted(example_build.glob("*/docs/**/*.md"))
    assert len(pages) > 50
    for page in pages:
        text = page.read_text("utf-8")
        assert _html(text, gated=True) == _html(text, gated=False), page


_INLINE = [*"ab `*_[]()<>&!\\\n#|-.:/\"'", "  \n", "**", "__", "![", "](", "<b>", "</b>",
           "&amp;", "&#42;", "<http://x.y>", "<a@b.c>", "[x]: /y\n", "[x]", "\\|", "| a | b |\n"
           "|---|---|\n", "\n\n", "<!-- c -->", "<div markdown=\"1\">\n", "</div>\n", "`x`",
           "\\`"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_INLINE), max_size=50).map("".join))
@example("A [link](../x.md) with \\*escaped\\* text, `code`, *em*, &amp; <strong>HTML</strong>"
         "  \nand a break.")
def test_gated_inline_patterns_render_any_text_alike(text: str) -> None:
    assert _html(text, gated=True) == _html(text, gated=False)


def test_parts_made_once_per_folder_are_what_material_makes(
        example_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def render(folder: Path) -> dict[str, bytes]:
        work = tmp_path / folder.name
        for part in ("docs", "overrides"):
            shutil.copytree(example_build / "shared" / part, work / part)
        shutil.copy(example_build / "shared" / "mkdocs.yml", work / "mkdocs.yml")
        assert mkdocs_run.run_mkdocs(work / "mkdocs.yml", workers=1) == []
        site = work / "site"
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}

    asked, made = [], []
    original = mkdocs_run.NavOnce.__call__

    def counted(self: mkdocs_run.NavOnce, page: Any, caller: Callable[[], Any]) -> Any:
        asked.append(page)
        return original(self, page, lambda: made.append(page) or caller())

    parts: list[tuple[str, str]] = []
    made_once = mkdocs_run.MadeOnce.__call__

    def counted_parts(self: mkdocs_run.MadeOnce, part: str, base_url: str,
                      caller: Callable[[], Any]) -> Any:
        parts.append((part, base_url))
        return made_once(self, part, base_url, caller)

    monkeypatch.setattr(mkdocs_run.NavOnce, "__call__", counted)
    monkeypatch.setattr(mkdocs_run.MadeOnce, "__call__", counted_parts)
    once = render(tmp_path / "once")
    # Every page asks (the theme's 404 page without one); few navigations are made.
    assert len(asked) == len(once) and len(made) < len(asked) / 2, len(made)
    # Material's script settings and tags: asked by every page, made once per way up.
    assert len(parts) == 2 * len(once) and len(set(parts)) <= 6, set(parts)
    monkeypatch.setattr(mkdocs_run.NavOnce, "__call__",
                        lambda self, page, caller: caller())
    monkeypatch.setattr(mkdocs_run.MadeOnce, "__call__",
                        lambda self, part, base_url, caller: caller())
    every_time = render(tmp_path / "every")
    assert sorted(once) == sorted(every_time)
    assert [page for page in once if once[page] != every_time[page]] == []


def test_html_between_markers_goes_into_the_page_as_it_is() -> None:
    kept = '<div class="x" data-y="1">\n<ul>\n<li><a href="a.html">A *b* [c](d.md)</a></li>\n</ul>\n</div>'
    page = _html(f"# T\n\nBefore.\n\n<!-- hpkb:html -->\n{kept}\n<!-- /hpkb:html -->\n\nAfter *x*.",
                 gated=True)
    assert page.split("\n", 1)[1] == f"<p>Before.</p>\n{kept}\n<p>After <em>x</em>.</p>"


def test_markers_in_code_or_without_an_end_are_not_acted_on() -> None:
    fenced = _html("```\n<!-- hpkb:html -->\n<b>x</b>\n<!-- /hpkb:html -->\n```", gated=True)
    assert "&lt;!-- hpkb:html --&gt;" in fenced and "&lt;b&gt;x&lt;/b&gt;" in fenced
    unclosed = _html("<!-- hpkb:html -->\n\n*y*", gated=True)
    assert "<!-- hpkb:html -->" in unclosed and "<em>y</em>" in unclosed
