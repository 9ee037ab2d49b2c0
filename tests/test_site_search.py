"""The site's search index (hpkb.outputs.site.search): what it holds, where each term is, and
that one edit changes only the files that depend on it. The page's script that reads it
is tested in Chromium (tests/test_site_e2e.py)."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.outputs.site.search import (
    MAX_START,
    SHARD_BYTES,
    SiteSearchFiles,
    site_search_files,
    tokens,
)
from hpkb.pipeline import profile_view
from hpkb.reuse.store import Reuse, read_shelf
from hpkb.view.gate import ProfileView
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def views() -> dict[str, ProfileView]:
    validation = validate_repo(REPO_ROOT)
    return {name: profile_view(validation, name) for name in ("shared", "internal")}


def _terms(files: SiteSearchFiles) -> dict[str, dict[str, list[str | int]]]:
    """Each term file's terms, by the start it is named for."""
    return {bytes.fromhex(rel[6:-5]).decode(): json.loads(text)
            for rel, text in files.files.items() if rel.startswith("terms/")}


def _postings(files: SiteSearchFiles) -> dict[str, dict[str, int]]:
    """term → {entry id: weight}."""
    ids = [row[0] for row in json.loads(files.files["meta.json"])["entries"]]
    found: dict[str, dict[str, int]] = {}
    for terms in _terms(files).values():
        for term, (_, *pairs) in terms.items():
            assert term not in found, f"{term} is in two term files"
            found[term] = {ids[int(e)]: int(w) for e, w in zip(pairs[::2], pairs[1::2],
                                                                strict=True)}
    return found


def test_words_are_folded_and_split_on_anything_but_letters_and_digits() -> None:
    assert tokens("Café crème, RD-2024-002's ﬁrst") == ["cafe", "creme", "rd", "2024",
                                                        "002", "s", "first"]
    assert tokens("Straße x_y ١٢٣") == ["straße", "x", "y", "١٢٣"]


def test_the_index_holds_every_visible_entry_and_only_those(
        views: Mapping[str, ProfileView]) -> None:
    for view in views.values():
        files = site_search_files(view)
        meta = json.loads(files.files["meta.json"])
        assert [row[0] for row in meta["entries"]] == sorted(e.id for e in view.entries)
        cards = {rel for rel in files.files if rel.startswith("docs/")}
        assert cards == {f"docs/{e.id}.json" for e in view.entries}
    shared = {e.id for e in views["shared"].entries}
    assert shared < {e.id for e in views["internal"].entries}


def test_a_word_is_found_in_the_entries_that_hold_it(views: Mapping[str, ProfileView]) -> None:
    view = views["shared"]
    postings = _postings(site_search_files(view))
    for entry in view.entries:
        words = set(tokens(f"{entry.id} {entry.title} {entry.meta['summary']} {entry.body}"))
        missing = {w for w in words if entry.id not in postings.get(w, {})}
        assert not missing, (entry.id, sorted(missing)[:5])
    # Weights: twice the count, plus one for a word of the title (or the entry's id).
    assert postings["defibrillators"]["PR-2024-010"] % 2 == 1  # "…and defibrillators"
    assert all(w % 2 == 0 for w in postings["defibrillator"].values())  # in text only
    assert postings["2024"]["PR-2024-010"] % 2 == 1
    # Words of an entry's themes, tags and organisation (by name) find it too.
    assert "RD-2024-002" in postings["violence"]
    ours = {e.id for e in view.entries if e.meta["organisation"] == "wyvernshire-constabulary"}
    assert ours and set(postings["wyvernshire"]) >= ours


def test_what_a_profile_may_not_see_is_not_in_its_index(starter: Path) -> None:
    """The canary entries of the guard's tests: personal fields, an internal passage, a
    case before the court, a sensitive entry. The internal index holds their words; the
    shared one holds none of them, in any case or form."""
    from tests.test_guard import CANARIES, CANARY_DEBRIEF, CANARY_LIVE_LESSON, CANARY_SENSITIVE

    for rel, text in (("debriefs/RD-2024-002.md", CANARY_DEBRIEF),
                      ("content/learning/LN-2024-002.md", CANARY_LIVE_LESSON),
                      ("practice/PR-2024-002.md", CANARY_SENSITIVE)):
        (starter / rel).write_text(text, encoding="utf-8")
    validation = validate_repo(starter)
    internal = set(_postings(site_search_files(profile_view(validation, "internal"))))
    shared_files = site_search_files(profile_view(validation, "shared"))
    text = "\n".join(shared_files.files.values()).casefold()
    assert [c for c in CANARIES if c.casefold() in text] == []
    # The canaries' own words (the shared debrief's title is CANARY-HIDDEN-TITLE: it
    # may be seen): the internal passage's, the sensitive entry's, the live case's.
    hidden = {"passage", "sensitive", "live", "zephyrine", "quallbrook", "gatterly"}
    assert hidden & set(_postings(shared_files)) == set()
    assert {"passage", "sensitive", "live"} <= internal


