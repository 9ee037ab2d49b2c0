"""Front matter kept between builds: validation reads exactly what parsing gives, a
changed file is parsed again, and a damaged or planted cache file is only ignored."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import hpkb.parse_cache
from hpkb.parse_cache import ParseCache
from hpkb.strict_yaml import ParsedYaml
from hpkb.validate import validate_repo
from tests.site_helpers import copy_example

TODAY = date(2026, 11, 22)
EDITED = "practice/PR-2023-003.md"


def _never(*args: object) -> None:
    raise AssertionError("parsed again")


def test_kept_front_matter_validates_as_parsed_front_matter(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_example(tmp_path / "repo")
    plain = validate_repo(root, TODAY)
    folder = tmp_path / "front-matter"
    assert validate_repo(root, TODAY, parse=ParseCache(folder, "code", keep=False).parse) \
        == plain
    assert not folder.exists()  # a first build keeps nothing
    assert validate_repo(root, TODAY, parse=ParseCache(folder, "code").parse) == plain
    records = sorted(folder.iterdir())
    assert len(records) == len(plain.corpus.entries)
    assert all(json.loads(p.read_text(encoding="utf-8")) for p in records)  # JSON only

    with monkeypatch.context() as patched:
        patched.setattr(hpkb.parse_cache, "parse_yaml", _never)
        assert validate_repo(root, TODAY, parse=ParseCache(folder, "code").parse) == plain

    # An edited file is parsed again; every other one still comes from the cache, and
    # the edited file's old record goes.
    source = root / EDITED
    source.write_text(source.read_text(encoding="utf-8").replace(
        "for high-risk cases\n", "for high-risk cases (pilot)\n", 1), encoding="utf-8")
    parsed: list[str] = []
    real = hpkb.parse_cache.parse_yaml

    def counted(text: str, file: str, line_offset: int = 0) -> object:
        parsed.append(file)
        return real(text, file, line_offset)

    monkeypatch.setattr(hpkb.parse_cache, "parse_yaml", counted)
    warm = ParseCache(folder, "code")
    edited = validate_repo(root, TODAY, parse=warm.parse)
    assert parsed == [EDITED]
    assert edited == validate_repo(root, TODAY)
    assert edited.corpus.by_id["PR-2023-003"].meta.title.endswith("(pilot)")
    warm.prune()
    assert len(list(folder.iterdir())) == len(records)
    # Other code (its digest seeds the names) parses everything again.
    parsed.clear()
    validate_repo(root, TODAY, parse=ParseCache(folder, "other code").parse)
    assert len(parsed) == len(records)


@pytest.mark.parametrize("damage", ["not json", "[1]", '[{"title": "x"}, [["title"]]]',
                                    '[{"d": "not a date"}, []]', ""])
def test_a_damaged_record_is_parsed_again(tmp_path: Path, damage: str) -> None:
    root = copy_example(tmp_path / "repo")
    folder = tmp_path / "front-matter"
    plain = validate_repo(root, TODAY, parse=ParseCache(folder, "code").parse)
    for record in folder.iterdir():
        record.write_text(damage, encoding="utf-8")
    assert validate_repo(root, TODAY, parse=ParseCache(folder, "code").parse) == plain
    assert all(p.read_text(encoding="utf-8") != damage for p in folder.iterdir())


@pytest.mark.parametrize("value", [
    {"d": date(2024, 5, 1)}, {"d": "text"}, {"m": [1, 2]}, {1: "one", "two": 2},
    [date(2024, 5, 1), {"when": date(2023, 1, 2)}, None, True, 1.5, "x"], {}, []])
def test_every_parsed_value_is_kept_as_it_was(tmp_path: Path, value: object,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "front-matter"
    real = ParsedYaml(value, {(): (1, 1), ("id",): (2, 1), ("list", 0): (3, 3)})
    with monkeypatch.context() as patched:
        patched.setattr(hpkb.parse_cache, "parse_yaml", lambda *args: real)
        assert ParseCache(folder, "code").parse("id: x", "f.md", 1) == real
    assert ParseCache(folder, "code").parse("id: x", "f.md", 1) == real
