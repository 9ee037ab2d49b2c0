"""The one place hpkb works on a second core.

`on_threads` runs work that spends its time outside the interpreter (Typst's compiler,
which releases the interpreter's lock, and pandoc, a child process) on threads of this
process. `elsewhere` runs one piece of work (MkDocs rendering the site) in a second
process while this one goes on. `shared_out` does a list's work in this process and in
one more.

A second process is a fresh interpreter started by the standard library's executor
(`concurrent.futures.ProcessPoolExecutor` with the "spawn" start method on every
platform), so no copy of this loaded process is forked and nothing is handed to it by
hand. For `shared_out`, the work and the list go to it once, pickled, when it starts;
both processes then claim chunks of the list from one shared pair of counters
(`multiprocessing` values under a lock): the second process from the front, this one
from the back, so both finish together however the chunks' costs differ and however
long the second takes to start.

It is off where it cannot help: with one usable core, for lists shorter than ``least``,
and when the second process cannot start or fails (whatever it had not handed back is
then done here). The results are the same whichever process made them.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

__all__ = ["MIN_ITEMS", "Later", "elsewhere", "on_threads", "shared_out", "usable_cores"]

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items, starting a second interpreter (and importing what the work
# needs there) costs more than half the work saves.
MIN_ITEMS = 200
# The list is claimed in this many chunks: small enough that neither process is left
# with a long last chunk while the other waits, few enough that claiming costs nothing.
CHUNKS = 64


def usable_cores() -> int:
    """The cores this process may run on (the machine's, where the system cannot say)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def on_threads(work: Callable[[Item], Result], items: Sequence[Item], at_most: int = 2
               ) -> list[Result]:
    """``[work(item) for item in items]``, on up to ``at_most`` threads when there is more
    than one item: only for work whose time is spent outside the interpreter, which
    threads can then run side by side."""
    if len(items) < 2 or at_most < 2:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=at_most) as pool:
        return list(pool.map(work, items))


class Later(Generic[Result]):
    """Work begun in a second process (`elsewhere`), or already done here."""

    def __init__(self, work: Callable[[], Result], pool: ProcessPoolExecutor | None,
                 future: Future[Result] | None, done: list[Result]) -> None:
        self._work, self._pool, self._future, self._done = work, pool, future, done

    def result(self) -> Result:
        """The work's result, once done: by the second process, or else here (should
        that process have failed in any way, the work is done again here from the
        start: it must make the same result whatever it finds half done)."""
        if not self._done:
            try:
                assert self._future is not None
                self._done.append(self._future.result())
            except Exception:  # any failure of the other process
                self._done.append(self._work())
            finally:
                if self._pool is not None:
                    self._pool.shutdown(wait=True)
        return self._done[0]

    def settle(self) -> None:
        """Wait until the second process has ended, whatever came of its work, and do
        nothing here (this process is stopping with an error: nothing may still be
        writing into a folder it is about to remove)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def elsewhere(work: Callable[..., Result], *args: Any, here: bool = False) -> Later[Result]:
    """Begin ``work(*args)`` in a second process (``work`` a module's function, ``args``
    values that pickle) and return at once; `Later.result` waits for it. Done here at
    once instead with ``here``, with one usable core, or when it cannot be handed over."""
    call: Callable[[], Result] = functools.partial(work, *args)
    if here or usable_cores() < 2:
        return Later(call, None, None, [call()])
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        future = pool.submit(work, *args)
    except Exception:  # it could not be handed over: done here
        pool.shutdown(wait=False)
        return Later(call, None, None, [call()])
    return Later(call, pool, future, [])


class _Claims:
    """The chunks not yet claimed, ``front`` up to ``back``, shared by both processes."""

    def __init__(self, context: Any, count: int) -> None:
        self.lock = context.Lock()
        self.front = context.Value("i", 0, lock=False)
        self.back = context.Value("i", count, lock=False)

    def from_front(self) -> int | None:
        with self.lock:
            if self.front.value >= self.back.value:
                return None
            self.front.value += 1
            return int(self.front.value - 1)

    def from_back(self) -> int | None:
        with self.lock:
            if self.front.value >= self.back.value:
                return None
            self.back.value -= 1
            return int(self.back.value)

    def taken_from_front(self) -> int:
        with self.lock:
            return int(self.front.value)

    def close(self) -> None:
        """Nothing more is claimed (this process stopped with an error)."""
        with self.lock:
            self.back.value = self.front.value


class _Share(Generic[Item, Result]):
    """The work, the list and its chunks, as both processes have them."""

    def __init__(self, work: Callable[[Item], Result], items: Sequence[Item], size: int,
                 claims: _Claims) -> None:
        self.work, self.items, self.size, self.claims = work, items, size, claims

    def chunk(self, at: int) -> list[Result]:
        return [self.work(item) for item in self.items[at * self.size:(at + 1) * self.size]]


# In the second process only: the share it was started with (`_receive`). An executor's
# worker is given its inputs by its initializer, and keeps them in its own module.
_received: list[_Share[Any, Any]] = []


def _receive(share: _Share[Any, Any]) -> None:
    _received.append(share)
    # Should the process that started this one end without stopping it (killed), this
    # one ends too, rather than wait for work that will never come.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _claim_from_front() -> dict[int, list[Any]]:
    """The second process's part: chunks from the front until none are left."""
    share = _received[-1]
    done: dict[int, list[Any]] = {}
    while (at := share.claims.from_front()) is not None:
        done[at] = share.chunk(at)
    return done


def _let_go(share: _Share[Any, Any], done: Future[Any]) -> None:
    """Nothing: a future's callback holding ``share`` until the future is done."""


def shared_out(work: Callable[[Item], Result], items: Sequence[Item], *,
               least: int = MIN_ITEMS, meanwhile: Callable[[], None] | None = None
               ) -> list[Result]:
    """``[work(item) for item in items]``, shared with a second process where that can
    help (``work`` and ``items`` must pickle: a module's function, or a partial of one).
    ``meanwhile`` runs here first, once the second process is starting: work that would
    otherwise leave the second core idle."""
    if len(items) < least or usable_cores() < 2:
        if meanwhile is not None:
            meanwhile()
        return [work(item) for item in items]
    size = -(-len(items) // CHUNKS)
    count = -(-len(items) // size)
    context = multiprocessing.get_context("spawn")
    share = _Share(work, items, size, _Claims(context, count))
    done: dict[int, list[Result]] = {}
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=_receive,
                               initargs=(share,))
    theirs: Future[dict[int, list[Result]]] | None
    try:
        theirs = pool.submit(_claim_from_front)
        # The shared counters must outlive this call until the second process has
        # started and read them (a lock's semaphore goes with its last reference): the
        # future, held until it is done, holds them.
        theirs.add_done_callback(functools.partial(_let_go, share))
    except Exception:  # no second process (it could not start): all here
        theirs = None
    try:
        if meanwhile is not None:
            meanwhile()
        while (at := share.claims.from_back()) is not None:
            done[at] = share.chunk(at)
        if theirs is not None and share.claims.taken_from_front():
            # Should it have failed, whatever it took and did not hand back is done below.
            with contextlib.suppress(Exception):
                done.update(theirs.result())
    except BaseException:
        # It claims nothing more; once it has finished the chunk it is on, nothing it
        # writes is left behind in a folder the caller is about to remove.
        share.claims.close()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    # Done: it may still be starting (it then finds nothing to claim); nobody waits.
    pool.shutdown(wait=False, cancel_futures=True)
    return [result for at in range(count)
            for result in (done[at] if at in done else share.chunk(at))]
