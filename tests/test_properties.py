"""Property tests: whatever bytes or YAML-ish text an author saves, hpkb answers with its
own findings, never an exception, and quickly."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from hpkb.check.findings import Diagnostic
from hpkb.check.validate import validate_repo
from hpkb.content.files import EntryFile, load_source
from hpkb.content.strict_yaml import parse_yaml

_TOKENS = [*"abc:-[]{}&*!|>'\"#?,.% \n\t@`~0123456789", "---", "\n- ", ": ", "!!python/",
           "yes", "on", "1:20", "0123", "2024-02-30", "null", "\ufeff", "\r\n", "::: internal",
           "[[", "\n  "]
YAMLISH = st.lists(st.sampled_from(_TOKENS), max_size=120).map("".join)
SETTINGS = settings(max_examples=150, deadline=2000,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(YAMLISH)
def test_yaml_parser_only_returns_values_or_findings(text: str) -> None:
    started = time.monotonic()
    outcome = parse_yaml(text, "x.md", line_offset=1)
    assert time.monotonic() - started < 1.0
    if isinstance(outcome, Diagnostic):
        assert outcome.code.startswith("HP") and outcome.line >= 1
    else:
        assert outcome.value is None or isinstance(outcome.value, dict | list | str | int | float
                                                   | bool | date)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_as_entry_give_findings(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "LN-2024-001.md"
    path.write_bytes(data)
    outcome = load_source(EntryFile(path, "content/learning/LN-2024-001.md", "learning"))
    assert outcome is not None  # a Source or a Diagnostic, never an exception


@settings(max_examples=60, deadline=3000,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=YAMLISH, body=st.text(max_size=300))
def test_whole_validation_survives_yamlish_entries(starter: Path, front: str, body: str) -> None:
    path = starter / "content/learning/LN-2024-001.md"
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8", errors="surrogatepass")
    started = time.monotonic()
    result = validate_repo(starter, today=date(2026, 11, 22))
    assert time.monotonic() - started < 2.0
    for finding in result.diagnostics:
        assert finding.code.startswith("HP") and finding.line >= 1 and finding.message


_PATH_PART = st.sampled_from(["index.md", "practice", "themes", "a", "b.md", ".", "..", ""])


@given(st.lists(_PATH_PART, min_size=1, max_size=4), st.lists(_PATH_PART, min_size=1,
                                                               max_size=4))
def test_relative_links_are_what_relpath_gives(here: list[str], there: list[str]) -> None:
    """Links between generated pages work the folders out once (cached); every answer
    must be posixpath.relpath's."""
    import posixpath

    from hpkb.outputs.site.markdown_text import relative_url

    from_page, to_page = "/".join(here), "/".join(there)
    assume(from_page.strip("/.") and to_page.strip("/") and not from_page.startswith("/")
           and not to_page.startswith("/") and ".." not in here)
    expected = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    assert relative_url(from_page, to_page) == expected


# Digit-free text shaped like what the personal-data rules look for: letters where the
# digits would be (O for 0, I and l for 1, S for 5, Z for 2), and the rules' own words.
_NEAR_MISSES = [*"OIlSZBGx@.-/:+() \n", "GIR", "OAA", "AB", "CD", "dob", "D.O.B.", "born on",
                "date of birth", "PC", "DC", "Sgt", "collar no.", "crime ref", "incident",
                "log", "CAD", "of", "NHS", "+44", "07", "mobile", "jan", "March", "@example",
                ".com", "officer.name", "QQ", "Ⅻ", "\u0660", "ⅻ"]


