"""YAML comments need a space before `#`, as in YAML 1.2. A `#` glued to a closing quote,
a bracket or a block indicator (`"Joint visits"# note`) is refused at the `#` itself,
never read as a comment that silently drops the author's text; a `#` inside a value and a
comment after a space still load as they always did."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import hpkb.content.strict_yaml
from hpkb.check.findings import Diagnostic
from hpkb.check.validate import validate_repo
from hpkb.content.strict_yaml import ParsedYaml, parse_yaml
from tests.conftest import AS_OF, run_cli

LEARNING = "content/learning/LN-2024-001.md"
DEBRIEF = "debriefs/RD-2024-001.md"
THEMES = "content/taxonomy/themes.yml"
SETTINGS_FILE = "mkdocs.yml"
TITLE = 'title: "Example learning: ask about controlling behaviour at every domestic call"'
SUMMARY_HEAD = "summary: >-"

Edit = Callable[[str], str]


def _swap(old: str, new: str) -> Edit:
    def apply(text: str) -> str:
        assert old in text, f"case setup: {old!r} not in the file"
        return text.replace(old, new, 1)
    return apply


@dataclass(frozen=True)
class Refused:
    name: str
    edit: Edit
    line: int
    column: int
    file: str = LEARNING
    words: str = "closing quote"  # what the message says the `#` follows


REFUSED = [
    Refused("double-quoted", _swap(TITLE, 'title: "Joint visits"# reviewer note'), 3, 22),
    Refused("single-quoted", _swap(TITLE, "title: 'Joint visits'# reviewer note"), 3, 22),
    Refused("single-quoted-with-doubled-quote", _swap(TITLE, "title: 'Officers'' visits'#x"),
            3, 27),
    Refused("empty-note", _swap(TITLE, 'title: "Joint visits"#'), 3, 22),
    Refused("hash-inside-and-after", _swap(TITLE, 'title: "Op #3"#4'), 3, 15),
    Refused("multi-line-quoted", _swap(TITLE, 'title: "Joint\n  visits"# note'), 4, 10),
    Refused("welsh-text-before", _swap(TITLE, 'title: "Gwersi ŵyr 😀"# nodyn'), 3, 22),
    Refused("flow-after-closing-bracket", _swap("tags: [risk-assessment]",
                                                'tags: ["risk-assessment"]# x'), 9, 26,
            words="follows `]`"),
    Refused("flow-plain-after-closing-bracket", _swap("tags: [risk-assessment]",
                                                      "tags: [risk-assessment]#x"), 9, 24,
            words="follows `]`"),
    Refused("flow-quoted-item", _swap("applies_to: [Response officers, Control room]",
                                      'applies_to: [Response officers, "Control room"#c]'),
            19, 47),
    Refused("flow-after-comma", _swap("themes: [coercive-control]",
                                      "themes: [coercive-control,#x]"), 8, 27,
            words="follows `,`"),
    Refused("flow-after-opening-bracket", _swap("themes: [coercive-control]",
                                                "themes: [#x coercive-control]"), 8, 10,
            words="follows `[`"),
    Refused("flow-mapping-after-brace", _swap("  - {role: victim, name: Imelda Castrow, "
                                              "age_band: 45-54, sex: female}",
                                              "  - {role: victim, name: Imelda Castrow, "
                                              "age_band: 45-54, sex: female}#x"),
            28, 71, DEBRIEF, words="follows `}`"),
    Refused("flow-json-value", _swap("owner: Public Protection Unit", 'owner: {"a":#x}'),
            17, 13, words="follows `:`"),
    Refused("block-literal-header", _swap(SUMMARY_HEAD, "summary: |# note"), 4, 11,
            words="block indicator `|`"),
    Refused("block-folded-chomping-header", _swap(SUMMARY_HEAD, "summary: >-# note"), 4, 12,
            words="block indicator `>`"),
    Refused("block-indent-header", _swap(SUMMARY_HEAD, "summary: >2#note"), 4, 12,
            words="block indicator `>`"),
    Refused("nested-mapping", _swap("  reference: Op Example", '  reference: "Op Example"#3'),
            19, 26, DEBRIEF),
    Refused("sequence-item", _swap("themes: [coercive-control]",
                                   'themes:\n  - "coercive-control"# main one'), 9, 23),
    Refused("after-a-proper-comment-line", _swap("owner: Public Protection Unit",
                                                 '# ok "here"#too\nowner: "PPU"#x'), 18, 13),
    Refused("crlf-line-endings", lambda text: text.replace("\n", "\r\n").replace(
        TITLE, 'title: "Joint visits"# note'), 3, 22),
    Refused("byte-order-mark", lambda text: "\ufeff" + text.replace(
        TITLE, 'title: "Joint visits"# note'), 3, 22),
    Refused("taxonomy", _swap("  title: Coercive control", '  title: "Coercive control"#x'),
            7, 28, THEMES),
    Refused("settings", _swap("    default_profile: shared",
                              '    default_profile: "shared"# was internal'), 13, 30,
            SETTINGS_FILE),
]


@pytest.mark.parametrize("case", REFUSED, ids=[case.name for case in REFUSED])
def test_glued_comment_is_refused_at_the_hash(starter: Path, case: Refused) -> None:
    path = starter / case.file
    path.write_bytes(case.edit(path.read_text(encoding="utf-8")).encode("utf-8"))
    result = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
    assert result.exception is None, f"traceback: {result.exception!r}"
    assert result.exit_code == 1, result.stdout
    hits = [f for f in result.json() if f["file"] == case.file]
    assert [(f["code"], f["line"], f["column"]) for f in hits] == [
        ("HP006", case.line, case.column)], hits
    [finding] = hits
    assert case.words in finding["message"]
    assert finding["hint"].startswith("put a space before # to make it a comment")


def test_the_finding_quotes_the_note_and_says_how_to_fix_it(starter: Path) -> None:
    path = starter / LEARNING
    path.write_text(path.read_text(encoding="utf-8").replace(
        TITLE, 'title: "Joint visits"# reviewer note'), encoding="utf-8")
    result = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
    # (The debrief that refers to this entry is told it is missing: HP302, not checked here.)
    assert [f for f in result.json() if f["file"] == LEARNING] == [{
        "file": LEARNING, "line": 3, "column": 22, "code": "HP006", "severity": "error",
        "message": "YAML syntax error: '# reviewer note' follows the closing quote with no "
                   "space, so it is neither part of the text nor a comment",
        "hint": "put a space before # to make it a comment, or move the text inside the "
                "quotes"}]


def test_a_long_note_is_shortened_in_the_message() -> None:
    outcome = parse_yaml('title: "x"#' + "n" * 200 + "\n", "x.md")
    assert isinstance(outcome, Diagnostic)
    assert f"'#{'n' * 38}\u2026'" in outcome.message


@dataclass(frozen=True)
class Accepted:
    name: str
    edit: Edit
    field: str
    value: Any


SUMMARY_TEXT = ("Controlling behaviour was visible in earlier contacts but was not recorded. "
                "Response officers should ask the controlling behaviour questions even when "
                "the call is described as a verbal argument.")

ACCEPTED = [
    Accepted("hash-inside-double-quotes", _swap(TITLE, 'title: "Op #3 joint visits"'),
             "title", "Op #3 joint visits"),
    Accepted("hash-inside-single-quotes", _swap(TITLE, "title: 'Op #3'"), "title", "Op #3"),
    Accepted("hash-only-value", _swap(TITLE, 'title: "#"'), "title", "#"),
    Accepted("comment-after-space", _swap(TITLE, 'title: "Joint visits" # reviewer note'),
             "title", "Joint visits"),
    Accepted("comment-after-tab", _swap(TITLE, 'title: "Joint visits"\t# reviewer note'),
             "title", "Joint visits"),
    Accepted("comment-after-spaces", _swap(TITLE, "title: 'Op #3'   #"), "title", "Op #3"),
    Accepted("glued-look-inside-comment", _swap(TITLE, 'title: "Joint visits" # "a"#b [c]#d'),
             "title", "Joint visits"),
    Accepted("plain-text-keeps-glued-hash", _swap(TITLE, "title: Joint visits# not a comment"),
             "title", "Joint visits# not a comment"),
    Accepted("plain-text-comment-after-space", _swap(TITLE, "title: Joint visits # note"),
             "title", "Joint visits"),
    Accepted("comment-line-after-quoted", _swap(TITLE, 'title: "Joint visits"\n# "note"#x'),
             "title", "Joint visits"),
    Accepted("comment-line-indented", _swap(TITLE, 'title: "Joint visits"\n   #note'),
             "title", "Joint visits"),
    Accepted("flow-comment-after-space", _swap("tags: [risk-assessment]",
                                               'tags: ["risk-assessment"] # x'),
             "tags", ["risk-assessment"]),
    Accepted("flow-comment-inside", _swap("applies_to: [Response officers, Control room]",
                                          'applies_to: [Response officers, "Control room" # c\n'
                                          "  ]"), "applies_to", ["Response officers",
                                                                 "Control room"]),
    Accepted("flow-hash-in-items", _swap("applies_to: [Response officers, Control room]",
                                         'applies_to: ["#3 team", Control#room, \'C#\']'),
             "applies_to", ["#3 team", "Control#room", "C#"]),
    Accepted("flow-mapping-plain-key-with-hash", _swap("owner: Public Protection Unit",
                                                       "owner: Unit{a:#x}"),
             "owner", "Unit{a:#x}"),
    Accepted("block-header-comment-after-space", _swap(SUMMARY_HEAD, "summary: >- # note"),
             "summary", SUMMARY_TEXT),
    Accepted("block-content-keeps-glued-hash", _swap(
        "as a verbal argument.\n", 'as a verbal argument "quoted"# not a comment.\n'),
        "summary", SUMMARY_TEXT.replace("argument.", 'argument "quoted"# not a comment.')),
    Accepted("block-literal-hash-line", _swap(SUMMARY_HEAD, "summary: |\n  #1 first"),
             "summary", "#1 first\n" + SUMMARY_TEXT),
]


def _words(value: Any) -> Any:
    """Text with its line breaks and runs of spaces made single spaces: a literal block
    keeps the starter summary's line breaks, which these cases do not care about."""
    return " ".join(value.split()) if isinstance(value, str) else value


