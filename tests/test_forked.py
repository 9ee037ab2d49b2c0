"""Work split with a forked child: the same results in the same order as one process,
the child's items redone here if it fails, no fork beside other threads, and validation
over many files finding what it finds on one core. Work in the background: done by the
child, or redone here when it fails; stopped when no longer wanted."""

from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.reuse.forked import claimed, in_background, on_two_cores, work_queue
from tests.conftest import another_thread, run_cli


def _where(item: int) -> tuple[int, int]:
    time.sleep(0.001)  # long enough for the child to be running before the list ends
    return item * item, os.getpid()


def test_items_are_shared_with_a_child_and_come_back_in_order() -> None:
    for count in (300, 301):
        results = on_two_cores(_where, list(range(count)))
        assert [square for square, _ in results] == [i * i for i in range(count)]
        pids = {pid for _, pid in results}
        assert os.getpid() in pids and len(pids) == 2


def _nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_each_process_takes_the_next_item_when_it_comes_free() -> None:
    """The costliest item first: the process that takes it takes few of the rest (with
    alternate items or halves, it would take half of them and finish last)."""
    pids = on_two_cores(_nap, [0.5] + [0.01] * 60, least=2)
    heavy = pids[0]
    assert sum(pid == heavy for pid in pids[1:]) < 20 < sum(pid != heavy for pid in pids[1:])


def test_short_lists_and_threaded_processes_stay_on_one_core() -> None:
    assert {pid for _, pid in on_two_cores(_where, list(range(50)))} == {os.getpid()}
    with another_thread():
        assert {pid for _, pid in on_two_cores(_where, list(range(300)))} == {os.getpid()}


def test_a_failing_child_leaves_its_items_to_the_parent() -> None:
    parent = os.getpid()

    def fragile(item: int) -> int:
        time.sleep(0.001)
        if os.getpid() != parent and item > 20:
            raise RuntimeError("only in the child")
        return item + 1

    assert on_two_cores(fragile, list(range(300))) == list(range(1, 301))


def test_each_chunk_of_the_work_queue_goes_to_one_taker() -> None:
    """Two takers reading the queue in turns (as two processes do, in any order) get
    every document once between them, in whole chunks."""
    queue = work_queue(23, 4)
    try:
        first, second = claimed(queue, 4, 23), claimed(queue, 4, 23)
        taken: list[list[int]] = [[], []]
        for turn in itertools.count():
            number = next(first if turn % 2 == 0 else second, None)
            if number is None:
                break
            taken[turn % 2].append(number)
        taken[0] += list(first)
        taken[1] += list(second)
    finally:
        os.close(queue)
    assert sorted(taken[0] + taken[1]) == list(range(23))
    assert taken[0] and taken[1]
    assert all(number // 4 not in {n // 4 for n in taken[1]} for number in taken[0])


def _record(path: Path, fail_in_child: bool = False) -> None:
    if fail_in_child:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("the child fails half way")
    path.write_text(str(os.getpid()), encoding="utf-8")


def test_background_work_is_done_by_a_child_or_else_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = tmp_path / "done"
    background = in_background(lambda: _record(done), lambda: _record(done))
    assert background is not None and background.child != os.getpid()
    background.join()
    assert done.read_text("utf-8") == str(background.child)  # the child did it
    # Once joined, the pid is not the child's any more: cancelling signals nobody.
    killed: list[int] = []
    with monkeypatch.context() as patched:
        patched.setattr(os, "kill", lambda pid, signal: killed.append(pid))
        background.cancel()
    assert killed == []
    # A child that fails: the work is done again here, from the start.
    again = tmp_path / "again"
    background = in_background(lambda: _record(again, fail_in_child=True),
                               lambda: _record(again))
    assert background is not None
    background.join()
    assert again.read_text("utf-8") == str(os.getpid())


def test_background_work_is_not_forked_beside_threads_and_can_be_stopped(
        tmp_path: Path) -> None:
    import time

    with another_thread():
        assert in_background(lambda: None, lambda: None) is None
    late = tmp_path / "late"

    def slow() -> None:
        time.sleep(30)
        _record(late)

    background = in_background(slow, lambda: _record(late))
    assert background is not None
    started = time.perf_counter()
    background.cancel()
    assert time.perf_counter() - started < 5 and not late.exists()
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(background.child, 0)


def test_validation_over_many_files_finds_what_one_core_finds(starter: Path) -> None:
    source = starter / "practice/PR-2024-001.md"
    text = source.read_text("utf-8")
    for serial in range(2, 260):
        # Every fifth copy has a fault (an unknown theme), so findings come from both halves.
        body = text.replace("PR-2024-001", f"PR-2024-{serial:03d}")
        if serial % 5 == 0:
            body = body.replace("themes: [domestic-abuse]", "themes: [no-such-theme]", 1)
        (starter / f"practice/PR-2024-{serial:03d}.md").write_text(body, "utf-8")
    forked = validate_repo(starter)
    assert len(forked.corpus.entries) >= 259
    assert sum(d.code == "HP305" for d in forked.diagnostics) == 51
    with another_thread():  # no fork: everything on this core
        alone = validate_repo(starter)
    assert forked.diagnostics == alone.diagnostics
    assert forked.corpus.entries == alone.corpus.entries
    shutil.rmtree(starter / "build", ignore_errors=True)
    result = run_cli(starter, "validate")
    assert result.exit_code == 1 and "HP305" in result.stdout
