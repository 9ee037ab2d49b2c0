"""The one seam for reuse (hpkb.reuse.store): a value is found only by its own key and
seed, a build keeps exactly what it asked for, and the reference build finds nothing."""

from __future__ import annotations

from pathlib import Path

from hpkb.reuse.store import JSON, TEXT, Codec, Memory, Reuse, read_shelf


def _made(log: list[str], value: str) -> str:
    log.append(value)
    return value


def test_a_value_kept_by_one_build_is_found_by_the_next_by_its_key(tmp_path: Path) -> None:
    made: list[str] = []
    first = Reuse(tmp_path, "code 1")
    assert first.get("shelf", "a", lambda: _made(made, "A"), TEXT) == "A"
    assert first.get("shelf", "a", lambda: _made(made, "again"), TEXT) == "A"  # asked twice
    first.keep()
    second = Reuse(tmp_path, "code 1")
    assert second.get("shelf", "a", lambda: _made(made, "again"), TEXT) == "A"
    assert second.get("shelf", "b", lambda: _made(made, "B"), TEXT) == "B"
    assert made == ["A", "B"]
    assert second.find("other shelf", "a", TEXT) is None


def test_another_seed_finds_nothing(tmp_path: Path) -> None:
    first = Reuse(tmp_path, "code 1")
    first.put("shelf", "a", "A", TEXT)
    first.keep()
    assert Reuse(tmp_path, "code 2").find("shelf", "a", TEXT) is None
    assert Reuse(tmp_path, "code 1").find("shelf", "a", TEXT) == "A"


def test_a_build_keeps_what_it_asked_for_and_drops_the_rest(tmp_path: Path) -> None:
    first = Reuse(tmp_path, "seed")
    for key in "abc":
        first.put("shelf", key, key.upper(), TEXT)
    first.put("untouched", "x", "X", TEXT)
    first.keep()
    second = Reuse(tmp_path, "seed")
    assert second.find("shelf", "a", TEXT) == "A"
    second.put("shelf", "d", "D", TEXT)
    second.keep()
    assert read_shelf(tmp_path / "shelf.records", "seed") == {"a": "A", "d": "D"}
    # A shelf the build never asked of is left as it was.
    assert read_shelf(tmp_path / "untouched.records", "seed") == {"x": "X"}


def test_an_unchanged_shelf_is_not_written_again(tmp_path: Path) -> None:
    first = Reuse(tmp_path, "seed")
    first.put("shelf", "a", "A", TEXT)
    first.keep()
    shelf = tmp_path / "shelf.records"
    stamp = shelf.stat().st_mtime_ns
    second = Reuse(tmp_path, "seed")
    assert second.find("shelf", "a", TEXT) == "A"
    second.keep()
    assert shelf.stat().st_mtime_ns == stamp


def test_a_record_that_cannot_be_read_back_is_made_again(tmp_path: Path) -> None:
    (tmp_path / "shelf.records").write_text("hpkb records 1 seed\na\t5\n{oops\n",
                                            encoding="utf-8")
    reuse = Reuse(tmp_path, "seed")
    assert reuse.get("shelf", "a", lambda: {"made": True}, JSON) == {"made": True}
    reuse.keep()
    assert read_shelf(tmp_path / "shelf.records", "seed") == {"a": '{"made":true}'}


def test_a_value_whose_codec_declines_it_stays_in_memory_only(tmp_path: Path) -> None:
    reuse = Reuse(tmp_path, "seed")
    declined: Codec[str] = Codec(lambda _: None, str)
    assert reuse.get("shelf", "a", lambda: "A", declined) == "A"
    assert reuse.get("shelf", "b", lambda: "B") == "B"  # no codec at all
    reuse.keep()
    assert read_shelf(tmp_path / "shelf.records", "seed") == {}