@pytest.mark.parametrize("limit", [SHARD_BYTES, 300])
def test_each_term_is_in_the_file_its_start_names(
        views: Mapping[str, ProfileView], limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two characters name a term file, more where it would be big (forced here with a
    small limit); the script reads the files whose start begins the word typed, or that
    the word typed begins, so a term must be in a file whose start begins it."""
    import hpkb.outputs.site.search

    monkeypatch.setattr(hpkb.outputs.site.search, "SHARD_BYTES", limit)
    files = site_search_files(views["internal"])
    shards = _terms(files)
    assert sorted(shards) == json.loads(files.files["meta.json"])["shards"]
    assert sum(len(terms) for terms in shards.values()) == len(_postings(files))
    for start, terms in shards.items():
        assert all(term.startswith(start) for term in terms)
        # A start split further leaves a file only for the term that is the start.
        assert len(start) <= 2 or list(shards.get(start[:-1], [start[:-1]])) == [start[:-1]]
        size = len(files.files[f"terms/{start.encode().hex()}.json"])
        assert size <= limit * 1.2 + 50 or len(start) >= MAX_START or list(terms) == [start]
    longer = [start for start in shards if len(start) > 2]
    assert bool(longer) == (limit < SHARD_BYTES), longer[:5]


def test_the_same_view_gives_the_same_files_in_any_order(
        views: Mapping[str, ProfileView]) -> None:
    view = views["internal"]
    entries = list(view.entries)
    random.Random(8).shuffle(entries)
    shuffled = dataclasses.replace(view, entries=tuple(entries))
    assert site_search_files(shuffled).files == site_search_files(view).files


def test_an_edit_changes_its_card_the_lengths_and_its_words_files_only(
        views: Mapping[str, ProfileView]) -> None:
    view = views["shared"]
    before = site_search_files(view)
    edited = next(e for e in view.entries if e.id == "PR-2024-010")
    after = site_search_files(dataclasses.replace(view, entries=tuple(
        dataclasses.replace(e, body=e.body + "\n\nWardens now carry a zygomatic splint.\n")
        if e is edited else e for e in view.entries)))
    changed = {rel for rel in before.files.keys() | after.files.keys()
               if before.files.get(rel) != after.files.get(rel)}
    assert {"docs/PR-2024-010.json", "meta.json"} < changed
    starts = {bytes.fromhex(rel[6:-5]).decode() for rel in changed if rel.startswith("terms/")}
    added = ["wardens", "now", "carry", "a", "zygomatic", "splint"]
    assert starts and all(any(w.startswith(s) for w in added) for s in starts), starts
    assert _postings(after)["zygomatic"] == {"PR-2024-010": 2}


def test_entries_taken_from_the_last_build_index_the_same(
        views: Mapping[str, ProfileView], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the records kept in build/.cache, an edit indexes the edited entry alone, and the
    files are those made from nothing; a record that cannot be read is made again."""
    import hpkb.outputs.site.search

    view = views["internal"]
    cache = tmp_path / "kept"

    def kept(seen: ProfileView) -> Mapping[str, str]:
        reuse = Reuse(cache, "seed")
        files = site_search_files(seen, reuse).files
        reuse.keep()
        return files

    assert kept(view) == site_search_files(view).files
    made: list[str] = []
    indexed = hpkb.outputs.site.search._indexed
    monkeypatch.setattr(hpkb.outputs.site.search, "_indexed",
                        lambda entry, seen: made.append(entry.id) or indexed(entry, seen))
    edited = dataclasses.replace(view, entries=tuple(
        dataclasses.replace(e, body=e.body + "\n\nA quokka-shaped lantern.\n")
        if e.id == "PR-2024-010" else e for e in view.entries))
    fresh = site_search_files(edited).files
    made.clear()
    assert kept(edited) == fresh
    assert made == ["PR-2024-010"]
    shelf = cache / "site-search.records"
    shelf.write_text("hpkb records 1 seed\n" + "".join(
        f"{key}\t10\n{{\"seed\": \"\n" for key in read_shelf(shelf, "seed")), encoding="utf-8")
    made.clear()
    assert kept(edited) == fresh
    assert len(made) == len(view.entries)
