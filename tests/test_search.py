"""Search: ranking on the example content, filters, facets, fielded syntax, spelling,
incremental updates, and the HTTP API over a real socket."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from waitress import create_server
from whoosh import index, query

from hpkb.check.validate import validate_repo
from hpkb.outputs.search.index import index_view, more_like_this, search_index
from hpkb.pipeline import profile_view
from hpkb.reuse.store import Memory, Reuse, read_shelf
from hpkb.serve import make_app
from tests.conftest import AS_OF, run_cli
from tests.site_helpers import build_profiles, copy_example


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("search"))
    build_profiles(root, "shared")
    return root


def _ids(root: Path, *args: str) -> list[str]:
    result = run_cli(root, "search", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in result.json()["results"]]


@pytest.mark.parametrize("query,expected", [
    ("county lines practice that worked", "PR-2024-002"),
    ("night time economy", "LN-2024-006"),
    ("school exclusion knife", "LN-2025-002"),
    ("strangulation red flag", "LN-2024-009"),
    ("defibrillator", "PR-2024-010"),
    ("cuckooing protocol", "PR-2024-002"),
    ("street triage", "PR-2023-005"),
])
def test_expected_entry_ranks_first(example: Path, query: str, expected: str) -> None:
    assert _ids(example, query)[0] == expected


def test_filters(example: Path) -> None:
    learning = run_cli(example, "search", "control", "--type", "learning", "--json").json()
    assert learning["results"] and all(r["type"] == "learning" for r in learning["results"])
    assert set(learning["facets"]["type"]) == {"learning"}
    # A theme filter includes entries under its sub-themes.
    assert "PR-2024-002" in _ids(example, "", "--theme", "drugs", "--limit", "50")
    assert set(_ids(example, "", "--organisation", "nhs", "--limit", "50")) == {
        "PR-2023-005", "PR-2025-009"}
    recent = _ids(example, "", "--since", "2026-01-01", "--limit", "50")
    assert set(recent) == {"PR-2026-002", "PR-2026-004"}
    older = _ids(example, "", "--until", "2023-06-30", "--limit", "50")
    assert set(older) == {"PR-2023-001", "LN-2023-002"}


def test_fielded_query_syntax(example: Path) -> None:
    assert _ids(example, "theme:county-lines rating:promising") == ["PR-2024-002"]
    assert set(_ids(example, "type:practice rating:worked", "--limit", "50")) == {
        "PR-2023-001", "PR-2023-005", "PR-2024-010", "PR-2025-006"}


def test_facets_count_every_match(example: Path) -> None:
    found = run_cli(example, "search", "police", "--limit", "1", "--json").json()
    assert len(found["results"]) == 1
    assert sum(found["facets"]["type"].values()) == found["total"] > 1
    assert set(found["facets"]) == {"type", "themes", "organisation"}


def test_did_you_mean(example: Path) -> None:
    result = run_cli(example, "search", "strangulaton")
    assert result.stdout.strip() == "No results. Did you mean: strangulation?"
    found = run_cli(example, "search", "strangulaton", "--json").json()
    assert (found["total"], found["did_you_mean"]) == (0, "strangulation")


def test_result_shape_and_snippet(example: Path) -> None:
    found = run_cli(example, "search", "defibrillator", "--json").json()
    first = found["results"][0]
    assert set(first) == {"id", "type", "title", "score", "snippet"}
    assert "<b" in first["snippet"] and "defibrillator" in first["snippet"].lower()


def test_shared_index_holds_nothing_hidden(example: Path) -> None:
    assert _ids(example, "Quennick") == []  # a subject surname
    assert "RD-2023-004" not in _ids(example, "former partner separation", "--limit", "50")
    assert "LN-2025-005" not in _ids(example, "drug debt threat to life", "--limit", "50")


def test_missing_index_is_a_clear_error(starter: Path) -> None:
    result = run_cli(starter, "search", "anything")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no search index in ")
    assert "run `hpkb build --profile shared` first" in result.stderr


def test_an_index_from_another_version_is_a_clear_error_and_is_rebuilt(
        starter: Path) -> None:
    """An index whose saved schema names classes this hpkb does not have (one written
    before its modules moved) is reported, not a traceback; the next build writes it
    afresh rather than updating it."""
    import json

    assert run_cli(starter, "build", "--skip", "packs").exit_code == 0
    folder = starter / "build/shared/search"
    toc = next(folder.glob("*.toc"))
    # The schema saved in the index names Whoosh's classes only, none of hpkb's.
    assert b"hpkb" not in toc.read_bytes()
    old = b"whoosh.fields"
    assert old in toc.read_bytes()
    toc.write_bytes(toc.read_bytes().replace(old, b"whoosh.gone_away_module_xyz"))
    result = run_cli(starter, "search", "anything")
    assert result.exit_code == 1
    assert "written by another version of hpkb: build the profile again" in result.stderr
    record = folder / "indexed.json"
    data = json.loads(record.read_text())
    record.write_text(json.dumps({**data, "layout": 4}))  # as the older version wrote it
    (starter / "practice/PR-2024-001.md").write_text(
        (starter / "practice/PR-2024-001.md").read_text().replace("## Aim\n",
                                                                  "## Aim\n\nEdited.\n"))
    again = run_cli(starter, "build", "--skip", "packs")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert run_cli(starter, "search", "anything").exit_code == 0


def test_stale_index_is_noted(starter: Path) -> None:
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    later = time.time() + 5
    os.utime(starter / "practice/PR-2024-001.md", (later, later))
    result = run_cli(starter, "search", "advocate")
    assert result.exit_code == 0
    assert "content changed since the shared index was built" in result.stderr


def test_incremental_update(starter: Path, tmp_path: Path) -> None:
    validation = validate_repo(starter)
    first = tmp_path / "one"
    report = index_view(profile_view(validation, "internal"), first, None)
    assert (report.added, report.updated, report.removed) == (3, 0, 0)
    second = tmp_path / "two"
    again = index_view(profile_view(validation, "internal"), second, first)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)
    path = starter / "practice/PR-2024-001.md"
    path.write_text(path.read_text("utf-8").replace("Book the advocate", "Reserve the advocate"),
                    "utf-8")
    (starter / "debriefs/RD-2024-001.md").unlink()
    learning = starter / "content/learning/LN-2024-001.md"
    learning.write_text(learning.read_text("utf-8").replace("sources: [RD-2024-001]\n", "")
                        .replace("[[RD-2024-001]]", "an earlier debrief"), "utf-8")
    changed = validate_repo(starter)
    third = tmp_path / "three"
    update = index_view(profile_view(changed, "internal"), third, second)
    assert (update.added, update.updated, update.removed) == (0, 2, 1)
    assert search_index(third, "reserve the advocate").results[0]["id"] == "PR-2024-001"
    assert search_index(second, "reserve").total == 0  # the previous index is untouched


def _answers(folder: Path) -> list[dict[str, object]]:
    return [search_index(folder, query, limit=20).as_json() for query in (
        "supervision", "county lines practice that worked", "night time economy",
        "knife", "partner agencies theme:county-lines", "records --x", "domestic abuse")]


def test_an_updated_index_answers_as_a_fresh_one(example: Path, tmp_path: Path) -> None:
    view = profile_view(validate_repo(example), "internal")
    first = tmp_path / "first"
    index_view(view, first, None)
    entries = list(view.entries)
    for at in (0, 3):
        entries[at] = dataclasses.replace(entries[at], body=entries[at].body
                                          + "\n\nSupervision of night time economy patrols.")
    edited = dataclasses.replace(view, entries=tuple(entries))
    updated, fresh = tmp_path / "updated", tmp_path / "fresh"
    index_view(edited, updated, first)
    index_view(edited, fresh, None)
    # The update wrote a small segment beside the previous one (shared, not copied) and
    # kept the old versions as deleted documents: scores leave those out.
    store = index.open_dir(str(updated))
    with store.reader() as reader:
        assert reader.has_deletions() and len(reader.leaf_readers()) == 2
    store.close()
    assert {p.stat().st_ino for p in first.glob("*.seg")} <= \
        {p.stat().st_ino for p in updated.glob("*.seg")}
    assert _answers(updated) == _answers(fresh)
    ids = [e.id for e in edited.entries]
    assert more_like_this(updated, ids) == more_like_this(fresh, ids)
    # An entry gone from the view leaves no copy in any file: every segment holding a
    # deleted document is written again without it.
    removed = entries.pop(5)
    edited = dataclasses.replace(view, entries=tuple(entries))
    shrunk, fresh = tmp_path / "shrunk", tmp_path / "fresh-shrunk"
    index_view(edited, shrunk, updated)
    index_view(edited, fresh, None)
    store = index.open_dir(str(shrunk))
    with store.reader() as reader:
        assert not reader.has_deletions()
    store.close()
    assert [p.name for p in shrunk.iterdir() if removed.id.encode() in p.read_bytes()] == []
    assert _answers(shrunk) == _answers(fresh)
    ids = [e.id for e in edited.entries]
    assert more_like_this(shrunk, ids) == more_like_this(fresh, ids)
    assert removed.id not in {r["id"] for r in search_index(shrunk, removed.title).results}
    # When deleted documents pile up, the update merges them away.
    for at in range(len(entries) // 5):
        entries[at] = dataclasses.replace(entries[at], body=entries[at].body + " Revised.")
    again = tmp_path / "again"
    index_view(dataclasses.replace(view, entries=tuple(entries)), again, shrunk)
    store = index.open_dir(str(again))
    with store.reader() as reader:
        assert not reader.has_deletions()
    store.close()


def _segment_files(cache: Path) -> set[str]:
    return set(read_shelf(cache / "segments.records", SEED))


SEED = "seed"


def _kept(cache: Path, index: Path, ids: list[str]) -> dict[str, list[str]]:
    """`more_like_this` as a build asks it, reusing ``cache``, then kept there."""
    reuse = Reuse(cache, SEED)
    found = more_like_this(index, ids, reuse=reuse)
    reuse.keep()
    return found


def _indexed(cache: Path, *args: Any, **options: Any) -> Any:
    """`index_view` as a build asks it, reusing ``cache``, then kept there."""
    reuse = Reuse(cache, SEED)
    report = index_view(*args, **options, reuse=reuse)
    reuse.keep()
    return report


def _garble(shelf: Path, text: str) -> None:
    """Every record of ``shelf`` made ``text``, which cannot be read back."""
    shelf.write_text(f"hpkb records 1 {SEED}\n" + "".join(
        f"{key}\t{len(text)}\n{text}\n" for key in read_shelf(shelf, SEED)), encoding="utf-8")


def _segment_ids(folder: Path) -> set[str]:
    store = index.open_dir(str(folder))
    with store.reader() as reader:
        names = {leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()}
    store.close()
    return names


def test_a_segment_read_for_related_entries_is_not_read_again(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Related entries need every document's term vector; the cache keeps each segment's,
    as Whoosh never rewrites a segment. After an update only the new segment is read,
    and the answers are the index's own."""
    import hpkb.outputs.search.index

    view = profile_view(validate_repo(example), "internal")
    ids = [e.id for e in view.entries]
    first, cache = tmp_path / "first", tmp_path / "cache"
    index_view(view, first, None)
    expected = more_like_this(first, ids)
    read: list[int] = []
    reading = hpkb.outputs.search.index._read_documents

    def counted(leaf: Any) -> Any:
        read.append(leaf.doc_count())
        return reading(leaf)

    monkeypatch.setattr(hpkb.outputs.search.index, "_read_documents", counted)
    assert _kept(cache, first, ids) == expected
    assert read == [len(ids)]
    assert _segment_files(cache) == _segment_ids(first)
    assert _kept(cache, first, ids) == expected
    assert read == [len(ids)]  # from the cache
    entries = list(view.entries)
    entries[2] = dataclasses.replace(entries[2], body=entries[2].body + " Street triage.")
    updated = tmp_path / "updated"
    index_view(dataclasses.replace(view, entries=tuple(entries)), updated, first)
    expected = more_like_this(updated, ids)
    read.clear()
    assert _kept(cache, updated, ids) == expected
    assert read == [1]  # the new segment only
    assert _segment_files(cache) == _segment_ids(updated)
    # A cache file that cannot be read is read from the index again, and replaced.
    for shelf in ("segments", "related"):
        _garble(cache / f"{shelf}.records", '{"layout": 1, "segment"')
    read.clear()
    assert _kept(cache, updated, ids) == expected
    assert sorted(read) == [1, len(ids) - 1]
    assert _kept(cache, updated, ids) == expected
    assert len(read) == 2
    # In one process (`hpkb serve`) the terms' holders are kept for the same segments and
    # live documents.
    memo, worked = Memory(), []
    holders = hpkb.outputs.search.index._holders
    monkeypatch.setattr(hpkb.outputs.search.index, "_holders",
                        lambda vectors, only=None: worked.append(1) or holders(vectors, only))
    everything = more_like_this(first, ids, reuse=Reuse(None, SEED, memo))
    assert everything == more_like_this(first, ids)
    assert len(worked) == 2  # the memo's, then the plain call's own
    memo.turn()
    assert more_like_this(first, ids[:3], reuse=Reuse(None, SEED, memo)) == {i: everything[i] for i in ids[:3]}
    assert len(worked) == 2  # kept
    memo.turn()
    assert more_like_this(updated, ids, reuse=Reuse(None, SEED, memo)) == expected
    # Another layout: scored again from the related entries kept in memory and the one
    # fresh document, not from every term's holders.
    assert len(worked) == 2
    memo.turn()
    assert more_like_this(updated, ids, reuse=Reuse(None, SEED, Memory())) == expected
    assert len(worked) == 3  # nothing kept: every holder worked out
    # A segment gone from the index leaves the cache.
    shrunk = tmp_path / "shrunk"
    index_view(dataclasses.replace(view, entries=tuple(entries[1:])), shrunk, updated)
    assert _kept(cache, shrunk, ids[1:]) == more_like_this(shrunk, ids[1:])
    assert _segment_files(cache) == _segment_ids(shrunk) != _segment_ids(updated)


