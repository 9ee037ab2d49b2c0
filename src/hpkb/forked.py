"""Work on the second core by a forked copy of this process: every other item of a list
(`on_two_cores`), or one piece of work while this process goes on (`in_background`).

For work that needs everything this process has imported and set up (reading and typing
entry files needs the models, the schema and pydantic: a fresh interpreter would spend
a third of a second importing them). A fork is made only when this process runs no
other thread, since forking a threaded process can deadlock (`hpkb.workers` explains
why the other stages start fresh interpreters instead); otherwise, and for short lists,
the work is done here, one item after another, with the same result.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["FORK_MIN_ITEMS", "Background", "in_background", "on_two_cores"]

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this, a fork and pickling the results back cost more than half the work saves.
FORK_MIN_ITEMS = 200


def _may_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class Background:
    """Work a forked child is doing; ``again`` does it here, from the start, should the
    child not finish it. A handle on a process, so not a frozen value: once the child
    is reaped its pid may belong to another process, and must not be signalled."""

    def __init__(self, child: int, again: Callable[[], None]) -> None:
        self.child = child
        self.again = again
        self._reaped = False

    def _wait(self) -> int:
        status = os.waitpid(self.child, 0)[1]
        self._reaped = True
        return status

    def join(self) -> None:
        """Once this returns, the work is done: by the child, or else here."""
        if self._reaped:
            return
        if self._wait() != 0:
            self.again()

    def cancel(self) -> None:
        """Stop the child if it still runs (the work is no longer wanted), and reap it;
        nothing once joined."""
        if self._reaped:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.child, signal.SIGKILL)
        self._wait()


def in_background(work: Callable[[], object], again: Callable[[], None]) -> Background | None:
    """Start ``work`` in a forked child, or None when that is not safe; its result must be
    what it leaves on disk. ``again`` is the same work, for this process to do should the
    child fail: it must first undo whatever a half-done ``work`` left."""
    if not _may_fork():
        return None
    child = os.fork()
    if child == 0:
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)  # as in on_two_cores: nothing of the parent's run twice
    return Background(child, again)


def on_two_cores(work: Callable[[Item], Result], items: Sequence[Item],
                 least: int = FORK_MIN_ITEMS) -> list[Result]:
    """``[work(item) for item in items]``, every other item done by a forked child when
    there are at least ``least`` items and it is safe (alternate items, not halves:
    heavy items tend to be neighbours, such as one folder's files). The child's results
    come back pickled; should it fail in any way, its items are done here again."""
    if len(items) < least or not _may_fork():
        return [work(item) for item in items]
    mine, theirs = items[0::2], items[1::2]
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its items' results, pickled into the pipe, then gone
        code = 1
        try:
            os.close(reading)
            data = pickle.dumps([work(item) for item in theirs],
                                protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writing, "wb") as sink:
                sink.write(data)
            code = 0
        finally:
            # No atexit handlers, no flushing of the parent's buffers twice.
            os._exit(code)
    os.close(writing)
    pipe = os.fdopen(reading, "rb")
    try:
        first = [work(item) for item in mine]
        data = pipe.read()
    finally:
        pipe.close()  # should this end early, the child's write fails, and it exits
        _, status = os.waitpid(child, 0)
    second: list[Result] = pickle.loads(data) if status == 0 else [
        work(item) for item in theirs]
    results = first + second
    results[0::2], results[1::2] = first, second
    return results
