"""Markdown that would stall or crash the site's build is refused by validation (HP407),
at its own line and fast; whatever validation lets through renders within a fixed time
with the site's own Markdown configuration; and `::: internal` fences inside quotes and
lists are refused (HP209)."""

from __future__ import annotations

import functools
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpkb.check.render_cost import MAX_INLINE_NESTING, MAX_NESTING
from hpkb.content.body import REFERENCE, body_findings, split_internal
from hpkb.outputs.site.markdown_text import page_link
from tests.conftest import AS_OF, run_cli

LEARNING = "content/learning/LN-2024-001.md"
# What validation and rendering may take for one entry's body: validation a small share
# of a second; rendering a few seconds (the bound is about a second here, with room for a
# slower or busier machine).
VALIDATE_SECONDS = 1.0
RENDER_SECONDS = 5.0


@functools.cache
def _site_markdown_config() -> tuple[list[Any], dict[str, Any]]:
    """The Markdown extensions and their settings the site is built with: hpkb's MkDocs
    configuration for the starter repository, completed by MkDocs' own validation (which
    adds its built-in extensions)."""
    import tempfile

    from mkdocs.config.defaults import MkDocsConfig

    from hpkb.authoring.scaffold import init_repo
    from hpkb.check.validate import validate_repo
    from hpkb.content.settings import load_settings
    from hpkb.outputs.site.build import mkdocs_config
    from hpkb.pipeline import profile_view

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        init_repo(root)
        hpkb_settings, _ = load_settings(root)
        config = mkdocs_config(hpkb_settings, profile_view(validate_repo(root), "internal"), [])
        mkdocs = MkDocsConfig()
        mkdocs.load_dict({"site_name": "x", "docs_dir": folder,
                          "markdown_extensions": config["markdown_extensions"]})
        errors, _ = mkdocs.validate()
        assert not errors, errors
        return list(mkdocs["markdown_extensions"]), dict(mkdocs["mdx_configs"])


def site_markdown(text: str) -> str:
    """``text`` rendered as the site renders an entry's body."""
    import markdown

    extensions, configs = _site_markdown_config()
    html: str = markdown.Markdown(extensions=extensions, extension_configs=configs).convert(text)
    return html