@pytest.mark.parametrize("case", ACCEPTED, ids=[case.name for case in ACCEPTED])
def test_hash_in_values_and_spaced_comments_load(starter: Path, case: Accepted) -> None:
    path = starter / LEARNING
    path.write_text(case.edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = validate_repo(starter, today=date.fromisoformat(AS_OF))
    assert [(f.code, f.line, f.message) for f in result.diagnostics] == []
    got = getattr(result.corpus.by_id["LN-2024-001"].meta, case.field)
    assert _words(got) == _words(case.value)


# Constructs beyond what a schema field accepts, straight through the loader.
DIRECT = [
    ('a: "x"#y\n', (1, 7)),
    ("a: 'x'#y\n", (1, 7)),
    ('"k"#x: v\n', (1, 4)),
    ("- 'a'#x\n", (1, 6)),
    ("a: [b, [c]#x]\n", (1, 11)),
    ("a: {b: [c]}#x\n", (1, 12)),
    ("a: {? b#c}#x\n", (1, 11)),
    ('a: ["b"\n  ,#x\n  ]\n', (2, 4)),
    ("a: |+#x\n  t\n", (1, 6)),
    ("a: |-2#x\n    t\n", (1, 7)),
    ("a: 1\nb: >#x\n  t\n", (2, 5)),
    ("a: x\nb: [\"y\"#z\n", (2, 8)),  # the unclosed bracket is hidden behind the note
    ('a: "y"#z\nb: *c\n', (1, 7)),
]


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Both of PyYAML's scanners: libyaml's when installed, and its Python fallback."""
    if request.param == "pure-python":
        monkeypatch.setattr(hpkb.content.strict_yaml, "_Loader", yaml.SafeLoader)
        monkeypatch.setattr(hpkb.content.strict_yaml, "_LIBYAML", False)
    elif not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("libyaml is not installed")
    yield request.param


@pytest.mark.parametrize("text,where", DIRECT, ids=[text for text, _ in DIRECT])
def test_glued_comment_in_any_construct_is_refused(loader: str, text: str,
                                                   where: tuple[int, int]) -> None:
    outcome = parse_yaml(text, "x.yml", line_offset=5)
    assert isinstance(outcome, Diagnostic), outcome
    assert (outcome.code, outcome.line - 5, outcome.column) == ("HP006", *where), outcome
    if loader == "libyaml" or ("|" not in text and ">" not in text):
        # PyYAML's own scanner refuses a glued block header itself, in its own words.
        assert outcome.hint.startswith("put a space before #")


@pytest.mark.parametrize("text,value", [
    ('a: "Op #3" # c\n', {"a": "Op #3"}),
    ("a: x#y\n", {"a": "x#y"}),
    ("a: [x#y, 'z#'] # c\n", {"a": ["x#y", "z#"]}),
    ("a: {b:#x}\n", {"a": {"b:#x": None}}),
    ("a: | # c\n  #t\n", {"a": "#t\n"}),
    ('# "a"#b\na: 1 #c#d\n', {"a": 1}),
    ('\ufeffa: "#" # c\n', {"a": "#"}),
    ('a: "x"\r\n#c\r\n', {"a": "x"}),
])
def test_hash_in_values_and_spaced_comments_load_in_any_construct(
        loader: str, text: str, value: Any) -> None:
    outcome = parse_yaml(text, "x.yml")
    assert isinstance(outcome, ParsedYaml), outcome
    assert outcome.value == value


# --- property: whatever the quoting, a note is either a comment after a space, or refused
# at its `#`; the values always come back exactly as written inside the quotes.

_TEXT = st.text(alphabet="ab #:,[]{}\u0175\U0001f600", max_size=8)
_TRAILERS = ["", " # note", "\t#note", "  #", "#note", "#"]
_TRAILER = st.sampled_from(_TRAILERS)


def _quote(text: str, double: bool) -> str:
    return f'"{text}"' if double else "'" + text.replace("'", "''") + "'"


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, dict[str, Any], tuple[int, int] | None]:
    """(YAML text, the value it means, the 1-based line and column of the first glued `#`
    or None)."""
    lines: list[str] = []
    value: dict[str, Any] = {}
    glued: tuple[int, int] | None = None

    def trail(line: str) -> str:
        nonlocal glued
        trailer = draw(_TRAILER)
        if trailer.startswith("#") and glued is None:
            glued = (len(lines) + 1, len(line) + 1)
        return line + trailer

    for index in range(draw(st.integers(1, 4))):
        key = f"k{index}"
        if draw(st.booleans()):
            text = draw(_TEXT)
            value[key] = text
            lines.append(trail(f"{key}: {_quote(text, draw(st.booleans()))}"))
            continue
        items = draw(st.lists(_TEXT, max_size=3))
        value[key] = items
        line = f"{key}: ["
        for position, item in enumerate(items):
            line = trail(line + _quote(item, draw(st.booleans())))
            if _ends_in_comment(line):
                # A spaced comment runs to the end of the line: carry on on the next one.
                lines.append(line)
                line = "  "
            if position < len(items) - 1:
                line += ", "
        lines.append(trail(line + "]"))
    return "\n".join(lines) + "\n", value, glued


def _ends_in_comment(line: str) -> bool:
    return any(line.endswith(trailer) for trailer in _TRAILERS if trailer)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
@example(('k0: "Joint visits"# reviewer note\n', {"k0": "Joint visits"}, (1, 19)))
def test_a_note_is_a_comment_after_a_space_or_refused_at_its_hash(
        document: tuple[str, dict[str, Any], tuple[int, int] | None]) -> None:
    text, value, glued = document
    outcome = parse_yaml(text, "x.md", line_offset=1)
    if glued is None:
        assert isinstance(outcome, ParsedYaml), (text, outcome)
        assert outcome.value == value
    else:
        assert isinstance(outcome, Diagnostic), (text, outcome)
        assert (outcome.code, outcome.line - 1, outcome.column) == ("HP006", *glued), text


_TOKENS = [*"ab:-[]{}|>'\"#?, \n\t", "\n- ", ": ", " #", "#", '"#', "'#", "]#", "}#", "|#",
           ">-#", "\ufeff", "\r\n", "\u2028", "&a", "*a", "!t"]


@settings(max_examples=400, deadline=2000)
@given(st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join))
def test_only_hpkb_findings_come_out_of_hash_heavy_text(text: str) -> None:
    outcome = parse_yaml(text, "x.md", line_offset=1)
    assert isinstance(outcome, ParsedYaml | Diagnostic)
    if isinstance(outcome, Diagnostic):
        assert outcome.code.startswith("HP0") and outcome.line >= 2 and outcome.column >= 1
