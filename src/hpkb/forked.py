"""A list's items worked on two cores: every other one by a forked copy of this process.

For work that needs everything this process has imported and set up (reading and typing
entry files needs the models, the schema and pydantic: a fresh interpreter would spend
a third of a second importing them). A fork is made only when this process runs no
other thread, since forking a threaded process can deadlock (`hpkb.workers` explains
why the other stages start fresh interpreters instead); otherwise, and for short lists,
the work is done here, one item after another, with the same result.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["FORK_MIN_ITEMS", "on_two_cores"]

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this, a fork and pickling the results back cost more than half the work saves.
FORK_MIN_ITEMS = 200


def on_two_cores(work: Callable[[Item], Result], items: Sequence[Item],
                 least: int = FORK_MIN_ITEMS) -> list[Result]:
    """``[work(item) for item in items]``, every other item done by a forked child when
    there are at least ``least`` items and it is safe (alternate items, not halves:
    heavy items tend to be neighbours, such as one folder's files). The child's results
    come back pickled; should it fail in any way, its items are done here again."""
    if len(items) < least or not hasattr(os, "fork") or threading.active_count() > 1:
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
