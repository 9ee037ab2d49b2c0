"""What one build keeps on disk for the next (hpkb.reuse.kept): a file read as before is taken
from its kept line, and gives exactly what reading it again gives."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

import hpkb.check.validate
from hpkb.check.validate import _typed, validate_repo
from hpkb.content.files import find_entry_files, load_source, read_with_digest
from hpkb.content.model import Source
from hpkb.reuse.fingerprint import code_digest
from hpkb.reuse.kept import Kept, kept_line, read_kept, seed_of, write_kept
from tests.conftest import AS_OF
from tests.site_helpers import copy_example

TODAY = date.fromisoformat(AS_OF)


def _kept(root: Path) -> tuple[Path, str]:
    where, seed = root / "build" / ".cache" / "typed.jsonl", seed_of(code_digest(), TODAY)
    write_kept(where, seed, list(validate_repo(root, today=TODAY,
                                               kept=Kept(seed, {})).kept), Kept(seed, {}))
    return where, seed


def _digests(root: Path) -> dict[str, str]:
    """Each entry file's bytes' digest, as the build's fingerprint gives them."""
    found = {}
    for entry_file in find_entry_files(root)[0]:
        read = read_with_digest(entry_file.path, entry_file.rel)
        assert isinstance(read, tuple)
        found[entry_file.rel] = read[1]
    return found


def test_a_kept_line_gives_back_the_file_as_read_and_typed(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    # Dates deep in the front matter, and values JSON could change: they come back as read.
    path = root / "practice" / "PR-2023-003.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\n---\n", "\nnotes:\n  - {on: 2024-05-01, ratio: 1.50, code: '0123', big: 1e3}\n---\n",
        1), encoding="utf-8")
    kept = read_kept(*_kept(root))
    files, _ = find_entry_files(root)
    assert len(kept.lines) == len(files) > 20
    digests = _digests(root)
    for entry_file in files:
        source = load_source(entry_file)
        assert isinstance(source, Source)
        found = kept.typed(entry_file, digests[entry_file.rel])
        assert found is not None, entry_file.rel
        kept_source, (entry, findings), line = found
        assert kept_source == source
        assert [type(v) for v in kept_source.front.values()] == \
            [type(v) for v in source.front.values()]
        typed_entry, typed_findings = _typed(source, TODAY)
        assert findings == typed_findings
        assert (entry is None) == (typed_entry is None)
        if entry is not None and typed_entry is not None:
            assert entry.meta == typed_entry.meta
        assert line == kept_line(source, (typed_entry, typed_findings))
        assert kept_source.digest == source.digest != ""
    notes = kept.typed(files[[f.rel for f in files].index("practice/PR-2023-003.md")],
                       digests["practice/PR-2023-003.md"])
    assert notes is not None
    assert notes[0].front["notes"] == [{"on": date(2024, 5, 1), "ratio": 1.5, "code": "0123",
                                        "big": "1e3"}]


def test_a_line_is_taken_only_for_its_own_bytes_day_and_code(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    where, seed = _kept(root)
    entry_file = find_entry_files(root)[0][0]
    digest = _digests(root)[entry_file.rel]
    assert read_kept(where, seed).typed(entry_file, digest) is not None
    assert read_kept(where, seed).typed(entry_file, "0" * 64) is None
    assert read_kept(where, seed).typed(dataclasses.replace(entry_file, rel="other.md"),
                                        digest) is None
    assert read_kept(where, seed_of(code_digest(), date(2030, 1, 1))).lines == {}
    assert read_kept(where, seed_of("other code", TODAY)).lines == {}
    assert read_kept(tmp_path / "none.jsonl", seed).lines == {}


@pytest.mark.parametrize("garbled", ['{"front": {', '{"front": {}, "dates": [["x"]]}', "[]"])
def test_a_line_that_cannot_be_read_is_a_file_to_read_again(tmp_path: Path,
                                                             garbled: str) -> None:
    root = copy_example(tmp_path / "repo")
    where, seed = _kept(root)
    kept = read_kept(where, seed)
    broken = Kept(seed, {digest: garbled for digest in kept.lines})
    plain = validate_repo(root, today=TODAY)
    again = validate_repo(root, today=TODAY, kept=broken, digests=_digests(root))
    assert again.diagnostics == plain.diagnostics
    assert again.corpus.entries == plain.corpus.entries
    assert again.kept == validate_repo(root, today=TODAY, kept=kept).kept


def test_validation_with_kept_lines_is_validation_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings included: a file's own and those across files, of an invalid repo too."""
    root = copy_example(tmp_path / "repo")
    broken = root / "practice" / "PR-2023-003.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "effectiveness: ", "effectiveness: maybe\nold_effectiveness: ", 1), encoding="utf-8")
    # A finding across files, placed by a kept file's positions (read when asked).
    debrief = root / "debriefs" / "RD-2024-002.md"
    debrief.write_text(debrief.read_text(encoding="utf-8").replace(
        "related: [LN-2024-006, PR-2024-010]", "related: [LN-2024-006, PR-2099-010]"),
        encoding="utf-8")
    where, seed = _kept(root)
    plain = validate_repo(root, today=TODAY)
    read: list[str] = []
    reading = hpkb.check.validate.read_with_digest

    def counted(path: Path, rel: str) -> object:
        read.append(rel)
        return reading(path, rel)

    monkeypatch.setattr(hpkb.check.validate, "read_with_digest", counted)
    kept = validate_repo(root, today=TODAY, kept=read_kept(where, seed),
                         digests=_digests(root))
    assert read == []  # every entry file taken from its line, unread
    assert [d.code for d in plain.diagnostics if d.file == "practice/PR-2023-003.md"]
    across = [d for d in kept.diagnostics if d.code == "HP302"]
    assert [(d.file, d.line, d.column) for d in across] == [("debriefs/RD-2024-002.md", 19, 24)]
    assert kept.diagnostics == plain.diagnostics
    assert kept.corpus.entries == plain.corpus.entries
    assert kept.packs == plain.packs


def test_a_build_adds_its_new_lines_and_writes_the_file_whole_when_half_is_stale(
        tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    where, seed = _kept(root)
    whole = where.read_text(encoding="utf-8")
    count = len(whole.splitlines()) - 1
    path = root / "practice" / "PR-2023-003.md"
    text = path.read_text(encoding="utf-8")

    def build_once(body: str) -> None:
        path.write_text(text.replace("\n## Aim\n", f"\n## Aim\n\n{body}\n", 1),
                        encoding="utf-8")
        kept = read_kept(where, seed)
        validation = validate_repo(root, today=TODAY, kept=kept, digests=_digests(root))
        write_kept(where, seed, list(validation.kept), kept)

    build_once("A first change.")
    added = where.read_text(encoding="utf-8")
    assert added.startswith(whole) and len(added.splitlines()) == count + 2  # one line on
    sizes = []
    for at in range(count):  # each edit leaves one line stale: rewritten before doubling
        build_once(f"Change number {at}.")
        sizes.append(len(where.read_text(encoding="utf-8").splitlines()) - 1)
    assert max(sizes) <= 2 * count and count in sizes  # grew, then was written whole
    assert read_kept(where, seed).lines.keys() >= {line.digest for line in validate_repo(
        root, today=TODAY, kept=read_kept(where, seed), digests=_digests(root)).kept}
    # A file cut short is written whole.
    where.write_text(where.read_text(encoding="utf-8")[:-10], encoding="utf-8")
    build_once("After a cut.")
    assert where.read_text(encoding="utf-8").endswith("\n")
    assert len(where.read_text(encoding="utf-8").splitlines()) == count + 1
