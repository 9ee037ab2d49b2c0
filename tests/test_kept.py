"""How an entry file's reading is kept (hpkb.reuse.kept, on the "typed" shelf of a
`Reuse`): a file read as before is taken from its record, and gives exactly what reading
it again gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import hpkb.check.validate
from hpkb.check.validate import _typed, validate_repo
from hpkb.content.files import entry_digest, find_entry_files, load_source, read_with_digest
from hpkb.content.model import Source
from hpkb.reuse.kept import typed_codec, typed_key
from hpkb.reuse.store import Reuse, read_shelf
from tests.conftest import AS_OF
from tests.site_helpers import copy_example

TODAY = date.fromisoformat(AS_OF)
SEED = "seed"


def _kept(root: Path) -> Path:
    """Validate with a fresh `Reuse` and keep what it read: its folder."""
    folder = root / "build" / ".cache" / "kept"
    reuse = Reuse(folder, SEED)
    validate_repo(root, today=TODAY, reuse=reuse, digests=_digests(root))
    reuse.keep()
    return folder


def _digests(root: Path) -> dict[str, str]:
    """Each entry file's bytes' digest, as the build's fingerprint gives them."""
    found = {}
    for entry_file in find_entry_files(root)[0]:
        read = read_with_digest(entry_file.path, entry_file.rel)
        assert isinstance(read, tuple)
        found[entry_file.rel] = read[1]
    return found


def _typed_record(folder: Path, root: Path, rel: str, digest: str, today: date = TODAY,
                  seed: str = SEED) -> object:
    """What the typed shelf in ``folder`` gives for the file ``rel`` with bytes ``digest``."""
    entry_file = next(f for f in find_entry_files(root)[0] if f.rel == rel)
    key = entry_digest(entry_file.rel, entry_file.kind, digest)
    return Reuse(folder, seed).find("typed", typed_key(key, today),
                                    typed_codec(entry_file, key))


def test_a_kept_record_gives_back_the_file_as_read_and_typed(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    # Dates deep in the front matter, and values JSON could change: they come back as read.
    path = root / "practice" / "PR-2023-003.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\n---\n", "\nnotes:\n  - {on: 2024-05-01, ratio: 1.50, code: '0123', big: 1e3}\n---\n",
        1), encoding="utf-8")
    folder = _kept(root)
    files, _ = find_entry_files(root)
    assert len(read_shelf(folder / "typed.records", SEED)) == len(files) > 20
    digests = _digests(root)
    for entry_file in files:
        source = load_source(entry_file)
        assert isinstance(source, Source)
        found = _typed_record(folder, root, entry_file.rel, digests[entry_file.rel])
        assert isinstance(found, tuple), entry_file.rel
        kept_source, entry, findings = found
        assert kept_source == source
        assert [type(v) for v in kept_source.front.values()] == \
            [type(v) for v in source.front.values()]
        typed_entry, typed_findings = _typed(source, TODAY)
        assert list(findings) == typed_findings
        assert (entry is None) == (typed_entry is None)
        if entry is not None and typed_entry is not None:
            assert entry.meta == typed_entry.meta
        assert kept_source.digest == source.digest != ""
    notes = _typed_record(folder, root, "practice/PR-2023-003.md",
                          digests["practice/PR-2023-003.md"])
    assert isinstance(notes, tuple)
    assert notes[0].front["notes"] == [{"on": date(2024, 5, 1), "ratio": 1.5, "code": "0123",
                                        "big": "1e3"}]


def test_a_record_is_taken_only_for_its_own_bytes_day_and_code(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    folder = _kept(root)
    rel = find_entry_files(root)[0][0].rel
    digest = _digests(root)[rel]
    assert _typed_record(folder, root, rel, digest) is not None
    assert _typed_record(folder, root, rel, "0" * 64) is None
    other = find_entry_files(root)[0][1].rel
    assert _typed_record(folder, root, other, digest) is None
    assert _typed_record(folder, root, rel, digest, today=date(2030, 1, 1)) is None
    assert _typed_record(folder, root, rel, digest, seed="other code") is None


@pytest.mark.parametrize("garbled", ['{"front": {', '{"front": {}, "dates": [["x"]]}', "[]"])
def test_a_record_that_cannot_be_read_is_a_file_to_read_again(tmp_path: Path,
                                                               garbled: str) -> None:
    root = copy_example(tmp_path / "repo")
    folder = _kept(root)
    shelf = folder / "typed.records"
    records = read_shelf(shelf, SEED)
    shelf.write_text(f"hpkb records 1 {SEED}\n" + "".join(
        f"{key}\t{len(garbled)}\n{garbled}\n" for key in records), encoding="utf-8")
    assert set(read_shelf(shelf, SEED).values()) == {garbled}
    plain = validate_repo(root, today=TODAY)
    reuse = Reuse(folder, SEED)
    again = validate_repo(root, today=TODAY, reuse=reuse, digests=_digests(root))
    assert again.diagnostics == plain.diagnostics
    assert again.corpus.entries == plain.corpus.entries
    reuse.keep()
    assert read_shelf(shelf, SEED) == records  # made again, and kept as made


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
    folder = _kept(root)
    plain = validate_repo(root, today=TODAY)
    read: list[str] = []
    reading = hpkb.check.validate.read_with_digest

    def counted(path: Path, rel: str) -> object:
        read.append(rel)
        return reading(path, rel)

    monkeypatch.setattr(hpkb.check.validate, "read_with_digest", counted)
    kept = validate_repo(root, today=TODAY, reuse=Reuse(folder, SEED), digests=_digests(root))
    assert read == []  # every entry file taken from its record, unread
    assert [d.code for d in plain.diagnostics if d.file == "practice/PR-2023-003.md"]
    across = [d for d in kept.diagnostics if d.code == "HP302"]
    assert [(d.file, d.line, d.column) for d in across] == [("debriefs/RD-2024-002.md", 19, 24)]
    assert kept.diagnostics == plain.diagnostics
    assert kept.corpus.entries == plain.corpus.entries
    assert kept.packs == plain.packs


def test_a_build_keeps_the_records_it_read_and_drops_the_others(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    folder = _kept(root)
    before = read_shelf(folder / "typed.records", SEED)
    path = root / "practice" / "PR-2023-003.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\n## Aim\n", "\n## Aim\n\nA change.\n", 1), encoding="utf-8")
    reuse = Reuse(folder, SEED)
    validate_repo(root, today=TODAY, reuse=reuse, digests=_digests(root))
    reuse.keep()
    after = read_shelf(folder / "typed.records", SEED)
    assert len(after) == len(before)
    assert len(after.keys() - before.keys()) == 1  # the edited file's, its old one gone
