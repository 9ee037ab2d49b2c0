"""Work on the second core by a forked copy of this process: the items of a list shared
out as each process comes free (`on_two_cores`), or one piece of work while this process
goes on (`in_background`).

For work that needs everything this process has imported and set up (reading and typing
entry files needs the models, the schema and pydantic, which a fresh interpreter would
import again). A fork is made only where the system has one (not on Windows) and when
this process runs no other thread, since forking a threaded process can deadlock
(`hpkb.reuse.workers` explains why the Whoosh index starts a fresh interpreter instead);
otherwise, and for short lists, the work is done here, one item after another, with the
same result.
"""

from __future__ import annotations

import array
import contextlib
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

__all__ = ["FORK_MIN_ITEMS", "QUEUE_RECORDS", "Background", "chunk_size", "claimed",
           "claimed_chunks", "fill_queue", "in_background", "on_two_cores", "queued",
           "work_queue"]

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


# A work queue is a pipe both processes read, holding the first item number of each chunk
# as a 4-byte record, all written before either reads: a read from a pipe is whole, so
# each chunk goes to exactly one process. At most QUEUE_RECORDS records (16 KiB, well
# within a pipe's 64 KiB), so writing them never waits for a reader.
QUEUE_RECORDS = 4096
_RECORD = struct.Struct("<I")


def chunk_size(count: int, least: int = 1) -> int:
    """How many of ``count`` items a chunk holds: ``least``, or more when there are so
    many items that the queue would pass QUEUE_RECORDS chunks."""
    return max(least, -(-count // QUEUE_RECORDS))


def fill_queue(feed: int, count: int, chunk: int) -> None:
    """Write the chunks of ``count`` items into the writing end ``feed`` of a queue's
    pipe; once it is closed and they are taken, readers find the queue ended."""
    os.write(feed, b"".join(_RECORD.pack(at) for at in range(0, count, chunk)))


def work_queue(count: int, chunk: int) -> int:
    """The reading end of a queue of the chunks of ``count`` items."""
    read, write = os.pipe()
    try:
        fill_queue(write, count, chunk)
    finally:
        os.close(write)
    return read


def claimed_chunks(queue: int, chunk: int, count: int) -> Iterator[range]:
    """The chunks of item numbers this process takes from ``queue``, one at a time,
    until none are left."""
    while len(record := os.read(queue, _RECORD.size)) == _RECORD.size:
        at = _RECORD.unpack(record)[0]
        yield range(at, min(at + chunk, count))


def queued(queue: int) -> int:
    """How many chunks are left in ``queue`` (the bytes waiting in its pipe); where the
    system cannot say, as many as a queue holds (an estimate that errs towards more)."""
    waiting = array.array("i", [0])
    try:
        import fcntl  # POSIX only, like the forks that use a queue
        import termios

        fcntl.ioctl(queue, termios.FIONREAD, waiting)
    except (ImportError, OSError):
        return QUEUE_RECORDS
    return waiting[0] // _RECORD.size


def claimed(queue: int, chunk: int, count: int) -> Iterator[int]:
    """The numbers of the items this process takes from ``queue``, a chunk at a time,
    until none are left."""
    for numbers in claimed_chunks(queue, chunk, count):
        yield from numbers


def on_two_cores(work: Callable[[Item], Result], items: Sequence[Item],
                 least: int = FORK_MIN_ITEMS) -> list[Result]:
    """``[work(item) for item in items]``, shared with a forked child when there are at
    least ``least`` items and it is safe. Each process takes the next item from one
    queue when it comes free, so both finish together however the items' costs differ
    (with halves or alternate items, the guard's last files ran on one core while the
    other waited): put the costliest items first. The child's results come back pickled;
    should it fail in any way, whatever it took is done here again."""
    if len(items) < least or not _may_fork():
        return [work(item) for item in items]
    chunk = chunk_size(len(items))
    queue = work_queue(len(items), chunk)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its items' results, pickled into the pipe, then gone
        code = 1
        try:
            os.close(reading)
            data = pickle.dumps([(at, work(items[at]))
                                 for at in claimed(queue, chunk, len(items))],
                                protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writing, "wb") as sink:
                sink.write(data)
            code = 0
        finally:
            # No atexit handlers, no flushing of the parent's buffers twice.
            os._exit(code)
    os.close(writing)
    pipe = os.fdopen(reading, "rb")
    finished = False
    try:
        mine = {at: work(items[at]) for at in claimed(queue, chunk, len(items))}
        data = pipe.read()
        finished = True
    finally:
        pipe.close()
        os.close(queue)
        if not finished:  # this process failed: the child's work is no longer wanted
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
    theirs: dict[int, Result] = dict(pickle.loads(data)) if status == 0 else {}
    return [mine[at] if at in mine else theirs[at] if at in theirs else work(items[at])
            for at in range(len(items))]
