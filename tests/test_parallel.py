"""Work shared with a second process (`hpkb.reuse.parallel.shared_out`): the same results
in the same order as one process; both processes take part, each taking the next chunk
as it comes free; short lists, one core and work that cannot be handed over stay here;
what a failing second process took is done here; an error here stops the second
process's claims. The second process is a fresh interpreter, so what it runs must be a
module's function: these are."""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

import hpkb.reuse.parallel
from hpkb.check.validate import validate_repo
from hpkb.reuse.parallel import _Claims, shared_out
from tests.conftest import run_cli


def _where(item: int) -> tuple[int, int]:
    time.sleep(0.004)  # long enough for the second process to start before the list ends
    return item * item, os.getpid()


def test_items_are_shared_with_a_second_process_and_come_back_in_order() -> None:
    for count in (300, 301):
        results = shared_out(_where, list(range(count)))
        assert [square for square, _ in results] == [i * i for i in range(count)]
        pids = {pid for _, pid in results}
        assert os.getpid() in pids and len(pids) == 2


def _nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_each_process_takes_the_next_chunk_when_it_comes_free() -> None:
    """The second process takes chunks from the front, this one from the back: the
    process that takes the costly first item takes few of the rest."""
    pids = shared_out(_nap, [3.0] + [0.02] * 200, least=2)
    heavy = pids[0]
    assert heavy != os.getpid()
    assert sum(pid == heavy for pid in pids[1:]) < 60 < sum(pid != heavy for pid in pids[1:])


def test_short_lists_one_core_and_work_that_cannot_be_handed_over_stay_here(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert {pid for _, pid in shared_out(_where, list(range(50)))} == {os.getpid()}
    # A closure cannot be handed to another interpreter: all of it is done here.
    assert shared_out(lambda item: item + 1, list(range(300))) == list(range(1, 301))
    monkeypatch.setattr(hpkb.reuse.parallel, "usable_cores", lambda: 1)
    assert {pid for _, pid in shared_out(_where, list(range(300)))} == {os.getpid()}


def _fragile(parent: int, item: int) -> int:
    time.sleep(0.004)
    if os.getpid() != parent and item > 20:
        raise RuntimeError("only in the second process")
    return item + 1


def test_a_failing_second_process_leaves_its_items_here() -> None:
    assert shared_out(functools.partial(_fragile, os.getpid()), list(range(300))) == \
        list(range(1, 301))


def _slow(item: int) -> int:
    time.sleep(0.05)
    return item


def test_an_error_here_stops_the_second_process_claiming() -> None:
    def failing() -> None:
        time.sleep(1)  # the second process is claiming by now
        raise ValueError("the source guard refused the build")

    started = time.perf_counter()
    with pytest.raises(ValueError, match="refused"):
        shared_out(_slow, list(range(640)), meanwhile=failing)
    # 640 items of 0.05 s would take 32 s in one process: it stopped at once.
    assert time.perf_counter() - started < 10


def test_each_chunk_is_claimed_once_from_either_end() -> None:
    claims = _Claims(multiprocessing.get_context("spawn"), 23)
    front: list[int] = []
    back: list[int] = []
    for turn in range(100):
        at = claims.from_front() if turn % 3 else claims.from_back()
        if at is None:
            break
        (front if turn % 3 else back).append(at)
    assert sorted(front + back) == list(range(23))
    assert front == list(range(len(front))) and back == list(range(22, 22 - len(back), -1))
    assert claims.taken_from_front() == len(front)
    claims = _Claims(multiprocessing.get_context("spawn"), 5)
    assert claims.from_front() == 0
    claims.close()
    assert claims.from_back() is None and claims.from_front() is None


def test_validation_over_many_files_finds_every_fault(starter: Path) -> None:
    source = starter / "practice/PR-2024-001.md"
    text = source.read_text("utf-8")
    for serial in range(2, 260):
        # Every fifth copy has a fault (an unknown theme).
        body = text.replace("PR-2024-001", f"PR-2024-{serial:03d}")
        if serial % 5 == 0:
            body = body.replace("themes: [domestic-abuse]", "themes: [no-such-theme]", 1)
        (starter / f"practice/PR-2024-{serial:03d}.md").write_text(body, "utf-8")
    validation = validate_repo(starter)
    assert len(validation.corpus.entries) >= 259
    assert sum(d.code == "HP305" for d in validation.diagnostics) == 51
    shutil.rmtree(starter / "build", ignore_errors=True)
    result = run_cli(starter, "validate")
    assert result.exit_code == 1 and "HP305" in result.stdout


def test_work_outside_the_interpreter_runs_on_threads_side_by_side() -> None:
    """Sleeping stands for Typst or pandoc: two at a time take half as long, in order."""
    import threading

    def wait(item: int) -> tuple[int, int]:
        time.sleep(0.2)
        return item, threading.get_ident()

    started = time.perf_counter()
    results = hpkb.reuse.parallel.on_threads(wait, list(range(6)))
    assert [item for item, _ in results] == list(range(6))
    assert len({ident for _, ident in results}) == 2
    assert time.perf_counter() - started < 1.0  # six waits of 0.2 s, two at a time
    assert hpkb.reuse.parallel.on_threads(wait, [7])[0][1] == threading.get_ident()


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _fails_elsewhere(parent: int) -> int:
    if os.getpid() != parent:
        raise RuntimeError("only in the second process")
    return os.getpid()


def test_one_piece_of_work_runs_elsewhere_while_this_process_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.perf_counter()
    later = hpkb.reuse.parallel.elsewhere(_pid_after, 1.0)
    assert time.perf_counter() - started < 0.9  # it returned at once
    assert later.result() != os.getpid()
    assert later.result() == later.result()
    # A second process that fails: the work is done here.
    assert hpkb.reuse.parallel.elsewhere(_fails_elsewhere, os.getpid()).result() == os.getpid()
    # Asked to, with one core, or with work that cannot be handed over: done here at once.
    assert hpkb.reuse.parallel.elsewhere(_pid_after, 0, here=True).result() == os.getpid()
    assert hpkb.reuse.parallel.elsewhere(lambda: os.getpid()).result() == os.getpid()
    monkeypatch.setattr(hpkb.reuse.parallel, "usable_cores", lambda: 1)
    assert hpkb.reuse.parallel.elsewhere(_pid_after, 0).result() == os.getpid()
