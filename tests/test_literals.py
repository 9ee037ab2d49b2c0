"""The one-pass literal matcher the guard scans outputs with."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from hpkb.guard.literals import Literals


def found(literals: Literals | None, text: str) -> list[str]:
    assert literals is not None
    return [text for _, text in literals.finditer(text)]


def test_whole_words_longest_first_and_offsets() -> None:
    ids = Literals.of(["RD-2024-001", "RD-2024-0011", "LN-2023-002"], words=True)
    assert found(ids, "see RD-2024-001, RD-2024-0011 and LN-2023-002.") == [
        "RD-2024-001", "RD-2024-0011", "LN-2023-002"]
    assert found(ids, "XRD-2024-001 RD-2024-00111 RD-2024-001x -LN-2023-002") == []
    assert ids is not None
    assert [start for start, _ in ids.finditer("ab RD-2024-001")] == [3]


def test_names_any_case_possessive_and_wrapped() -> None:
    names = Literals.of(["Mary Jones", "Jones"], words=True, fold=True, possessive=True)
    assert found(names, "MARY JONES\u2019s car; mary\n  jones; Jones's") == [
        "MARY JONES\u2019s", "mary\n  jones", "Jones's"]
    assert found(names, "Jonestown, ajones, jones-smith") == []


def test_a_rejected_candidate_does_not_hide_an_overlapping_match() -> None:
    names = Literals.of(["Mary Jones", "Jones"], words=True, fold=True)
    # "Mary Jones" here starts inside a word, but "Jones" on its own is a real hit.
    assert found(names, "x-Mary Jones") == ["Jones"]


def test_dotted_capital_i_keeps_offsets() -> None:
    names = Literals.of(["Ilkay"], words=True, fold=True)
    text = "İİ Ilkay"
    assert names is not None
    assert [(start, hit) for start, hit in names.finditer(text)] == [(3, "Ilkay")]


def test_nothing_to_find() -> None:
    assert Literals.of([]) is None
    assert Literals.of([""]) is None


words = st.text(alphabet="abAB -'", min_size=1, max_size=6)


@given(st.lists(words, min_size=1, max_size=5), st.text(alphabet="abAB -'x\n", max_size=40))
def test_same_hits_as_a_plain_case_insensitive_search(strings: list[str], text: str) -> None:
    """Every place a string occurs (any case) is covered by a reported hit."""
    literals = Literals.of(strings, fold=True)
    assert literals is not None
    hits = list(literals.finditer(text))
    lowered = text.lower()
    for string in strings:
        for match in re.finditer(re.escape(string.lower()).replace(r"\ ", r"\s+"), lowered):
            # Matches never overlap, so another (longer or earlier) hit covers this place.
            assert any(start <= match.start() < start + len(hit) for start, hit in hits)


@given(st.lists(words, min_size=1, max_size=8), st.text(alphabet="abAB -'x\n", max_size=40),
       st.integers(min_value=1, max_value=4), st.booleans())
def test_found_by_their_heads_as_found_whole(strings: list[str], text: str, head: int,
                                             fold: bool) -> None:
    """Strings found first by their opening characters (the guard's hidden titles) give
    exactly the hits of the whole strings' pattern."""
    assert found(Literals.of(strings, fold=fold, head=head), text) == \
        found(Literals.of(strings, fold=fold), text)


@given(st.lists(words, min_size=1, max_size=8), st.text(alphabet="abAB -'x\n", max_size=40),
       st.booleans(), st.booleans())
def test_texts_without_a_last_word_are_passed_over_with_the_same_hits(
        strings: list[str], text: str, fold: bool, whole_words: bool) -> None:
    """A text holding none of the strings' last words is not scanned: the hits are the
    pattern's own, scanned everywhere."""
    import dataclasses

    literals = Literals.of(strings, fold=fold, words=whole_words)
    assert literals is not None
    assert found(literals, text) == found(dataclasses.replace(literals, needles=None), text)


def test_last_words_are_looked_for_first() -> None:
    names = Literals.of(["Mary Jones", "Ann Jones", "Ted Vardley"], words=True, fold=True)
    assert names is not None and names.needles == ("jones", "vardley")
    assert found(names, "a page about partner records") == []
    assert found(names, "and ANN  JONES said") == ["ANN  JONES"]
    assert Literals.of(["  ", "Jones"]) is not None
    assert Literals.of(["  ", "Jones"]).needles is None  # type: ignore[union-attr]
    assert Literals.of([f"name{n}" for n in range(17)]).needles is None  # type: ignore[union-attr]


_IDS = ["RD-2024-001", "LN-2023-002", "PR-2010-004", "RD-2024-010"]


@given(st.lists(st.sampled_from([*_IDS, "RD-2024-0011", "RD-2024-00", "x", "-", " ", "_",
                                 "\n", "é", "(", ")", "0", "RD", "-2024-001", "LN-"]),
                max_size=20).map("".join))
def test_hidden_ids_found_by_shape_as_by_pattern(text: str) -> None:
    """The guard finds hidden ids by their shape (`guard._IdWords`) in a folded reading:
    every place a pattern of the ids themselves finds, whole words, and more only where
    the id is written with other separators (`RD 2024 001`, `rd_2024-001`)."""
    from hpkb.guard.publication import _ids_pattern
    from hpkb.guard.reading import fold

    folded = fold(text)
    by_shape = _ids_pattern(_IDS[:3])
    assert by_shape is not None and not isinstance(by_shape, Literals)
    by_pattern = Literals.of([fold(i) for i in _IDS[:3]], words=True)
    assert by_pattern is not None
    shape_hits = list(by_shape.finditer(folded))
    pattern_hits = [(start, found.upper()) for start, found in by_pattern.finditer(folded)]
    assert set(pattern_hits) <= set(shape_hits)
    for start, found in set(shape_hits) - set(pattern_hits):
        assert not folded.startswith(found.lower(), start)


def test_ids_of_another_shape_fall_back_to_a_pattern() -> None:
    from hpkb.guard.publication import _ids_pattern

    odd = _ids_pattern(["RD-2024-001", "force:RD-2024-002"])
    assert isinstance(odd, Literals)
    assert [t for _, t in odd.finditer("force:rd-2024-002 and rd-2024-001")] == [
        "force:rd-2024-002", "rd-2024-001"]
    assert _ids_pattern([]) is None
