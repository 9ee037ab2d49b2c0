"""hpkb's Markdown extension (hpkb.outputs.site.raw_blocks): HTML the site's templates write between
markers goes into the page as it is; markers in code or without an end are text."""

from __future__ import annotations

import markdown

EXTENSIONS = ["tables", "admonition", "md_in_html", "toc", "fenced_code", "hpkb.outputs.site.raw_blocks"]


def _html(text: str) -> str:
    converter = markdown.Markdown(extensions=EXTENSIONS,
                                  extension_configs={"toc": {"permalink": True}})
    return converter.convert(text)


def test_html_between_markers_goes_into_the_page_as_it_is() -> None:
    kept = '<div class="x" data-y="1">\n<ul>\n<li><a href="a.html">A *b* [c](d.md)</a></li>\n</ul>\n</div>'
    page = _html(f"# T\n\nBefore.\n\n<!-- hpkb:html -->\n{kept}\n<!-- /hpkb:html -->\n\nAfter *x*.")
    assert page.split("\n", 1)[1] == f"<p>Before.</p>\n{kept}\n<p>After <em>x</em>.</p>"


def test_markers_in_code_or_without_an_end_are_not_acted_on() -> None:
    fenced = _html("```\n<!-- hpkb:html -->\n<b>x</b>\n<!-- /hpkb:html -->\n```")
    assert "&lt;!-- hpkb:html --&gt;" in fenced and "&lt;b&gt;x&lt;/b&gt;" in fenced
    unclosed = _html("<!-- hpkb:html -->\n\n*y*")
    assert "<!-- hpkb:html -->" in unclosed and "<em>y</em>" in unclosed