@SETTINGS
@given(st.lists(st.sampled_from(_NEAR_MISSES), max_size=40).map("".join))
@example("Write to officer.name@example.com, not to PC SlZ at GIR OAA.")
def test_only_the_digit_free_rules_can_match_text_without_a_digit(text: str) -> None:
    """find_personal_data runs only DIGIT_FREE_RULES on a text without a digit; every
    other rule must indeed find nothing there (else a new rule belongs in that list)."""
    import re

    from hpkb.guard.personal_data import DIGIT_FREE_RULES, PII_RULES, find_personal_data

    assume(re.search(r"\d", text) is None)
    every = [hit for rule in PII_RULES.values() for hit in rule(text)]
    assert [hit for hit in every if hit.rule not in DIGIT_FREE_RULES] == []
    assert find_personal_data(text) == every


_JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats()
                 | st.text(max_size=20))
_JSON_KEYS = st.text(max_size=8) | st.integers() | st.floats() | st.booleans() | st.none()
_JSON = st.recursive(_JSON_SCALARS, lambda inner: (
    st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(_JSON_KEYS, inner, max_size=4)), max_leaves=30)


@SETTINGS
@given(_JSON)
def test_json_text_is_what_json_writes(value: object) -> None:
    """hpkb's indented JSON (made faster by hand) is json's own, byte for byte."""
    import json

    from hpkb.write import json_text

    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@SETTINGS
@given(_JSON, _JSON)
def test_a_value_rendered_where_it_stands_is_taken_as_made(value: object, other: object
                                                            ) -> None:
    """A value's text made by json_text_at where it stands (in a list in a document, as
    the export's entries) gives the document's text the value itself gives."""
    from hpkb.write import Rendered, json_text, json_text_at

    rendered = Rendered(json_text_at(value, "\n    "))
    assert json_text({"before": other, "entries": [other, rendered]}) == \
        json_text({"before": other, "entries": [other, value]})


_KEYS = st.text(alphabet=st.characters(blacklist_characters="\t\n\r",
                                       blacklist_categories=("Cs",)), min_size=1, max_size=8)
_TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@SETTINGS
@given(st.dictionaries(_KEYS, _TEXTS, max_size=5))
def test_records_kept_are_read_back_as_they_were(texts: dict[str, str]) -> None:
    """Records kept for the next build (any characters: newlines, tabs, quotes, "\r")
    are read back as they were, for the same seed only; a shelf cut short gives none."""
    import tempfile
    from pathlib import Path

    from hpkb.reuse.store import TEXT, Reuse, read_shelf

    with tempfile.TemporaryDirectory() as folder:
        reuse = Reuse(Path(folder), "seed")
        for key, text in texts.items():
            reuse.put("shelf", key, text, TEXT)
        reuse.keep()
        file = Path(folder) / "shelf.records"
        assert read_shelf(file, "seed") == texts
        assert read_shelf(file, "another seed") == {}
        again = Reuse(Path(folder), "seed")
        assert {key: again.find("shelf", key, TEXT) for key in texts} == texts
        data = file.read_bytes() if texts else b""
        if texts:
            file.write_bytes(data[:-2])
            assert read_shelf(file, "seed") == {}
        # A length that is not a count of characters (one going back, say) gives none.
        for length in ("-3", "", "x", "+1"):
            file.write_text(f"hpkb records 1 seed\nkey\t{length}\nab\n", encoding="utf-8")
            assert read_shelf(file, "seed") == {}


_PROSE = ["[[", "]]", "|", "\n", " ", "a", "RD-2024-001", "[[RD-2024-001]]", "[[a|b c]]",
          "[", "]", "é"]
_BODY = st.lists(st.sampled_from(_PROSE), max_size=30).map("".join) | st.lists(
    st.sampled_from([*_PROSE, "`", "~~~", "```"]), max_size=30).map("".join)


@SETTINGS
@given(_BODY, st.integers(min_value=1, max_value=50))
def test_references_are_found_where_they_stand(body: str, body_line: int) -> None:
    """A text without code has its references found in the whole text at once: the very
    references, lines and columns that finding them line by line gives."""
    from hpkb.content.body import _references_by_line, find_references

    assert find_references(body, body_line) == _references_by_line(body, body_line)