def test_an_edit_makes_one_document_and_the_index_a_fresh_one_makes(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each entry's document hash and spelling words are recorded by its published
    digest: after one entry's edit only its document is made, and the index, its
    record and its words are those of an index made from nothing."""
    import hpkb.outputs.search.index

    view = profile_view(validate_repo(example), "internal")
    cache = tmp_path / "cache"
    _indexed(cache, view, tmp_path / "first", None)
    entries = list(view.entries)
    entries[4] = dataclasses.replace(entries[4], body=entries[4].body + " Quixotic zeal.")
    edited = dataclasses.replace(view, entries=tuple(entries))
    made: list[str] = []
    document = hpkb.outputs.search.index._document
    monkeypatch.setattr(hpkb.outputs.search.index, "_document",
                        lambda entry, taxonomy: made.append(entry.id) or document(entry, taxonomy))
    _indexed(cache, edited, tmp_path / "again", tmp_path / "first")
    assert made == [entries[4].id]
    index_view(edited, tmp_path / "fresh", None)
    for record in ("words.json", "indexed.json"):
        assert (tmp_path / "again" / record).read_text(encoding="utf-8") == \
            (tmp_path / "fresh" / record).read_text(encoding="utf-8")
    assert "quixotic" in (tmp_path / "again" / "words.json").read_text(encoding="utf-8")
    assert _answers(tmp_path / "again") == _answers(tmp_path / "fresh")
    # Another taxonomy, or a record that cannot be read: every document is made again.
    _garble(cache / "search-documents.records", '{"seed": ')
    made.clear()
    _indexed(cache, edited, tmp_path / "third", tmp_path / "again")
    assert sorted(made) == sorted(e.id for e in entries)


def test_related_entries_kept_from_the_last_build_are_the_ones_made_afresh(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After each change (a word only one entry has, words many have, an entry gone, one
    back), related entries taken partly from the last build's record are exactly those
    made from the index alone; only the entries a change can touch are scored again."""
    import hpkb.outputs.search.index

    view = profile_view(validate_repo(example), "internal")
    entries = list(view.entries)
    ids = [e.id for e in entries]
    scored: list[int] = []
    related = hpkb.outputs.search.index._related

    def counted(*args: Any) -> Any:
        scored.append(len(list(args[3])))
        return related(*args)

    monkeypatch.setattr(hpkb.outputs.search.index, "_related", counted)
    cache, before = tmp_path / "cache", None

    def step(name: str, changed: list[Any]) -> dict[str, list[str]]:
        nonlocal before
        folder = tmp_path / name
        index_view(dataclasses.replace(view, entries=tuple(changed)), folder, before)
        before = folder
        wanted = [e.id for e in changed]
        fresh = more_like_this(folder, wanted)
        with monkeypatch.context() as every_term:  # the holders of every term, as for many
            every_term.setattr(hpkb.outputs.search.index, "ALL_HOLDERS_MIN", 1)
            assert more_like_this(folder, wanted) == fresh
        afresh = tmp_path / f"{name}-afresh"  # a record made from every document
        _kept(afresh, folder, wanted)
        scored.clear()
        kept = _kept(cache, folder, wanted)
        assert kept == fresh and list(kept) == list(fresh)
        # The record kept, updated or made afresh, is the one made from every document.
        assert _related_record(cache) == _related_record(afresh)
        return fresh

    again = hpkb.outputs.search.index._related_again
    updated: list[bool] = []  # whether each record was updated from the fresh documents
    monkeypatch.setattr(hpkb.outputs.search.index, "_related_again",
                        lambda *args: updated.append(bool(found := again(*args))) or found)
    step("first", entries)
    assert scored == [len(ids)]  # nothing recorded yet
    entries[3] = dataclasses.replace(entries[3], body=entries[3].body + " Zyxwvut.")
    updated.clear()
    step("unique", entries)
    assert scored and 1 <= scored[0] < len(ids)  # the entry itself, and few others
    assert updated == [True]  # from the record and the one fresh document
    entries[5] = dataclasses.replace(entries[5], body=entries[5].body +
                                     " Officers shared the review with the partnership.")
    step("common", entries)
    updated.clear()
    step("gone", entries[1:])
    assert scored == [len(ids) - 1]  # fewer entries: every score changes
    assert updated == []  # every document read
    step("back", entries)
    updated.clear()
    step("again", entries)
    assert scored == [0]  # nothing changed
    assert updated == [True]
    # A record whose texts cannot be read: every document is read, and it is made again.
    record = _related_record(cache)
    record["vectors"] = {key: "garbled" for key in record["vectors"]}
    text = json.dumps(record)
    (cache / "related.records").write_text(f"hpkb records 1 {SEED}\nlast\t{len(text)}\n{text}\n",
                                           encoding="utf-8")
    entries[6] = dataclasses.replace(entries[6], body=entries[6].body + " Night shifts.")
    updated.clear()
    step("garbled", entries)
    assert updated == [False]


def _related_record(cache: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(read_shelf(cache / "related.records", SEED)["last"])
    return record


def _index_part_elsewhere(parent: int, marker: Path, out: Path,
                          part: tuple[int, list[dict[str, Any]]]) -> Path:
    """`_index_part` that fails in the second process, half way through a part (a
    module's function, so that it can be handed to one)."""
    from hpkb.outputs.search.index import PART_DIR, _index_part

    if os.getpid() != parent:
        marker.touch()
        (out / f"{PART_DIR}{part[0]}").mkdir()
        (out / f"{PART_DIR}{part[0]}" / "half-written").touch()
        raise RuntimeError("the second process fails")
    return _index_part(out, part)


def test_an_index_written_by_two_processes_answers_as_one_writes_it(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many entries to index: the two processes take parts of them, each part a segment
    that joins the index. Answers, related entries and updates must not tell the
    difference; a second process that fails leaves its parts to this one."""
    import hpkb.outputs.search.index
    import hpkb.reuse.parallel

    view = profile_view(validate_repo(example), "internal")
    single, double = tmp_path / "single", tmp_path / "double"
    index_view(view, single, None, workers=1)
    monkeypatch.setattr(hpkb.outputs.search.index, "PARALLEL_MIN_ENTRIES", 4)
    monkeypatch.setattr(hpkb.outputs.search.index, "PART_MIN", 2)
    shared: list[list[int]] = []
    real = hpkb.reuse.parallel.shared_out

    def spied(work: Any, items: Any, **options: Any) -> Any:
        done = real(work, items, **options)
        shared.append([len(documents) for _, documents in items])
        return done

    monkeypatch.setattr(hpkb.outputs.search.index, "shared_out", spied)
    ran: list[bool] = []
    vectors = tmp_path / "vectors"
    _indexed(vectors, view, double, None, meanwhile=lambda: ran.append(True))
    assert ran == [True]
    parts = shared[0]
    assert 1 < len(parts) <= hpkb.outputs.search.index.PARTS and sum(parts) == len(view.entries)
    store = index.open_dir(str(double))
    with store.reader() as reader:
        assert sorted(leaf.doc_count() for leaf, _ in reader.leaf_readers()) == sorted(parts)
        assert reader.doc_count() == reader.doc_count_all() == len(view.entries)
        assert sorted(fields["id"] for fields in reader.all_stored_fields()) == \
            sorted(e.id for e in view.entries)
    store.close()
    # The parts' folders went.
    assert not [p for p in double.iterdir() if p.is_dir()]
    assert _answers(double) == _answers(single)
    ids = [e.id for e in view.entries]
    expected = more_like_this(single, ids)
    assert more_like_this(double, ids) == expected
    # Each segment's documents are read once, then kept for related entries.
    assert _kept(vectors, double, ids) == expected
    assert _segment_files(vectors) == _segment_ids(double)
    reading = hpkb.outputs.search.index._read_documents
    monkeypatch.setattr(hpkb.outputs.search.index, "_read_documents", lambda leaf: pytest.fail("read"))
    assert _kept(vectors, double, ids) == expected
    monkeypatch.setattr(hpkb.outputs.search.index, "_read_documents", reading)
    # An update of many entries is shared out too, on top of the two-process index.
    entries = [dataclasses.replace(e, body=e.body + " Revised after the inspection.")
               if at % 3 == 0 else e for at, e in enumerate(view.entries)]
    edited = dataclasses.replace(view, entries=tuple(entries))
    updated, fresh = tmp_path / "updated", tmp_path / "fresh"
    report = index_view(edited, updated, double)
    assert report.updated == len(range(0, len(entries), 3))
    index_view(edited, fresh, None, workers=1)
    assert _answers(updated) == _answers(fresh)
    # A second process that fails: this one writes its parts, and the index is whole.
    monkeypatch.setattr(hpkb.outputs.search.index, "shared_out", lambda work, items, **options: (
        real(functools.partial(_index_part_elsewhere, os.getpid(), tmp_path / "tried",
                               *work.args), items, **options)))
    failed = tmp_path / "failed"
    # This process starts late, so the second one takes a part first.
    index_view(view, failed, None, meanwhile=lambda: time.sleep(3))
    assert (tmp_path / "tried").exists()
    assert _answers(failed) == _answers(single)
    assert not [p for p in failed.iterdir() if p.is_dir()]


def test_edits_merge_their_own_small_segments_never_the_parts(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean build's parts (each a segment of at least PART_MIN documents) stay as they
    are through one-entry edits: only the edits' own small segments are merged, among
    themselves. Whoosh's MERGE_SMALL over every segment would merge parts of one size
    into one every few edits, a whole index's work for one edit."""
    import hpkb.outputs.search.index

    view = profile_view(validate_repo(example), "internal")
    monkeypatch.setattr(hpkb.outputs.search.index, "PARALLEL_MIN_ENTRIES", 4)
    monkeypatch.setattr(hpkb.outputs.search.index, "PART_MIN", 2)
    monkeypatch.setattr(hpkb.outputs.search.index, "MERGE_DELETED_SHARE", 1.0)
    before = tmp_path / "0"
    index_view(view, before, None)
    parts = _segment_ids(before)
    assert len(parts) > 4
    entries = list(view.entries)
    for edit in range(1, 9):
        entries[edit] = dataclasses.replace(entries[edit], body=entries[edit].body
                                            + f" Revised after review {edit}.")
        after = tmp_path / str(edit)
        report = index_view(dataclasses.replace(view, entries=tuple(entries)), after, before)
        assert report.updated == 1
        assert parts <= _segment_ids(after)  # never written again
        # The small ones: merged once there are five (Whoosh's MERGE_SMALL), besides
        # the one this update wrote.
        assert len(_segment_ids(after)) <= len(parts) + 5
        before = after
    assert len(_segment_ids(before)) < len(parts) + 8
    # Past MAX_SEGMENTS (entries only ever added leave no deletions to merge away), the
    # update merges them all.
    monkeypatch.setattr(hpkb.outputs.search.index, "MAX_SEGMENTS", len(parts))
    entries[0] = dataclasses.replace(entries[0], body=entries[0].body + " Revised again.")
    merged = tmp_path / "merged"
    index_view(dataclasses.replace(view, entries=tuple(entries)), merged, before)
    assert len(_segment_ids(merged)) == 1
    before = merged
    fresh = tmp_path / "fresh"
    index_view(dataclasses.replace(view, entries=tuple(entries)), fresh, None, workers=1)
    assert _answers(before) == _answers(fresh)


def test_free_text_scores_as_whoosh_scores_it(example: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain words are scored a term at a time with numpy; Whoosh's own matchers, which
    score every other query shape, must rank and score them the same."""
    import hpkb.outputs.search.index

    folder = example / "build/shared/search"
    queries = ("supervision", "night time economy", "knife crime", "partner agencies",
               "street triage mental health", "records")
    fast = [search_index(folder, query, limit=20).as_json() for query in queries]
    monkeypatch.setattr(hpkb.outputs.search.index, "_free_text_shape", lambda parsed: None)
    assert [search_index(folder, query, limit=20).as_json() for query in queries] == fast
    assert all(answer["results"] for answer in fast)


def test_related_entries_are_whoosh_more_like_this(example: Path) -> None:
    """Related entries are scored a term at a time too: the same entries, in the same
    order, as Whoosh's own search for each entry's key terms gives."""
    from whoosh import scoring
    from whoosh.searching import Searcher

    from hpkb.outputs.search.index import SCORED_FIELDS
    from hpkb.outputs.search.index_stats import LiveIdf, LiveStats, stable_query

    class LiveTFIDF(LiveIdf, scoring.TF_IDF):  # type: ignore[misc]
        """Whoosh's TF-IDF, which related entries use, over the live documents."""

    folder = example / "build/shared/search"
    ids = [e.id for e in profile_view(validate_repo(example), "shared").entries]
    related = more_like_this(folder, ids)
    store = index.open_dir(str(folder))
    reader = store.reader()
    stats = LiveStats(reader, SCORED_FIELDS)
    with Searcher(reader, weighting=LiveTFIDF(stats), fromindex=store) as searcher:
        for entry_id in ids:
            docnum = searcher.document_number(id=entry_id)
            terms = [(word, weight) for word, weight in stats.key_terms(docnum, "body", 24)
                     if stats.doc_frequency("body", word) <= 10][:12]
            likeness = query.Or([query.Term("body", word, boost=weight)
                                 for word, weight in terms])
            hits = searcher.search(stable_query(likeness, stats), limit=None, mask={docnum})
            expected = [hit_id for _, hit_id in sorted(
                (-round(hit.score, 9), hit["id"]) for hit in hits)][:4]
            assert related[entry_id] == expected, entry_id
    store.close()
    assert sum(1 for found in related.values() if found) > len(ids) / 2


@pytest.fixture(scope="module")
def api(example: Path) -> Iterator[str]:
    server = create_server(make_app(example / "build/shared"), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    _stop(server, thread)


def _stop(server: Any, thread: threading.Thread) -> None:
    """Close the server and end its threads."""
    server.close()
    server.task_dispatcher.shutdown()
    thread.join(timeout=10)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_api_answers_like_the_cli(api: str, example: Path) -> None:
    status, body = _get(f"{api}/api/search?q=defibrillator&limit=3")
    assert status == 200
    cli = run_cli(example, "search", "defibrillator", "--limit", "3", "--json").json()
    assert json.loads(body) == cli
    status, body = _get(f"{api}/api/search?q=control&type=learning")
    assert status == 200
    assert {r["type"] for r in json.loads(body)["results"]} == {"learning"}


@pytest.mark.parametrize("path,status", [
    ("/api/search?q=" + "x" * 201, 400),
    ("/api/search?q=a&limit=0", 400),
    ("/api/search?q=a&limit=1000", 400),
    ("/api/search?q=a&since=yesterday", 400),
    ("/../internal/search/MAIN_WRITELOCK", 404),
    ("/%2e%2e/internal/export/entries.json", 404),
    ("/index.html", 200),
])
def test_api_limits_and_no_escape(api: str, path: str, status: int) -> None:
    assert _get(api + path)[0] == status


def test_api_refuses_writes(api: str) -> None:
    request = urllib.request.Request(f"{api}/api/search?q=a", method="POST", data=b"x")
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("POST was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 405


def test_entry_pages_show_similar_entries(example: Path) -> None:
    page = (example / "build/shared/docs/practice/PR-2024-010.md").read_text("utf-8")
    related = page.split("## Related entries", 1)[1]
    assert "LN-2024-006.html" in related and "RD-2024-002.html" in related


def test_api_sees_a_rebuild(starter: Path) -> None:
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    server = create_server(make_app(starter / "build/shared"), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/api/search?q=zephyrcanary"
    try:
        assert json.loads(_get(url)[1])["total"] == 0
        path = starter / "practice/PR-2024-001.md"
        path.write_text(path.read_text("utf-8").replace("Book the advocate",
                                                        "Book zephyrcanary the advocate"),
                        "utf-8")
        assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
        found = json.loads(_get(url)[1])
        assert [r["id"] for r in found["results"]] == ["PR-2024-001"]
    finally:
        _stop(server, thread)