def test_memory_gives_a_process_the_very_objects_and_drops_what_a_build_left(
        tmp_path: Path) -> None:
    memory = Memory()
    value = ("frozen", 1)
    first = Reuse(None, "seed", memory)
    assert first.get("shelf", "a", lambda: value) is value
    first.get("shelf", "b", lambda: ("b",))
    memory.turn()
    second = Reuse(None, "seed", memory)
    assert second.get("shelf", "a", lambda: ("made",)) is value
    memory.turn()  # the second build did not ask for "b": gone
    assert Reuse(None, "seed", memory).get("shelf", "b", lambda: ("made",)) == ("made",)


def test_memory_and_disk_together_keep_on_disk_what_memory_answered(tmp_path: Path) -> None:
    memory = Memory()
    first = Reuse(tmp_path, "seed", memory)
    first.get("shelf", "a", lambda: "A", TEXT)
    first.keep()
    memory.turn()
    second = Reuse(tmp_path, "seed", memory)
    assert second.get("shelf", "a", lambda: "made", TEXT) == "A"  # from memory
    second.put("shelf", "b", "B", TEXT)
    second.keep()
    assert read_shelf(tmp_path / "shelf.records", "seed") == {"a": "A", "b": "B"}


def test_the_reference_build_finds_nothing_and_keeps_nothing(tmp_path: Path) -> None:
    kept = Reuse(tmp_path, "seed")
    kept.put("shelf", "a", "A", TEXT)
    kept.keep()
    off = Reuse.off()
    assert not off.on and off.live is None and not off.intact
    assert off.get("shelf", "a", lambda: "made", TEXT) == "made"
    assert off.find("shelf", "a", TEXT) is None
    off.keep()
    assert read_shelf(tmp_path / "shelf.records", "seed") == {"a": "A"}


def test_a_shelf_held_whole_keeps_what_the_build_did_not_ask_for(tmp_path: Path) -> None:
    """`hold_all`: the compiled templates a build did not load are kept for the next,
    on disk and in memory, with what it made."""
    memory = Memory()
    first = Reuse(tmp_path, "seed", memory)
    first.put("templates", "entry", "compiled entry", TEXT)
    first.put("templates", "list", "compiled list", TEXT)
    first.keep()
    memory.turn()
    second = Reuse(tmp_path, "seed", memory)
    second.hold_all("templates")
    assert second.find("templates", "list", TEXT) == "compiled list"
    second.put("templates", "home", "compiled home", TEXT)
    second.keep()
    memory.turn()
    assert read_shelf(tmp_path / "templates.records", "seed") == {
        "entry": "compiled entry", "list": "compiled list", "home": "compiled home"}
    assert memory.keys_of("templates") == {"entry", "list", "home"}
    # From disk alone (`hpkb build`): a held record is read when asked for.
    third = Reuse(tmp_path, "seed")
    third.hold_all("templates")
    assert third.find("templates", "entry", TEXT) == "compiled entry"
    assert third.find("templates", "gone", TEXT) is None
    third.keep()
    assert read_shelf(tmp_path / "templates.records", "seed") == {
        "entry": "compiled entry", "list": "compiled list", "home": "compiled home"}
    # Without it, a build keeps only what it asked for.
    fourth = Reuse(tmp_path, "seed")
    assert fourth.find("templates", "home", TEXT) == "compiled home"
    fourth.keep()
    assert read_shelf(tmp_path / "templates.records", "seed") == {"home": "compiled home"}


def test_a_stopped_build_leaves_the_memory_as_the_build_before_it_left_it() -> None:
    """A build that stopped early asked for less than it would have: `keep_all` keeps
    for the next build what the one before it used, too."""
    memory = Memory()
    first = Reuse(None, "seed", memory)
    first.put("typed", "a", "A")
    first.put("typed", "b", "B")
    memory.turn()
    stopped = Reuse(None, "seed", memory)
    assert stopped.find("typed", "a") == "A"
    memory.keep_all()
    memory.turn()
    assert Reuse(None, "seed", memory).find("typed", "b") == "B"