def published(body: str, keep_internal: bool) -> str:
    """A body as an entry page holds it: internal passages kept or cut, and each `[[ID]]`
    the longest link the site may write (a title of 120 characters, each escaped)."""
    def link(found: re.Match[str]) -> str:
        return page_link("learning/LN-2024-001.md", "practice/PR-2024-001.md",
                         found.group(2) or "*" * 120)

    return REFERENCE.sub(link, split_internal(body, keep_internal))


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Fail (never hang) when the block runs longer than ``seconds``."""
    def stop(signum: int, frame: Any) -> None:
        raise TimeoutError(f"{what} took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed(function: Callable[[], Any], seconds: float, what: str) -> tuple[Any, float]:
    started = time.perf_counter()
    with time_limit(seconds, what):
        result = function()
    return result, time.perf_counter() - started


def in_lines(unit: str, count: int, per_line: int = 10) -> str:
    """``count`` copies of ``unit``, ``per_line`` to a line (short lines, one paragraph)."""
    units = [unit] * count
    return "\n".join(" ".join(units[at:at + per_line]) for at in range(0, count, per_line))


# The issue's patterns: openers that never close, each read to the paragraph's end by
# Python-Markdown (its time grows with the square of the size).
OPENERS = ["[a", "[ a_", "[ (](", "![[]()", "[a](<b", "[a](b"]


@pytest.mark.parametrize("unit", OPENERS)
def test_the_issue_patterns_are_refused_fast_at_their_line(unit: str) -> None:
    body = "Some text first.\n\n" + in_lines(unit, 24_000 // (len(unit) + 1))
    findings, _seconds = timed(lambda: body_findings("x.md", body, 10), VALIDATE_SECONDS,
                              "validation")
    costly = [f for f in findings if f.code == "HP407"]
    assert costly, findings
    assert costly[0].line == 12  # the paragraph's first line (the body starts at line 10)
    assert "too costly to render" in costly[0].message and costly[0].hint


def test_deep_lists_and_emphasis_are_refused_at_their_line() -> None:
    lists = "".join("    " * depth + "- item\n" for depth in range(500))
    [finding] = [f for f in body_findings("x.md", lists, 1) if f.code == "HP407"]
    assert finding.line == MAX_NESTING + 1  # the first item nested past the limit
    assert "nested 13 deep" in finding.message
    emphasis = "Text\n\n" + "*a " * 400 + "x" + " a*" * 400
    [finding] = [f for f in body_findings("x.md", emphasis, 1) if f.code == "HP407"]
    assert finding.line == 3 and f"limit is {MAX_INLINE_NESTING}" in finding.message
    quotes = "> " * 40 + "deep"
    assert [f.code for f in body_findings("x.md", quotes, 1)] == ["HP407"]


def test_ordinary_nesting_and_long_ordinary_paragraphs_pass() -> None:
    lists = "".join("    " * depth + "- item with *emphasis* and a [link](https://x.org)\n"
                    for depth in range(6))
    quotes = "> > > quoted\n> > - a list in a quote\n"
    references = "\n".join(f"- [Source {n}](https://example.org/{n}) and **note** {n}"
                           for n in range(400))
    for body in (lists, quotes, references):
        assert body_findings("x.md", body, 1) == []


# --- whatever passes renders in time --------------------------------------------------------

# Pieces of Markdown that make Python-Markdown read far, split and re-test blocks, or
# nest: what the property below strings together, at several sizes.
HOSTILE = [*OPENERS, "[[RD-2024-001]]", "[[RD-2024-001|a * b]]", "![a", "[a][", '[a](b "c)', "[", "]", "(", ")", "![", "`", "``", "```",
           "\\`", "\\[", "<a", '<a b="', "</a", "<b>", "*", "**", "_", "__", "*a", "a*", "_a",
           "&amp;", "&", "!", "|", "\"", "'", "<https://x.org>"]
LINE_STARTS = ["", "", "", "# ", "- ", "1. ", "> ", "    ", "***\n", "===\n", "[r]: /x\n",
               "!!! note\n", "| a | b |\n|---|---|\n| ", "```\n", "\n"]


@st.composite
def hostile_bodies(draw: st.DrawFn) -> str:
    units = draw(st.lists(st.sampled_from([*HOSTILE, "word", "two words"]), min_size=1,
                          max_size=6))
    starts = draw(st.lists(st.sampled_from(LINE_STARTS), min_size=1, max_size=3))
    count = draw(st.sampled_from([3, 30, 300, 1500, 4000]))
    per_line = draw(st.sampled_from([1, 4, 12]))
    separator = draw(st.sampled_from([" ", ""]))
    pieces = [units[at % len(units)] for at in range(count)]
    lines = [separator.join(pieces[at:at + per_line]) for at in range(0, count, per_line)]
    return "\n".join(starts[at % len(starts)] + line for at, line in enumerate(lines))


@settings(max_examples=70, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=hostile_bodies())
def test_what_the_bound_lets_through_renders_in_time(body: str) -> None:
    findings, _ = timed(lambda: body_findings("x.md", body, 1), VALIDATE_SECONDS, "validation")
    if any(f.code == "HP407" for f in findings):
        return
    # Every published form: with the internal passages, and without.
    for keep in (True, False):
        timed(functools.partial(site_markdown, published(body, keep)), RENDER_SECONDS,
              f"rendering a body of {len(body):,} characters")


@pytest.mark.parametrize("unit", [*OPENERS, "![a", "<a", '<a b="', "*a*", "# h\n",
                                  "[a [[RD-2024-001]]"])
def test_each_pattern_at_the_largest_size_that_passes_renders_in_time(unit: str) -> None:
    """The same, at the edge: the largest number of copies validation lets through."""
    def body(count: int) -> str:
        return in_lines(unit, count)

    def passes(count: int) -> bool:
        return not any(f.code == "HP407" for f in body_findings("x.md", body(count), 1))

    low, high = 1, 2
    while passes(high):
        low, high = high, high * 2
        assert high < 200_000, "never refused"
    while high - low > max(1, low // 20):
        middle = (low + high) // 2
        low, high = (middle, high) if passes(middle) else (low, middle)
    timed(functools.partial(site_markdown, published(body(low), True)), RENDER_SECONDS,
          f"{low:,} copies of {unit!r}")


# --- the real build ---------------------------------------------------------------------


def _with_body(root: Path, extra: str) -> int:
    """Add ``extra`` after the starter learning entry's body; the line it starts at."""
    path = root / LEARNING
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + extra + "\n", encoding="utf-8")
    return text.count("\n") + 2


def test_a_hostile_entry_fails_validation_and_the_build_fast(starter: Path) -> None:
    line = _with_body(starter, in_lines("![[]()", 4000))
    for command in (("validate", "--format", "json"),
                    ("build", "--profile", "internal", "--skip", "packs")):
        result, seconds = timed(functools.partial(run_cli, starter, *command, "--as-of", AS_OF),
                                30, command[0])
        assert result.exception is None, result.exception
        assert result.exit_code == 1
        assert seconds < 10, seconds
    findings = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF).json()
    assert {(f["code"], f["file"]) for f in findings} == {("HP407", LEARNING)}
    assert findings[0]["line"] == line and "too costly to render" in findings[0]["message"]


def test_an_entry_just_under_the_bounds_builds_in_a_few_seconds(starter: Path) -> None:
    """Nesting at both limits at once, and a paragraph of links that never close, as many
    as the cost bound lets through: the build (MkDocs, as hpkb runs it) neither stalls
    nor runs out of stack."""
    deepest = "    " * (MAX_NESTING - 1) + "- " + "*a " * MAX_INLINE_NESTING + "x" + \
        " a*" * MAX_INLINE_NESTING
    lists = "".join("    " * depth + "- level\n" for depth in range(MAX_NESTING - 1)) + deepest
    path = starter / LEARNING
    original = path.read_text(encoding="utf-8")

    def passes(count: int) -> bool:
        path.write_text(original, encoding="utf-8")
        _with_body(starter, lists + "\n\n" + in_lines("[a](b", count))
        return not [f for f in body_findings(LEARNING, path.read_text("utf-8"), 1)
                    if f.code == "HP407"]

    low, high = 16, 32
    while passes(high):
        low, high = high, high * 2
    while high - low > max(1, low // 50):
        middle = (low + high) // 2
        low, high = (middle, high) if passes(middle) else (low, middle)
    assert passes(low)
    result, seconds = timed(lambda: run_cli(starter, "build", "--profile", "internal",
                                            "--skip", "packs", "--as-of", AS_OF),
                            120, "the build")
    assert result.exception is None, result.exception
    assert result.exit_code == 0, result.stdout + result.stderr
    assert seconds < 30, seconds


# --- internal passages only at the top level ------------------------------------------------


@pytest.mark.parametrize("prefix", ["> ", ">", "- ", "* ", "1. ", "  > ", "> - "])
def test_a_fence_inside_a_quote_or_list_is_refused_at_its_line(prefix: str) -> None:
    body = f"Text.\n\n{prefix}::: internal\n{prefix}The secret.\n{prefix}:::\n"
    findings = body_findings("x.md", body, 20)
    assert [(f.code, f.line) for f in findings] == [("HP209", 22), ("HP209", 24)]
    assert findings[0].column == len(prefix) + 1
    assert "block quote or list item" in findings[0].message and findings[0].hint


def test_a_fence_inside_a_container_fails_validate(starter: Path) -> None:
    line = _with_body(starter, "> ::: internal\n> The son's account.\n> :::")
    result = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert [(f["code"], f["line"]) for f in result.json()] == [("HP209", line),
                                                               ("HP209", line + 2)]


def test_fences_at_the_top_level_and_in_code_are_unchanged() -> None:
    body = "::: internal\n> A quote inside a passage.\n- and a list\n:::\n\n```\n> ::: internal\n```\n"
    assert body_findings("x.md", body, 1) == []
